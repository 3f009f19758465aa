// name: report-coterminosity-practices
// description: Current (open) practices of each PCN by the Place they are LOCATED_IN (`unknown` when none). One row per PCN and Place.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: ics string -- an ICS's ODS code: PCNs with a current practice located in one of its Places or leading one of their neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships and practices current (open) on this date (YYYY-MM-DD)
// columns: pcn_code, footprint, practices
MATCH (pr:Practice)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
  AND (pr.open_date IS NULL OR pr.open_date <= $as_at)
  AND (pr.close_date IS NULL OR pr.close_date > $as_at)
  AND (pr.close_date IS NOT NULL OR coalesce(pr.status, '') <> 'closed')
WITH DISTINCT pcn, pr
WHERE (coalesce($place, '') = '' AND coalesce($ics, '') = '')
   OR EXISTS { MATCH (pcn)<-[x:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(y:Place)
               WHERE coalesce($place, y.code) = y.code
                 AND (coalesce($ics, '') = '' OR EXISTS { MATCH (y)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
                 AND (x.`from` IS NULL OR x.`from` <= $as_at) AND (x.`to` IS NULL OR x.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(y:Place)
               WHERE coalesce($place, y.code) = y.code
                 AND (coalesce($ics, '') = '' OR EXISTS { MATCH (y)-[:PART_OF]->(i:ICS) WHERE i.code = $ics }) }
OPTIONAL MATCH (pr)-[:LOCATED_IN]->(pl:Place)
WITH pcn, pr, min(pl.code) AS located
RETURN pcn.code AS pcn_code, coalesce(located, 'unknown') AS footprint, count(pr) AS practices
ORDER BY pcn_code, footprint
