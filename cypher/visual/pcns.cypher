// name: visual-pcns
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the PCNs named, each with the neighbourhoods it leads and their Place (blank when none).
// param: pcns list = ; -- PCN codes (;-separated)
// param: as_at date = today -- neighbourhoods set up on or before this date (a blank `from` counts) (YYYY-MM-DD)
// columns: pcn_code, pcn_name, neighbourhood_code, neighbourhood_name, place_code, place_name, neighbourhood_from
MATCH (c:PCN)
WHERE c.code IN $pcns
OPTIONAL MATCH (c)-[:LEADS]->(n:Neighbourhood)
WHERE n.`from` IS NULL OR n.`from` <= $as_at
OPTIONAL MATCH (n)-[:PART_OF]->(p:Place)
RETURN c.code AS pcn_code, c.name AS pcn_name, n.code AS neighbourhood_code, n.name AS neighbourhood_name,
       p.code AS place_code, p.name AS place_name, n.`from` AS neighbourhood_from
ORDER BY pcn_code, neighbourhood_code
