// name: changes-board-memberships
// description: Organisations' board memberships that start or end between two dates, with every membership row of the same organisation and board (a continuing membership is not a change), the Place the board serves (blank for an ICS-level board) and the ICS an ICS-level board serves.
// param: place string -- a Place's ONS code: boards that serve it (none = every board)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: organisation_code, organisation_name, board_code, board_name, board_kind, place_code, role, from, to, ics_code
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE (m.`from` >= $since AND m.`from` <= $until) OR (m.`to` >= $since AND m.`to` <= $until)
WITH DISTINCT o, b
MATCH (o)-[m:MEMBER_OF]->(b)
OPTIONAL MATCH (b)-[:SERVES]->(p:Place)
WITH o, b, m, p
WHERE coalesce($place, '') = '' OR p.code = $place
OPTIONAL MATCH (b)-[:SERVES]->(i:ICS)
RETURN o.code AS organisation_code, o.name AS organisation_name, b.code AS board_code, b.name AS board_name,
       b.kind AS board_kind, p.code AS place_code, m.role AS role, m.`from` AS `from`, m.`to` AS `to`,
       i.code AS ics_code
