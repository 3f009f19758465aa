// name: changes-commissioning
// description: Pooled budgets, joint posts, joint teams and lead commissioning that start or end between two dates.
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, commissioning_code, commissioning_name, kind, value_gbp, from, to
MATCH (c:Commissioning)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND ((c.`from` >= $since AND c.`from` <= $until) OR (c.`to` >= $since AND c.`to` <= $until))
RETURN p.code AS place_code, c.code AS commissioning_code, c.name AS commissioning_name, c.kind AS kind,
       c.value_gbp AS value_gbp, c.`from` AS `from`, c.`to` AS `to`
