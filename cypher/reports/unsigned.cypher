// name: report-unsigned
// description: The listings behind the unsigned report: each party listed on an agreement FOR a Place in scope by the as-at date (an `added_on` on or before it, or none), with its signature date when it had signed by then (`signed_on`, else blank), and each such agreement once with no organisation (its `organisation_code` blank). The report adds each current core member of the Place (`report-core-members`) not listed at all (no_signature_row) to the parties listed without a signature (not_signed); a Place's diagram draws the agreements and signatures from the same rows. A party listed with an `added_on` after the as-at date is not listed yet.
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- listings made and signatures given on this date (YYYY-MM-DD)
// columns: place_code, agreement_code, agreement_title, agreement_kind, effective_from, organisation_code, organisation_name, sector, statutory, signed_on
MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
  AND (s.added_on IS NULL OR s.added_on <= $as_at)
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, a.kind AS agreement_kind,
       a.effective_from AS effective_from, o.code AS organisation_code, o.name AS organisation_name,
       o.sector AS sector, o.statutory AS statutory, CASE WHEN s.signed_on <= $as_at THEN s.signed_on END AS signed_on
UNION ALL
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, a.kind AS agreement_kind,
       a.effective_from AS effective_from, '' AS organisation_code, '' AS organisation_name, '' AS sector,
       false AS statutory, CASE WHEN p.code IS NULL THEN $as_at END AS signed_on
