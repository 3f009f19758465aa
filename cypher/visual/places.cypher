// name: visual-places
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the Places named, and every Place of the ICSs named, with their ICS.
// param: places list = ; -- Place codes (;-separated)
// param: ics list = ; -- ICS codes (;-separated)
// columns: place_code, place_name, ics_code, ics_name
MATCH (p:Place)
OPTIONAL MATCH (p)-[:PART_OF]->(i:ICS)
WITH p, i
WHERE p.code IN $places OR i.code IN $ics
RETURN p.code AS place_code, p.name AS place_name, i.code AS ics_code, i.name AS ics_name
ORDER BY place_code
