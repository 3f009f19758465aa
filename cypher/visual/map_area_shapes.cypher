// name: visual-map-area-shapes
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: the Areas named (a PCN's patients living outside the Places drawn), with their Place (directly, else through their neighbourhood) and boundary.
// param: areas list = ; -- Area codes (;-separated)
// columns: area_code, area_name, kind, place_code, neighbourhood_code, geometry
MATCH (a:Area)
WHERE a.code IN $areas
OPTIONAL MATCH (a)-[:`IN`]->(p:Place)
OPTIONAL MATCH (a)-[:`IN`]->(n:Neighbourhood)
OPTIONAL MATCH (n)-[:PART_OF]->(q:Place)
RETURN a.code AS area_code, a.name AS area_name, a.kind AS kind, coalesce(min(p.code), min(q.code)) AS place_code,
       min(n.code) AS neighbourhood_code, a.geometry AS geometry
ORDER BY area_code
