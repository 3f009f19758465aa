// name: visual-map-areas
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: the Areas of the Places named (IN the Place, or IN one of its neighbourhoods), each with its Place, its neighbourhood (blank when none) and its boundary (GeoJSON, blank when none).
// param: places list = ; -- Place codes (;-separated)
// columns: area_code, area_name, kind, place_code, neighbourhood_code, geometry
MATCH (p:Place)<-[:`IN`]-(a:Area)
WHERE p.code IN $places
OPTIONAL MATCH (a)-[:`IN`]->(n:Neighbourhood)
RETURN a.code AS area_code, a.name AS area_name, a.kind AS kind, p.code AS place_code, min(n.code) AS neighbourhood_code,
       a.geometry AS geometry
UNION
MATCH (p:Place)<-[:PART_OF]-(n:Neighbourhood)<-[:`IN`]-(a:Area)
WHERE p.code IN $places
RETURN a.code AS area_code, a.name AS area_name, a.kind AS kind, p.code AS place_code, min(n.code) AS neighbourhood_code,
       a.geometry AS geometry
