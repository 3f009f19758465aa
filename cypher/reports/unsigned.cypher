// name: report-unsigned
// description: Expected parties of each Place agreement that have not signed by the as-at date: listed without a signature on or before it (not_signed), or a current core member of the Place's partnership not listed at all (no_signature_row). A party listed with an `added_on` after the as-at date is not listed yet.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- core memberships current, listings made and signatures given on this date (YYYY-MM-DD)
// columns: place_code, agreement_code, organisation_code, organisation_name, reason, agreement_kind
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WITH * WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
MATCH (o:Organisation)-[s:PARTY_TO]->(a)
WHERE (s.added_on IS NULL OR s.added_on <= $as_at)
  AND (s.signed_on IS NULL OR s.signed_on > $as_at)
RETURN DISTINCT p.code AS place_code, a.code AS agreement_code, o.code AS organisation_code,
       o.name AS organisation_name, 'not_signed' AS reason, a.kind AS agreement_kind
UNION ALL
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WITH * WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)-[:SERVES]->(p)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
  AND m.role = 'core'
  AND (m.`from` IS NULL OR m.`from` <= $as_at)
  AND (m.`to` IS NULL OR m.`to` >= $as_at)
  AND NOT EXISTS { MATCH (o)-[s:PARTY_TO]->(a) WHERE s.added_on IS NULL OR s.added_on <= $as_at }
RETURN DISTINCT p.code AS place_code, a.code AS agreement_code, o.code AS organisation_code,
       o.name AS organisation_name, 'no_signature_row' AS reason, a.kind AS agreement_kind
