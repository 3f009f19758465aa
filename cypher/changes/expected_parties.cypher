// name: changes-expected-parties
// description: For each Place agreement, the organisations that may have become expected parties between two dates (a core membership of the Place's partnership boards starting or ending then, or a listing added then), with every core membership of theirs on those boards and their listing (listed, added_on) — the unsigned report's expected parties, over time.
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, agreement_code, agreement_title, organisation_code, organisation_name, core, core_from, core_to, listed, added_on
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board'] AND m.role = 'core'
  AND ((m.`from` >= $since AND m.`from` <= $until) OR (m.`to` >= $since AND m.`to` <= $until))
WITH DISTINCT a, p, o
MATCH (o)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board'] AND m.role = 'core'
OPTIONAL MATCH (o)-[s:PARTY_TO]->(a)
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, o.code AS organisation_code,
       o.name AS organisation_name, true AS core, m.`from` AS core_from, m.`to` AS core_to,
       CASE WHEN s IS NULL THEN false ELSE true END AS listed, s.added_on AS added_on
UNION ALL
MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND s.added_on >= $since AND s.added_on <= $until
OPTIONAL MATCH (o)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board'] AND m.role = 'core'
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, o.code AS organisation_code,
       o.name AS organisation_name, CASE WHEN m IS NULL THEN false ELSE true END AS core, m.`from` AS core_from,
       m.`to` AS core_to, true AS listed, s.added_on AS added_on
