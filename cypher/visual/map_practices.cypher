// name: visual-map-practices
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: the current (open) practices located in the Places named or members of the PCNs named, with their point (blank when none), the Place they are located in and their current PCN (blank when none).
// param: places list = ; -- Place codes (;-separated)
// param: pcns list = ; -- PCN codes (;-separated)
// param: as_at date = today -- practices open and memberships current on this date (YYYY-MM-DD)
// columns: practice_code, practice_name, postcode, lat, lon, point_from, place_code, pcn_code
MATCH (pr:Practice)
WHERE (pr.open_date IS NULL OR pr.open_date <= $as_at)
  AND (pr.close_date IS NULL OR pr.close_date > $as_at)
  AND (pr.close_date IS NOT NULL OR coalesce(pr.status, '') <> 'closed')
OPTIONAL MATCH (pr)-[:LOCATED_IN]->(p:Place)
OPTIONAL MATCH (pr)-[m:MEMBER_OF]->(c:PCN)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH pr, min(p.code) AS place_code, min(c.code) AS pcn_code
WHERE place_code IN $places OR pcn_code IN $pcns
RETURN pr.code AS practice_code, pr.name AS practice_name, pr.postcode AS postcode, pr.lat AS lat, pr.lon AS lon,
       pr.point_from AS point_from, place_code, pcn_code
ORDER BY practice_code
