// name: changes-board-links
// description: For each ICP board (a Place's place partnership boards, else its health and wellbeing boards) with a WORKS_WITH link that starts or ends between two dates, every WORKS_WITH link it has (either direction) with the other board's kind, and the kinds it is linked with by SUBGROUP_OF (undated).
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, board_code, board_name, board_kind, other_code, other_name, other_kind, from, to, subgroup_kinds
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
MATCH (b:Board)-[:SERVES]->(p)
WHERE b.kind = 'place_partnership_board'
   OR (b.kind = 'health_and_wellbeing_board'
       AND NOT EXISTS { MATCH (x:Board)-[:SERVES]->(p) WHERE x.kind = 'place_partnership_board' })
MATCH (b)-[w:WORKS_WITH]-(:Board)
WHERE (w.`from` >= $since AND w.`from` <= $until) OR (w.`to` >= $since AND w.`to` <= $until)
WITH DISTINCT p, b
OPTIONAL MATCH (b)-[:SUBGROUP_OF]-(s:Board)
WITH p, b, collect(DISTINCT s.kind) AS subgroup_kinds
MATCH (b)-[w:WORKS_WITH]-(o:Board)
RETURN p.code AS place_code, b.code AS board_code, b.name AS board_name, b.kind AS board_kind,
       o.code AS other_code, o.name AS other_name, o.kind AS other_kind, w.`from` AS `from`, w.`to` AS `to`,
       subgroup_kinds
