// name: report-breadth
// description: Breadth of each Place's partnership: distinct current member organisations, sectors, statutory split (the `breadth` report without missing_sectors, which the runner adds).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: place_code, place_name, members, sectors, statutory, non_statutory, sector_list
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT p, o
WITH p, count(o) AS members, count(DISTINCT o.sector) AS sectors,
     count(CASE WHEN o.statutory = true THEN 1 END) AS statutory,
     collect(DISTINCT o.sector) AS sector_list
RETURN p.code AS place_code, p.name AS place_name, members, sectors, statutory,
       members - statutory AS non_statutory, sector_list
ORDER BY place_code
