// name: report-coterminosity-patients
// description: Registered patients of each PCN's current (open) practices by the footprint of the Area they live in: at place level the Place the Area is IN (or the Place of the neighbourhood it is IN), at neighbourhood level the neighbourhood; `unknown` when the Area has none. One row per level, PCN and footprint with patients: both levels at once, as a diagram shows both (the report keeps the level asked for). Reads the totals per practice and footprint that the loader keeps (PATIENTS_IN), not the registrations; `report-coterminosity-patients-live` is the same from every registration.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: ics string -- an ICS's ODS code: PCNs with a current practice located in one of its Places or leading one of their neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships and practices current (open) on this date (YYYY-MM-DD)
// columns: level, pcn_code, footprint, patients
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
MATCH (pr)-[t:PATIENTS_IN]->()
WITH t.`level` AS level, pcn, t.footprint AS footprint, sum(t.patients) AS patients
WHERE patients > 0
RETURN level, pcn.code AS pcn_code, footprint, patients
ORDER BY level, pcn_code, footprint
