// name: report-place-pcns
// description: The PCNs of each Place as the coterminosity report takes them for that Place: a current practice located in the Place, or leading one of its neighbourhoods (the progress report counts their coterminosity per Place).
// param: place string -- a Place's ONS code (none = every Place)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: place_code, pcn_code
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
MATCH (pr:Practice)-[:LOCATED_IN]->(p)
MATCH (pr)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
RETURN DISTINCT p.code AS place_code, pcn.code AS pcn_code
UNION
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
MATCH (pcn:PCN)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(p)
RETURN DISTINCT p.code AS place_code, pcn.code AS pcn_code
