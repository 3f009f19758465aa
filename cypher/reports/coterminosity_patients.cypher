// name: report-coterminosity-patients
// description: Registered patients of each PCN's current practices by the footprint of the Area they live in: at place level the Place the Area is IN (or the Place of the neighbourhood it is IN), at neighbourhood level the neighbourhood; `unknown` when the Area has none. One row per PCN and footprint with patients. Reads the totals per practice and footprint that the loader keeps (PATIENTS_IN), not the registrations.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// param: level string = place -- place or neighbourhood
// columns: pcn_code, footprint, patients
MATCH (pr:Practice)-[m:MEMBER_OF]->(pcn:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT pcn, pr
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (pcn)<-[x:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(y:Place)
               WHERE y.code = $place AND (x.`from` IS NULL OR x.`from` <= $as_at) AND (x.`to` IS NULL OR x.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(y:Place) WHERE y.code = $place }
MATCH (pr)-[t:PATIENTS_IN]->()
WHERE t.`level` = $level
WITH pcn, t.footprint AS footprint, sum(t.patients) AS patients
WHERE patients > 0
RETURN pcn.code AS pcn_code, footprint, patients
ORDER BY pcn_code, footprint
