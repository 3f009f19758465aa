// name: changes-neighbourhoods
// description: Neighbourhoods set up (their `from`) between two dates.
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, neighbourhood_code, neighbourhood_name, from
MATCH (n:Neighbourhood)-[:PART_OF]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND n.`from` >= $since AND n.`from` <= $until
RETURN p.code AS place_code, n.code AS neighbourhood_code, n.name AS neighbourhood_name, n.`from` AS `from`
