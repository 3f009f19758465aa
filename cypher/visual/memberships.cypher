// name: visual-memberships
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: current memberships (core or wider) of the boards named.
// param: boards list = ; -- Board codes (;-separated)
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: organisation_code, organisation_name, sector, statutory, board_code, role, from, to
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE b.code IN $boards
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
RETURN o.code AS organisation_code, o.name AS organisation_name, o.sector AS sector,
       o.statutory AS statutory, b.code AS board_code, m.role AS role, m.`from` AS `from`, m.`to` AS `to`
ORDER BY board_code, organisation_code
