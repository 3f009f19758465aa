// name: visual-people
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the people named (e.g. place leads from the place-leads report), with their employer.
// param: people list = ; -- Person ids (;-separated)
// columns: person_id, person_name, role_title, organisation_code
MATCH (x:Person)
WHERE x.id IN $people
OPTIONAL MATCH (x)-[:WORKS_FOR]->(o:Organisation)
RETURN x.id AS person_id, x.name AS person_name, x.role_title AS role_title, min(o.code) AS organisation_code
ORDER BY person_id
