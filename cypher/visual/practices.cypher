// name: visual-practices
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the current member practices of the PCNs named, with the Place each is located in.
// param: pcns list = ; -- PCN codes (;-separated)
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: pcn_code, practice_code, practice_name, postcode, place_code, from, to
MATCH (x:Practice)-[m:MEMBER_OF]->(c:PCN)
WHERE c.code IN $pcns
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
OPTIONAL MATCH (x)-[:LOCATED_IN]->(p:Place)
RETURN c.code AS pcn_code, x.code AS practice_code, x.name AS practice_name, x.postcode AS postcode,
       p.code AS place_code, m.`from` AS `from`, m.`to` AS `to`
ORDER BY pcn_code, practice_code
