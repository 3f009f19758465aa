// name: report-place
// description: One Place by its code (the reports check `--place` with it).
// param: place string required -- a Place's ONS code
// columns: place_code, place_name
MATCH (p:Place)
WHERE p.code = $place
RETURN p.code AS place_code, p.name AS place_name
