// name: report-assurance-facts
// description: The per-Place counts behind the seven-feature assurance report (ICP boards, partners beyond health and care, agreements, plans, neighbourhoods, comms links, joint commissioning).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- memberships, roles, neighbourhoods and commissioning current, and approvals given, on this date (YYYY-MM-DD)
// param: beyond_sectors list = housing;voluntary;police -- sectors that count as partners beyond health and care
// columns: place_code, place_name, icp_boards, beyond_health_members, agreements, vision_plans, vision_plans_approved, development_plans, od_plans, neighbourhoods, engagement_plans, engagement_plans_seldom_heard, comms_links, pooled_budgets, joint_posts_or_teams
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
WITH p,
     COUNT { MATCH (b:Board)-[:SERVES]->(p) WHERE b.kind = 'place_partnership_board' } AS ppbs,
     COUNT { MATCH (b:Board)-[:SERVES]->(p) WHERE b.kind = 'health_and_wellbeing_board' } AS hwbs
RETURN p.code AS place_code, p.name AS place_name,
       CASE WHEN ppbs > 0 THEN ppbs ELSE hwbs END AS icp_boards,
       COUNT { MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
               WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
                 AND o.sector IN $beyond_sectors
                 AND (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at) } AS beyond_health_members,
       COUNT { MATCH (a:Agreement)-[:`FOR`]->(p) } AS agreements,
       COUNT { MATCH (v:Plan)-[:`FOR`]->(p) WHERE v.kind IN ['shared_vision', 'place_plan'] } AS vision_plans,
       COUNT { MATCH (v:Plan)-[:`FOR`]->(p)
               WHERE v.kind IN ['shared_vision', 'place_plan']
                 AND EXISTS { MATCH (h:Board)-[ap:APPROVED]->(v)
                              WHERE h.kind = 'health_and_wellbeing_board' AND (h)-[:SERVES]->(p)
                                AND (ap.`on` IS NULL OR ap.`on` <= $as_at) } } AS vision_plans_approved,
       COUNT { MATCH (d:Plan)-[:`FOR`]->(p) WHERE d.kind = 'development_plan' } AS development_plans,
       COUNT { MATCH (d:Plan)-[:`FOR`]->(p) WHERE d.kind = 'od_plan' } AS od_plans,
       COUNT { MATCH (n:Neighbourhood)-[:PART_OF]->(p) WHERE n.`from` IS NULL OR n.`from` <= $as_at } AS neighbourhoods,
       COUNT { MATCH (e:Plan)-[:`FOR`]->(p) WHERE e.kind = 'engagement_plan' } AS engagement_plans,
       COUNT { MATCH (e:Plan)-[:`FOR`]->(p) WHERE e.kind = 'engagement_plan' AND e.covers_seldom_heard = true } AS engagement_plans_seldom_heard,
       COUNT { MATCH (x:Person)-[h:HOLDS]->(p) WHERE h.role = 'comms_link' AND (h.`from` IS NULL OR h.`from` <= $as_at)
                                                 AND (h.`to` IS NULL OR h.`to` >= $as_at) } AS comms_links,
       COUNT { MATCH (c:Commissioning)-[:`FOR`]->(p) WHERE c.kind = 'pooled_budget'
               AND (c.`from` IS NULL OR c.`from` <= $as_at) AND (c.`to` IS NULL OR c.`to` >= $as_at) } AS pooled_budgets,
       COUNT { MATCH (c:Commissioning)-[:`FOR`]->(p) WHERE c.kind IN ['joint_post', 'joint_team']
               AND (c.`from` IS NULL OR c.`from` <= $as_at) AND (c.`to` IS NULL OR c.`to` >= $as_at) } AS joint_posts_or_teams
ORDER BY place_code
