// name: report-pcn-practices
// internal: yes -- coterminosity by patients adds up these practices' totals (report-practice-patients) per PCN
// description: Each PCN's current (open) practices, for the PCNs `report-coterminosity-patients` counts: a current practice located in a Place in scope or leading one of its neighbourhoods (none = every PCN).
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: ics string -- an ICS's ODS code: PCNs with a current practice located in one of its Places or leading one of their neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships and practices current (open) on this date (YYYY-MM-DD)
// columns: pcn_code, practice_code
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
RETURN pcn.code AS pcn_code, pr.code AS practice_code
