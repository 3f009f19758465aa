// name: changes-approvals
// description: Plans approved by a board between two dates.
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, board_code, board_name, plan_code, plan_title, plan_kind, on
MATCH (b:Board)-[ap:APPROVED]->(v:Plan)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND ap.`on` >= $since AND ap.`on` <= $until
RETURN p.code AS place_code, b.code AS board_code, b.name AS board_name, v.code AS plan_code,
       v.title AS plan_title, v.kind AS plan_kind, ap.`on` AS `on`
