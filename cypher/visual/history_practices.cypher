// name: visual-history-practices
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every membership (any date) of a practice in the PCNs named, with where the practice is located and the extract dates behind dates an extract implied.
// param: pcns list = ; -- PCN codes (;-separated)
// columns: pcn_code, practice_code, practice_name, postcode, place_code, from, to, from_extract, to_extract
MATCH (x:Practice)-[m:MEMBER_OF]->(c:PCN)
WHERE c.code IN $pcns
OPTIONAL MATCH (x)-[:LOCATED_IN]->(p:Place)
RETURN c.code AS pcn_code, x.code AS practice_code, x.name AS practice_name, x.postcode AS postcode,
       p.code AS place_code, m.`from` AS `from`, m.`to` AS `to`, m.from_extract AS from_extract,
       m.to_extract AS to_extract
ORDER BY pcn_code, practice_code
