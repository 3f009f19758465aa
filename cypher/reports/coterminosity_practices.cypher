// name: report-coterminosity-practices
// description: Current practices of each PCN by the Place they are LOCATED_IN (`unknown` when none). One row per PCN and Place.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// columns: pcn_code, footprint, practices
MATCH (pr:Practice)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT pcn, pr
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (pcn)<-[x:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(y:Place)
               WHERE y.code = $place AND (x.`from` IS NULL OR x.`from` <= $as_at) AND (x.`to` IS NULL OR x.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(y:Place) WHERE y.code = $place }
OPTIONAL MATCH (pr)-[:LOCATED_IN]->(pl:Place)
WITH pcn, pr, min(pl.code) AS located
RETURN pcn.code AS pcn_code, coalesce(located, 'unknown') AS footprint, count(pr) AS practices
ORDER BY pcn_code, footprint
