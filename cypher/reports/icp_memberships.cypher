// name: report-icp-core-since
// description: For each Place with an ICP board, the earliest `from` of a current core membership of its ICP boards, and whether any such membership has no `from` (the timeline's boundaries_confirmed check).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: place_code, core_memberships, earliest_from, undated
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
MATCH (b:Board)-[:SERVES]->(p)
WHERE b.kind = 'place_partnership_board'
   OR (b.kind = 'health_and_wellbeing_board'
       AND NOT EXISTS { MATCH (x:Board)-[:SERVES]->(p) WHERE x.kind = 'place_partnership_board' })
MATCH (o:Organisation)-[m:MEMBER_OF]->(b)
WHERE m.role = 'core'
  AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
RETURN p.code AS place_code, count(m) AS core_memberships, min(m.`from`) AS earliest_from,
       count(CASE WHEN m.`from` IS NULL THEN 1 END) AS undated
ORDER BY place_code
