// name: visual-person-links
// internal: yes -- a building block of the diagrams (icpmap.visualise); list parameters default to none
// description: Diagrams: the organisations that endorsed the people named by the as-at date, and the boards on which they hold a role then.
// param: people list = ; -- Person ids (;-separated)
// param: as_at date = today -- endorsements given and roles held on this date (YYYY-MM-DD)
// columns: person_id, link, code, name, kind, sector, statutory, role, date
MATCH (o:Organisation)-[e:ENDORSED]->(x:Person)
WHERE x.id IN $people AND (e.`on` IS NULL OR e.`on` <= $as_at)
RETURN x.id AS person_id, 'endorsed_by' AS link, o.code AS code, o.name AS name, '' AS kind,
       o.sector AS sector, o.statutory AS statutory, '' AS role, e.`on` AS date
UNION ALL
MATCH (x:Person)-[h:HOLDS]->(b:Board)
WHERE x.id IN $people AND (h.`from` IS NULL OR h.`from` <= $as_at) AND (h.`to` IS NULL OR h.`to` >= $as_at)
RETURN x.id AS person_id, 'holds' AS link, b.code AS code, b.name AS name, b.kind AS kind,
       '' AS sector, false AS statutory, h.role AS role, h.`from` AS date
