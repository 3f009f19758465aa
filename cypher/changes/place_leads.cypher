// name: changes-place-leads
// description: Every place_lead role of the Places where one starts or ends between two dates (the lead is the current role with the latest `from`, so all of a Place's roles decide who leads).
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, place_name, person_id, from, to
MATCH (:Person)-[h:HOLDS]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND h.role = 'place_lead'
  AND ((h.`from` >= $since AND h.`from` <= $until) OR (h.`to` >= $since AND h.`to` <= $until))
WITH DISTINCT p
MATCH (x:Person)-[h:HOLDS]->(p)
WHERE h.role = 'place_lead'
RETURN p.code AS place_code, p.name AS place_name, x.id AS person_id, h.`from` AS `from`, h.`to` AS `to`
