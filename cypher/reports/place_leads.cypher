// name: report-place-leads
// description: Each Place's lead (the current place_lead role with the latest `from`), how many current core members had endorsed them by the as-at date, who has not, and whether the lead sits on a Place Collaborative Forum.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- roles and memberships current on this date (YYYY-MM-DD)
// columns: place_code, lead_person_id, core_members, endorsed_by, missing_endorsements, on_collaborative_forum, lead_from
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
OPTIONAL MATCH (:Person)-[h:HOLDS]->(p)
WHERE h.role = 'place_lead' AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
WITH p, max(h.`from`) AS latest, count(h) AS leads
OPTIONAL MATCH (x:Person)-[h:HOLDS]->(p)
WHERE h.role = 'place_lead' AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
  AND (h.`from` = latest OR (latest IS NULL AND h.`from` IS NULL))
WITH p, latest, min(x.id) AS lead_id
OPTIONAL MATCH (lead:Person)
WHERE lead.id = lead_id
OPTIONAL MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
  AND m.role = 'core'
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT p, latest, lead, o
OPTIONAL MATCH (o)-[e:ENDORSED]->(lead)
WHERE e.`on` IS NULL OR e.`on` <= $as_at
WITH p, latest, lead, o, count(e) AS endorsements
WITH p, latest, lead, count(o) AS core_members,
     count(CASE WHEN endorsements > 0 THEN o END) AS endorsed_by,
     collect(CASE WHEN lead IS NOT NULL AND endorsements = 0 THEN o.code END) AS missing
OPTIONAL MATCH (lead)-[f:HOLDS]->(forum:Board)
WHERE forum.kind = 'place_collaborative_forum' AND (f.`from` IS NULL OR f.`from` <= $as_at)
  AND (f.`to` IS NULL OR f.`to` >= $as_at)
RETURN p.code AS place_code, lead.id AS lead_person_id, core_members, endorsed_by,
       missing AS missing_endorsements, count(f) > 0 AS on_collaborative_forum, latest AS lead_from
ORDER BY place_code
