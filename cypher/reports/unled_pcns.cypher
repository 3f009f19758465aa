// name: report-unled-pcns
// description: PCNs with a current practice located in a Place that lead none of that Place's neighbourhoods (the footprints feature of the assurance report).
// param: place string -- a Place's ONS code (none = every Place)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: place_code, pcn_code, pcn_name
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
MATCH (pr:Practice)-[:LOCATED_IN]->(p)
MATCH (pr)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT p, pcn
WHERE NOT EXISTS { MATCH (pcn)-[:LEADS]->(n:Neighbourhood)-[:PART_OF]->(p) WHERE n.`from` IS NULL OR n.`from` <= $as_at }
RETURN p.code AS place_code, pcn.code AS pcn_code, pcn.name AS pcn_name
ORDER BY place_code, pcn_code
