// name: report-coterminosity-pcns
// description: The PCNs the coterminosity report covers: open PCNs with a current (open) practice located in a Place in scope, or leading a neighbourhood of one. A PCN none of whose practices is located anywhere is left out (its footprint is not known).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- practice memberships, practices and PCNs current (open) on this date (YYYY-MM-DD)
// columns: pcn_code, pcn_name
MATCH (pcn:PCN)
WHERE (pcn.open_date IS NULL OR pcn.open_date <= $as_at)
  AND (pcn.close_date IS NULL OR pcn.close_date > $as_at)
  AND (pcn.close_date IS NOT NULL OR coalesce(pcn.status, '') <> 'closed')
  AND (EXISTS { MATCH (pcn)<-[m:MEMBER_OF]-(pr:Practice)-[:LOCATED_IN]->(x:Place)
                WHERE coalesce($place, x.code) = x.code
                  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (x)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
                  AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
                  AND (pr.open_date IS NULL OR pr.open_date <= $as_at)
                  AND (pr.close_date IS NULL OR pr.close_date > $as_at)
                  AND (pr.close_date IS NOT NULL OR coalesce(pr.status, '') <> 'closed') }
       OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(x:Place)
                   WHERE coalesce($place, x.code) = x.code
                     AND (coalesce($ics, '') = '' OR EXISTS { MATCH (x)-[:PART_OF]->(i:ICS) WHERE i.code = $ics }) })
RETURN pcn.code AS pcn_code, pcn.name AS pcn_name
ORDER BY pcn_code
