// name: changes-practice-memberships
// description: Practice memberships of the PCNs in which one starts or ends between two dates (dated, or seen in an extract), with every membership of those PCNs (so a continuing membership is not a change, and a PCN's first and last practices show), and the Place each practice is located in.
// param: place string -- a Place's ONS code: PCNs with a practice located in it (none = every PCN)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: pcn_code, pcn_name, practice_code, practice_name, place_code, from, to, from_extract, to_extract
MATCH (:Practice)-[m:MEMBER_OF]->(c:PCN)
WHERE (m.`from` >= $since AND m.`from` <= $until) OR (m.`to` >= $since AND m.`to` <= $until)
   OR (m.from_extract >= $since AND m.from_extract <= $until) OR (m.to_extract >= $since AND m.to_extract <= $until)
WITH DISTINCT c
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (c)<-[:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(y:Place) WHERE y.code = $place }
MATCH (x:Practice)-[m:MEMBER_OF]->(c)
OPTIONAL MATCH (x)-[:LOCATED_IN]->(p:Place)
RETURN c.code AS pcn_code, c.name AS pcn_name, x.code AS practice_code, x.name AS practice_name,
       p.code AS place_code, m.`from` AS `from`, m.`to` AS `to`, m.from_extract AS from_extract,
       m.to_extract AS to_extract
ORDER BY pcn_code, practice_code
