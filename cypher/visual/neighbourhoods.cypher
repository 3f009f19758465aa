// name: visual-neighbourhoods
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the neighbourhoods of the Places named and the neighbourhoods named, each with its Place and the PCNs that lead it (blank when none).
// param: places list = ; -- Place codes (;-separated)
// param: neighbourhoods list = ; -- Neighbourhood codes (;-separated)
// param: as_at date = today -- neighbourhoods set up on or before this date (a blank `from` counts) (YYYY-MM-DD)
// columns: place_code, place_name, neighbourhood_code, neighbourhood_name, pcn_code, pcn_name, neighbourhood_from
MATCH (n:Neighbourhood)
WHERE n.`from` IS NULL OR n.`from` <= $as_at
OPTIONAL MATCH (n)-[:PART_OF]->(p:Place)
WITH n, p
WHERE p.code IN $places OR n.code IN $neighbourhoods
OPTIONAL MATCH (c:PCN)-[:LEADS]->(n)
RETURN p.code AS place_code, p.name AS place_name, n.code AS neighbourhood_code, n.name AS neighbourhood_name,
       c.code AS pcn_code, c.name AS pcn_name, n.`from` AS neighbourhood_from
ORDER BY place_code, neighbourhood_code, pcn_code
