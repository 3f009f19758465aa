// name: report-core-members
// description: Each Place's current core members: organisations with a current core membership of one of the Place's ICP boards (its place partnership board or health and wellbeing board). Shared by the place-leads report (who should endorse the lead) and the unsigned report (who should be a party to the Place's agreements), so a diagram showing both reads them once.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- core memberships current on this date (YYYY-MM-DD)
// columns: place_code, organisation_code, organisation_name
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
  AND b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
  AND m.role = 'core' AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
RETURN DISTINCT p.code AS place_code, o.code AS organisation_code, o.name AS organisation_name
