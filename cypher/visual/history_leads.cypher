// name: visual-history-leads
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every place_lead role (any date) of the Places named.
// param: places list = ; -- Place codes (;-separated)
// columns: place_code, person_id, from, to
MATCH (x:Person)-[h:HOLDS]->(p:Place)
WHERE p.code IN $places AND h.role = 'place_lead'
RETURN p.code AS place_code, x.id AS person_id, h.`from` AS `from`, h.`to` AS `to`
ORDER BY place_code, person_id
