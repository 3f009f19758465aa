// name: visual-boards
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the boards that serve the Places or ICSs named, and the boards named, with what each serves (blank when nothing).
// param: places list = ; -- Place codes (;-separated)
// param: ics list = ; -- ICS codes (;-separated)
// param: boards list = ; -- Board codes (;-separated)
// columns: board_code, board_name, kind, serves_label, serves_code, serves_name
MATCH (b:Board)-[:SERVES]->(p:Place)
WHERE p.code IN $places OR b.code IN $boards
RETURN b.code AS board_code, b.name AS board_name, b.kind AS kind,
       'Place' AS serves_label, p.code AS serves_code, p.name AS serves_name
UNION ALL
MATCH (b:Board)-[:SERVES]->(i:ICS)
WHERE i.code IN $ics OR b.code IN $boards
RETURN b.code AS board_code, b.name AS board_name, b.kind AS kind,
       'ICS' AS serves_label, i.code AS serves_code, i.name AS serves_name
UNION ALL
MATCH (b:Board)
WHERE b.code IN $boards
  AND NOT EXISTS { MATCH (b)-[:SERVES]->(:Place) }
  AND NOT EXISTS { MATCH (b)-[:SERVES]->(:ICS) }
RETURN b.code AS board_code, b.name AS board_name, b.kind AS kind,
       '' AS serves_label, '' AS serves_code, '' AS serves_name
