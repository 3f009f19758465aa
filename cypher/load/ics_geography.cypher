// name: load-ics-geography
// internal: yes -- used by `icpmap load --ics` to tell which rows of national files belong to the ICS
// description: What the store already knows of an ICS: its Sub-ICB locations (PART_OF it, or covering an Area of one of its Places), its Places, their Areas, and the practices of its Sub-ICB locations.
// param: ics string required -- the ICS's ODS code, e.g. QYG
// columns: kind, code
MATCH (o:Organisation)-[:PART_OF]->(i:ICS)
WHERE i.code = $ics
RETURN 'sub_icb' AS kind, o.code AS code
UNION ALL
MATCH (p:Place)-[:PART_OF]->(i:ICS)
WHERE i.code = $ics
RETURN 'place' AS kind, p.code AS code
UNION ALL
MATCH (a:Area)-[:`IN`]->(p:Place)-[:PART_OF]->(i:ICS)
WHERE i.code = $ics
RETURN DISTINCT 'area' AS kind, a.code AS code
UNION ALL
MATCH (o:Organisation)<-[:`IN`]-(:Area)-[:`IN`]->(p:Place)-[:PART_OF]->(i:ICS)
WHERE i.code = $ics
RETURN DISTINCT 'sub_icb' AS kind, o.code AS code
UNION ALL
MATCH (pr:Practice)-[:COMMISSIONED_BY]->(o:Organisation)-[:PART_OF]->(i:ICS)
WHERE i.code = $ics
RETURN DISTINCT 'practice' AS kind, pr.code AS code
