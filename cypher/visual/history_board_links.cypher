// name: visual-history-board-links
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every WORKS_WITH link (with its dates) that touches the boards named, with both ends (SUBGROUP_OF links are undated: visual-board-links).
// param: boards list = ; -- Board codes (;-separated)
// columns: rel, from_code, from_name, from_kind, to_code, to_name, to_kind, how, from, to
MATCH (a:Board)-[w:WORKS_WITH]->(b:Board)
WHERE a.code IN $boards OR b.code IN $boards
RETURN 'WORKS_WITH' AS rel, a.code AS from_code, a.name AS from_name, a.kind AS from_kind,
       b.code AS to_code, b.name AS to_name, b.kind AS to_kind, coalesce(w.how, '') AS how,
       w.`from` AS `from`, w.`to` AS `to`
