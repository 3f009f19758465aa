// name: visual-history-located
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: the dates on which the PCNs the coterminosity report covers in the Places named can change — every start and end of a membership of a practice located in them, and the open and close dates of those practices and their PCNs.
// param: places list = ; -- Place codes (;-separated)
// columns: pcn_code, from, to, practice_open, practice_close, pcn_open, pcn_close
MATCH (x:Practice)-[:LOCATED_IN]->(p:Place)
WHERE p.code IN $places
MATCH (x)-[m:MEMBER_OF]->(c:PCN)
RETURN c.code AS pcn_code, m.`from` AS `from`, m.`to` AS `to`, x.open_date AS practice_open,
       x.close_date AS practice_close, c.open_date AS pcn_open, c.close_date AS pcn_close
