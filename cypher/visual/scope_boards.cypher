// name: visual-scope-boards
// description: Diagrams of a Place or an ICS: the boards that serve the Places or ICSs named, with what each serves (`visual-boards` without its boards named by code, whose extra branch a Place's diagram would pay for at every run).
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// param: places list = ; -- Place codes (;-separated)
// param: ics list = ; -- ICS codes (;-separated)
// columns: board_code, board_name, kind, serves_label, serves_code, serves_name
MATCH (b:Board)-[:SERVES]->(p:Place)
WHERE p.code IN $places
RETURN b.code AS board_code, b.name AS board_name, b.kind AS kind,
       'Place' AS serves_label, p.code AS serves_code, p.name AS serves_name
UNION ALL
MATCH (b:Board)-[:SERVES]->(i:ICS)
WHERE i.code IN $ics
RETURN b.code AS board_code, b.name AS board_name, b.kind AS kind,
       'ICS' AS serves_label, i.code AS serves_code, i.name AS serves_name
