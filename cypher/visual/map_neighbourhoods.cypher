// name: visual-map-neighbourhoods
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: the neighbourhoods of the Places named and the neighbourhoods named, each with its Place and the PCNs that lead it (a list, empty when none).
// param: places list = ; -- Place codes (;-separated)
// param: neighbourhoods list = ; -- Neighbourhood codes (;-separated)
// columns: neighbourhood_code, neighbourhood_name, place_code, pcn_codes
MATCH (n:Neighbourhood)
OPTIONAL MATCH (n)-[:PART_OF]->(p:Place)
WITH n, p
WHERE p.code IN $places OR n.code IN $neighbourhoods
OPTIONAL MATCH (c:PCN)-[:LEADS]->(n)
RETURN n.code AS neighbourhood_code, n.name AS neighbourhood_name, p.code AS place_code, collect(c.code) AS pcn_codes
ORDER BY neighbourhood_code
