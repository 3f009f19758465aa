// name: visual-ics
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the ICSs named.
// param: ics list = ; -- ICS codes (;-separated)
// columns: ics_code, ics_name
MATCH (i:ICS)
WHERE i.code IN $ics
RETURN i.code AS ics_code, i.name AS ics_name
ORDER BY ics_code
