// name: visual-history-person-links
// internal: yes -- a building block of the diagrams' time slider (icpmap.visualise); list parameters default to none
// description: Diagrams over time: every endorsement of the people named (`from`: its date; `to` always blank) and every role they hold on a board, with its dates. (Not `e.on AS to` twice: LadybugDB 0.22 then returns the next UNION branch's dates as null.)
// param: people list = ; -- Person ids (;-separated)
// columns: person_id, link, code, name, kind, sector, statutory, role, from, to
MATCH (o:Organisation)-[e:ENDORSED]->(x:Person)
WHERE x.id IN $people
RETURN x.id AS person_id, 'endorsed_by' AS link, o.code AS code, o.name AS name, '' AS kind,
       o.sector AS sector, o.statutory AS statutory, '' AS role, e.`on` AS `from`,
       CASE WHEN e.`on` IS NULL THEN e.`on` END AS `to`
UNION ALL
MATCH (x:Person)-[h:HOLDS]->(b:Board)
WHERE x.id IN $people
RETURN x.id AS person_id, 'holds' AS link, b.code AS code, b.name AS name, b.kind AS kind,
       '' AS sector, false AS statutory, h.role AS role, h.`from` AS `from`, h.`to` AS `to`
