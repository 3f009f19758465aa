// name: visual-map-places
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: the Places named, and every Place of the ICSs named, with their ICS and boundary (GeoJSON, blank when none).
// param: places list = ; -- Place codes (;-separated)
// param: ics list = ; -- ICS codes (;-separated)
// columns: place_code, place_name, ics_code, ics_name, geometry
MATCH (p:Place)
OPTIONAL MATCH (p)-[:PART_OF]->(i:ICS)
WITH p, i
WHERE p.code IN $places OR i.code IN $ics
RETURN p.code AS place_code, p.name AS place_name, i.code AS ics_code, i.name AS ics_name, p.geometry AS geometry
ORDER BY place_code
