// name: report-agreement-signatures
// description: Each Place agreement with how many listed parties signed, and the latest signature date (used by the timeline and assurance reports).
// param: place string -- a Place's ONS code (none = every Place)
// param: ics string -- an ICS's ODS code: only its Places (none = every ICS)
// columns: place_code, agreement_code, agreement_kind, effective_from, listed, signed, last_signed_on
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
  AND (coalesce($ics, '') = '' OR EXISTS { MATCH (p)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
OPTIONAL MATCH (o:Organisation)-[s:PARTY_TO]->(a)
RETURN p.code AS place_code, a.code AS agreement_code, a.kind AS agreement_kind,
       a.effective_from AS effective_from, count(DISTINCT o) AS listed,
       count(DISTINCT CASE WHEN s.signed_on IS NOT NULL THEN o.code END) AS signed,
       max(s.signed_on) AS last_signed_on
ORDER BY place_code, agreement_code
