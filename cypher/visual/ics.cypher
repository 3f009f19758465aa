// name: visual-ics
// description: Diagrams: the ICSs named.
// param: ics list = ; -- ICS codes (;-separated)
// columns: ics_code, ics_name
MATCH (i:ICS)
WHERE i.code IN $ics
RETURN i.code AS ics_code, i.name AS ics_name
ORDER BY ics_code
