// name: changes-practice-memberships
// description: Practice memberships of the PCNs in which something can change between two dates — a membership starts or ends (dated, or seen in an extract), or one of its practices or the PCN itself opens or closes — with every membership of those PCNs (so a continuing membership is not a change, and a PCN's first and last practices show), the Place each practice is located in, and the practices' and the PCN's status and open and close dates.
// param: place string -- a Place's ONS code: PCNs with a practice located in it (none = every PCN)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: pcn_code, pcn_name, practice_code, practice_name, place_code, from, to, from_extract, to_extract, practice_status, practice_open, practice_close, pcn_status, pcn_open, pcn_close
MATCH (c:PCN)
WHERE (c.open_date >= $since AND c.open_date <= $until) OR (c.close_date >= $since AND c.close_date <= $until)
   OR EXISTS { MATCH (x:Practice)-[m:MEMBER_OF]->(c)
               WHERE (m.`from` >= $since AND m.`from` <= $until) OR (m.`to` >= $since AND m.`to` <= $until)
                  OR (m.from_extract >= $since AND m.from_extract <= $until)
                  OR (m.to_extract >= $since AND m.to_extract <= $until)
                  OR (x.open_date >= $since AND x.open_date <= $until)
                  OR (x.close_date >= $since AND x.close_date <= $until) }
WITH c
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (c)<-[:MEMBER_OF]-(:Practice)-[:LOCATED_IN]->(y:Place) WHERE y.code = $place }
MATCH (x:Practice)-[m:MEMBER_OF]->(c)
OPTIONAL MATCH (x)-[:LOCATED_IN]->(p:Place)
RETURN c.code AS pcn_code, c.name AS pcn_name, x.code AS practice_code, x.name AS practice_name,
       p.code AS place_code, m.`from` AS `from`, m.`to` AS `to`, m.from_extract AS from_extract,
       m.to_extract AS to_extract, x.status AS practice_status, x.open_date AS practice_open,
       x.close_date AS practice_close, c.status AS pcn_status, c.open_date AS pcn_open, c.close_date AS pcn_close
