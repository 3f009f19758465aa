// name: visual-map-pcn-areas
// internal: yes -- a building block of the maps (icpmap.visualise.mapdata); list parameters default to none
// description: Maps: where the registered patients of each PCN named live, by Area: its current (open) practices' registrations, as the coterminosity report counts them (report-coterminosity-patients).
// param: pcns list = ; -- PCN codes (;-separated)
// param: as_at date = today -- practices open and memberships current on this date (YYYY-MM-DD)
// columns: pcn_code, area_code, patients
MATCH (pr:Practice)-[m:MEMBER_OF]->(pcn:PCN)
WHERE pcn.code IN $pcns
  AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
  AND (pr.open_date IS NULL OR pr.open_date <= $as_at)
  AND (pr.close_date IS NULL OR pr.close_date > $as_at)
  AND (pr.close_date IS NOT NULL OR coalesce(pr.status, '') <> 'closed')
WITH DISTINCT pcn, pr
MATCH (pr)-[r:REGISTERS]->(a:Area)
WITH pcn, a, sum(r.patients) AS patients
WHERE patients > 0
RETURN pcn.code AS pcn_code, a.code AS area_code, patients
ORDER BY pcn_code, area_code
