// name: visual-history-agreements
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every party of the agreements for the Places named, with when it was listed (blank: from the start) and when it signed (blank: not signed).
// param: places list = ; -- Place codes (;-separated)
// columns: place_code, agreement_code, organisation_code, organisation_name, sector, statutory, added_on, signed_on
MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement)-[:`FOR`]->(p:Place)
WHERE p.code IN $places
RETURN p.code AS place_code, a.code AS agreement_code, o.code AS organisation_code, o.name AS organisation_name,
       o.sector AS sector, o.statutory AS statutory, s.added_on AS added_on, s.signed_on AS signed_on
ORDER BY place_code, agreement_code, organisation_code
