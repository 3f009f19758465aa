// name: report-unled-pcns
// description: Open PCNs with a current (open) practice located in a Place that lead none of that Place's neighbourhoods (the footprints feature of the assurance report).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: place_code, pcn_code, pcn_name
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
MATCH (pr:Practice)-[:LOCATED_IN]->(p)
MATCH (pr)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
  AND (pr.open_date IS NULL OR pr.open_date <= $as_at)
  AND (pr.close_date IS NULL OR pr.close_date > $as_at)
  AND (pr.close_date IS NOT NULL OR coalesce(pr.status, '') <> 'closed')
  AND (pcn.close_date IS NULL OR pcn.close_date > $as_at)
  AND (pcn.close_date IS NOT NULL OR coalesce(pcn.status, '') <> 'closed')
WITH DISTINCT p, pcn
WHERE NOT EXISTS { MATCH (pcn)-[:LEADS]->(n:Neighbourhood)-[:PART_OF]->(p) WHERE n.`from` IS NULL OR n.`from` <= $as_at }
RETURN p.code AS place_code, pcn.code AS pcn_code, pcn.name AS pcn_name
ORDER BY place_code, pcn_code
