// name: report-place-leads
// description: The facts behind each Place's lead, one row each (the core members who should endorse them are `report-core-members`) (the report ranks them: the current place_lead role with the latest `from`, ties to the smallest person id): every Place in scope (`place`), each current place_lead role (`lead`, its `from` in `since`; `since` is blank on the other facts), each endorsement of a current lead given by the as-at date (`endorsed`), and each current lead with a current seat on a Place Collaborative Forum (`forum`). Plain matches in one UNION ALL: no OPTIONAL MATCH or aggregation steps, which cost the embedded engine most. The endorsement and forum parts find the current leads first and go on from them after `WITH DISTINCT`: LadybugDB 0.21-0.22 drops or keeps the wrong rows when a filter on a relationship's properties (the lead role's dates) sits between two hops of one pattern over many Places (tests/test_engine_regressions.py). `since` is a date in every part (LadybugDB types a UNION's columns by its first part); only `lead` rows' is read.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- roles and memberships current on this date (YYYY-MM-DD)
// columns: place_code, fact, person_id, organisation_code, since
MATCH (x:Person)-[h:HOLDS]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
  AND h.role = 'place_lead' AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
RETURN p.code AS place_code, 'lead' AS fact, x.id AS person_id, '' AS organisation_code, h.`from` AS since
UNION ALL
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
RETURN p.code AS place_code, 'place' AS fact, '' AS person_id, '' AS organisation_code, CASE WHEN p.code IS NULL THEN $as_at END AS since
UNION ALL
MATCH (x:Person)-[h:HOLDS]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
  AND h.role = 'place_lead' AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
WITH DISTINCT p, x
MATCH (o:Organisation)-[e:ENDORSED]->(x)
WHERE e.`on` IS NULL OR e.`on` <= $as_at
RETURN DISTINCT p.code AS place_code, 'endorsed' AS fact, x.id AS person_id, o.code AS organisation_code,
       CASE WHEN p.code IS NULL THEN $as_at END AS since
UNION ALL
MATCH (x:Person)-[h:HOLDS]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
  AND h.role = 'place_lead' AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
WITH DISTINCT p, x
MATCH (f:Board)<-[s:HOLDS]-(x)
WHERE f.kind = 'place_collaborative_forum' AND (s.`from` IS NULL OR s.`from` <= $as_at)
  AND (s.`to` IS NULL OR s.`to` >= $as_at)
RETURN DISTINCT p.code AS place_code, 'forum' AS fact, x.id AS person_id, '' AS organisation_code, CASE WHEN p.code IS NULL THEN $as_at END AS since
