// name: report-ics
// description: One ICS by its ODS code, with its Places' codes (the reports check `--ics` with it).
// param: ics string required -- an ICS's ODS code, e.g. QYG
// columns: ics_code, place_codes
MATCH (i:ICS)
WHERE i.code = $ics
OPTIONAL MATCH (p:Place)-[:PART_OF]->(i)
RETURN i.code AS ics_code, collect(p.code) AS place_codes
