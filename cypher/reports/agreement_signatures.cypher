// name: report-agreement-signatures
// description: Each Place agreement with how many parties were listed and had signed by the as-at date, and the latest of those signatures (used by the timeline report).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// param: as_at date = today -- listings made and signatures given on or before this date (YYYY-MM-DD)
// columns: place_code, agreement_code, agreement_kind, effective_from, listed, signed, last_signed_on
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
OPTIONAL MATCH (o:Organisation)-[s:PARTY_TO]->(a)
WHERE s.added_on IS NULL OR s.added_on <= $as_at
WITH p, a, o, CASE WHEN s.signed_on <= $as_at THEN s.signed_on END AS signed_on
RETURN p.code AS place_code, a.code AS agreement_code, a.kind AS agreement_kind,
       a.effective_from AS effective_from, count(DISTINCT o) AS listed,
       count(DISTINCT CASE WHEN signed_on IS NOT NULL THEN o.code END) AS signed,
       max(signed_on) AS last_signed_on
ORDER BY place_code, agreement_code
