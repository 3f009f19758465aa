// name: visual-history-memberships
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every membership (any date) of the boards named, with the board's kind and the Place it serves.
// param: boards list = ; -- Board codes (;-separated)
// columns: organisation_code, organisation_name, sector, statutory, board_code, board_kind, place_code, role, from, to
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE b.code IN $boards
OPTIONAL MATCH (b)-[:SERVES]->(p:Place)
RETURN o.code AS organisation_code, o.name AS organisation_name, o.sector AS sector, o.statutory AS statutory,
       b.code AS board_code, b.kind AS board_kind, p.code AS place_code, m.role AS role, m.`from` AS `from`,
       m.`to` AS `to`
ORDER BY board_code, organisation_code
