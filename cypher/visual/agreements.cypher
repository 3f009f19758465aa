// name: visual-agreements
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the agreements for the Places named, and every organisation listed as a party by the as-at date with its signature date (blank = not signed by then).
// param: places list = ; -- Place codes (;-separated)
// param: as_at date = today -- listings and signatures on or before this date (YYYY-MM-DD)
// columns: place_code, agreement_code, agreement_title, agreement_kind, effective_from, organisation_code, organisation_name, sector, statutory, signed_on
MATCH (a:Agreement)-[:`FOR`]->(p:Place)
WHERE p.code IN $places
OPTIONAL MATCH (o:Organisation)-[s:PARTY_TO]->(a)
WHERE s.added_on IS NULL OR s.added_on <= $as_at
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, a.kind AS agreement_kind,
       a.effective_from AS effective_from, o.code AS organisation_code, o.name AS organisation_name,
       o.sector AS sector, o.statutory AS statutory,
       CASE WHEN s.signed_on <= $as_at THEN s.signed_on END AS signed_on
ORDER BY place_code, agreement_code, organisation_code
