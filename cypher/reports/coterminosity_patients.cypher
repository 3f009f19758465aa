// name: report-coterminosity-patients
// description: Registered patients of each PCN's current practices by the footprint (Place or neighbourhood) of the Area they live in; `unknown` for Areas with no footprint at that level. One row per PCN and footprint; a PCN with no patients has one row with a blank footprint.
// param: place string -- a Place's ONS code: PCNs with a current practice located in it or leading one of its neighbourhoods (none = every PCN)
// param: as_at date = today -- practice memberships current on this date (YYYY-MM-DD)
// param: level string = place -- place or neighbourhood
// columns: pcn_code, pcn_name, footprint, patients
MATCH (pcn:PCN)
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (pcn)<-[m:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(x:Place)
               WHERE x.code = $place AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at) }
   OR EXISTS { MATCH (pcn)-[:LEADS]->(:Neighbourhood)-[:PART_OF]->(x:Place) WHERE x.code = $place }
OPTIONAL MATCH (pcn)<-[m:MEMBER_OF]-(pr:Practice)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT pcn, pr
OPTIONAL MATCH (pr)-[r:REGISTERS]->(a:Area)
OPTIONAL MATCH (a)-[:`IN`]->(direct:Place)
OPTIONAL MATCH (a)-[:`IN`]->(nb:Neighbourhood)
OPTIONAL MATCH (nb)-[:PART_OF]->(via:Place)
WITH pcn, pr, a, r.patients AS patients,
     CASE WHEN $level = 'neighbourhood' THEN min(nb.code) ELSE coalesce(min(direct.code), min(via.code)) END AS fp
WITH pcn, CASE WHEN a IS NULL THEN NULL ELSE coalesce(fp, 'unknown') END AS footprint, patients
RETURN pcn.code AS pcn_code, pcn.name AS pcn_name, footprint, coalesce(sum(patients), 0) AS patients
ORDER BY pcn_code, footprint
