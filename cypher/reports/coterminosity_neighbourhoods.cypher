// name: report-coterminosity-neighbourhoods
// description: Each neighbourhood with the PCNs that LEAD it; one_to_one when exactly one PCN leads it and that PCN leads no other neighbourhood.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- neighbourhoods set up on or before this date (a blank `from` counts) (YYYY-MM-DD)
// columns: neighbourhood_code, neighbourhood_name, place_code, pcn_codes, one_to_one
MATCH (n:Neighbourhood)-[:PART_OF]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND (n.`from` IS NULL OR n.`from` <= $as_at)
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
OPTIONAL MATCH (pcn:PCN)-[:LEADS]->(n)
WITH DISTINCT n, p, pcn
OPTIONAL MATCH (pcn)-[:LEADS]->(other:Neighbourhood)
WHERE other.`from` IS NULL OR other.`from` <= $as_at
WITH n, p, pcn, count(DISTINCT other) AS led
WITH n, p, collect(pcn.code) AS pcn_codes, count(pcn) AS leaders, max(led) AS most_led
RETURN n.code AS neighbourhood_code, n.name AS neighbourhood_name, p.code AS place_code, pcn_codes,
       leaders = 1 AND most_led = 1 AS one_to_one
ORDER BY neighbourhood_code
