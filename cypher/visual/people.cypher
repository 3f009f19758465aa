// name: visual-people
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the people named (e.g. place leads from the place-leads report), one row each with a blank `organisation_code`, and one row per employer (WORKS_FOR) with blank name and role title; `icpmap.visualise.graph.people` joins them (a person's employer: the smallest code). Plain matches: an OPTIONAL MATCH and its aggregation cost the embedded engine twice as much.
// param: people list = ; -- Person ids (;-separated)
// columns: person_id, person_name, role_title, organisation_code
MATCH (x:Person)
WHERE x.id IN $people
RETURN x.id AS person_id, x.name AS person_name, x.role_title AS role_title, '' AS organisation_code
UNION ALL
MATCH (x:Person)-[:WORKS_FOR]->(o:Organisation)
WHERE x.id IN $people
RETURN x.id AS person_id, '' AS person_name, '' AS role_title, o.code AS organisation_code
