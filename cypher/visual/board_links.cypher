// name: visual-board-links
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: SUBGROUP_OF links and WORKS_WITH links current on the as-at date that touch the boards named, with both ends.
// param: boards list = ; -- Board codes (;-separated)
// param: as_at date = today -- WORKS_WITH links current on this date (YYYY-MM-DD)
// columns: rel, from_code, from_name, from_kind, to_code, to_name, to_kind, how
MATCH (a:Board)-[:SUBGROUP_OF]->(b:Board)
WHERE a.code IN $boards OR b.code IN $boards
RETURN 'SUBGROUP_OF' AS rel, a.code AS from_code, a.name AS from_name, a.kind AS from_kind,
       b.code AS to_code, b.name AS to_name, b.kind AS to_kind, '' AS how
UNION ALL
MATCH (a:Board)-[w:WORKS_WITH]->(b:Board)
WHERE (a.code IN $boards OR b.code IN $boards)
  AND (w.`from` IS NULL OR w.`from` <= $as_at) AND (w.`to` IS NULL OR w.`to` >= $as_at)
RETURN 'WORKS_WITH' AS rel, a.code AS from_code, a.name AS from_name, a.kind AS from_kind,
       b.code AS to_code, b.name AS to_name, b.kind AS to_kind, coalesce(w.how, '') AS how
