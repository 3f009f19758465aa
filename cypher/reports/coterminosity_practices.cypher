// name: report-coterminosity-practices
// description: Current practices of each PCN by the Place they are LOCATED_IN (`unknown` when none). One row per PCN and Place; a PCN with no current practice has one row with a blank footprint.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: pcn_code, pcn_name, footprint, practices
MATCH (pcn:PCN)
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (pcn)<-[m:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(x:Place)
               WHERE x.code = $place AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(x:Place) WHERE x.code = $place }
OPTIONAL MATCH (pcn)<-[m:MEMBER_OF]-(pr:Practice)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT pcn, pr
OPTIONAL MATCH (pr)-[:LOCATED_IN]->(pl:Place)
WITH pcn, pr, min(pl.code) AS located
WITH pcn, pr, CASE WHEN pr IS NULL THEN NULL ELSE coalesce(located, 'unknown') END AS footprint
RETURN pcn.code AS pcn_code, pcn.name AS pcn_name, footprint, count(pr) AS practices
ORDER BY pcn_code, footprint
