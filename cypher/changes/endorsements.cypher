// name: changes-endorsements
// description: Endorsements of people given between two dates, with the Places where the person holds a place_lead role (blank when none).
// param: place string -- a Place's ONS code: endorsements of its place leads (none = every endorsement)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, organisation_code, organisation_name, person_id, on
MATCH (o:Organisation)-[e:ENDORSED]->(x:Person)
WHERE e.`on` >= $since AND e.`on` <= $until
OPTIONAL MATCH (x)-[h:HOLDS]->(p:Place)
WHERE h.role = 'place_lead'
WITH DISTINCT o, e, x, p
WHERE coalesce($place, '') = '' OR p.code = $place
RETURN p.code AS place_code, o.code AS organisation_code, o.name AS organisation_name, x.id AS person_id,
       e.`on` AS `on`
