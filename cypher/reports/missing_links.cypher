// name: report-missing-links
// description: For each ICP board (a Place's place partnership boards, else its health and wellbeing boards), each expected kind of board it has no WORKS_WITH (current at the as-at date) or SUBGROUP_OF link with, in either direction.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- WORKS_WITH links current on this date (YYYY-MM-DD)
// param: kinds list = health_and_wellbeing_board;safeguarding_adults_board;safeguarding_children_partnership;community_safety_partnership;local_enterprise_partnership -- expected kinds, `;`-separated
// columns: place_code, board_code, missing_kind
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
MATCH (b:Board)-[:SERVES]->(p)
WHERE b.kind = 'place_partnership_board'
   OR (b.kind = 'health_and_wellbeing_board'
       AND NOT EXISTS { MATCH (x:Board)-[:SERVES]->(p) WHERE x.kind = 'place_partnership_board' })
WITH DISTINCT p, b
UNWIND $kinds AS kind
WITH p, b, kind
WHERE b.kind <> kind
  AND NOT EXISTS { MATCH (b)-[w:WORKS_WITH]-(o:Board)
                   WHERE o.kind = kind AND (w.`from` IS NULL OR w.`from` <= $as_at) AND (w.`to` IS NULL OR w.`to` >= $as_at) }
  AND NOT EXISTS { MATCH (b)-[:SUBGROUP_OF]-(o:Board) WHERE o.kind = kind }
RETURN p.code AS place_code, b.code AS board_code, kind AS missing_kind
ORDER BY place_code, board_code, missing_kind
