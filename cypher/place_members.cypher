// name: place-members
// description: The organisations in a Place's partnership (current members of its place partnership and health and wellbeing boards), core first.
// param: place string required -- the Place's ONS code, e.g. E08000014
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: organisation_code, organisation_name, sector, statutory, role, boards
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p:Place {code: $place})
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH o, collect(DISTINCT m.role) AS roles, count(DISTINCT b) AS boards
RETURN o.code AS organisation_code, o.name AS organisation_name, o.sector AS sector,
       coalesce(o.statutory, false) AS statutory,
       CASE WHEN 'core' IN roles THEN 'core' ELSE 'wider' END AS role,
       boards
ORDER BY role, organisation_name, organisation_code
