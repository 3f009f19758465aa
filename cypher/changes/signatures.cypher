// name: changes-signatures
// description: Signatures of Place agreements given between two dates.
// param: place string -- a Place's ONS code (none = every Place)
// param: since date required -- the first day of the window, less one (YYYY-MM-DD)
// param: until date required -- the last day of the window (YYYY-MM-DD)
// columns: place_code, agreement_code, agreement_title, agreement_kind, organisation_code, organisation_name, signed_on
MATCH (o:Organisation)-[s:PARTY_TO]->(a:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND s.signed_on >= $since AND s.signed_on <= $until
RETURN p.code AS place_code, a.code AS agreement_code, a.title AS agreement_title, a.kind AS agreement_kind,
       o.code AS organisation_code, o.name AS organisation_name, s.signed_on AS signed_on
