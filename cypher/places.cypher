// name: places
// description: Every Place with its ICS and how many neighbourhoods, practices and boards it has.
// columns: place_code, place_name, ics_code, neighbourhoods, practices, boards
MATCH (p:Place)
OPTIONAL MATCH (p)-[:PART_OF]->(i:ICS)
RETURN p.code AS place_code, p.name AS place_name, i.code AS ics_code,
       COUNT { MATCH (n:Neighbourhood)-[:PART_OF]->(p) } AS neighbourhoods,
       COUNT { MATCH (x:Practice)-[:LOCATED_IN]->(p) } AS practices,
       COUNT { MATCH (b:Board)-[:SERVES]->(p) } AS boards
ORDER BY place_code
