// name: report-coterminosity-pcns
// description: The PCNs the coterminosity report covers: every PCN, or with a Place those with a current practice located in it or leading one of its neighbourhoods.
// param: place string -- a Place's ONS code (none = every PCN)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: pcn_code, pcn_name
MATCH (pcn:PCN)
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (pcn)<-[m:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(x:Place)
               WHERE x.code = $place AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(x:Place) WHERE x.code = $place }
RETURN pcn.code AS pcn_code, pcn.name AS pcn_name
ORDER BY pcn_code
