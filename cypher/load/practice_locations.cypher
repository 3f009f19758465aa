// name: load-practice-locations
// internal: yes -- used by the loaders to locate practices (loaders/locate.py)
// description: Every practice with its postcode, its Sub-ICB location (COMMISSIONED_BY), and the Place it is LOCATED_IN with how that was found.
// columns: code, postcode, sub_icb, place, located_by
MATCH (pr:Practice)
OPTIONAL MATCH (pr)-[:COMMISSIONED_BY]->(o:Organisation)
OPTIONAL MATCH (pr)-[l:LOCATED_IN]->(p:Place)
RETURN pr.code AS code, pr.postcode AS postcode, min(o.code) AS sub_icb, min(p.code) AS place,
       min(l.located_by) AS located_by
