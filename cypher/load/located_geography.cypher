// name: load-located-geography
// internal: yes -- used by the loaders to locate practices by their Sub-ICB location (loaders/locate.py)
// description: The Places, and each Area with the Place and the Sub-ICB location it is IN: a Sub-ICB location lies in the Places of its Areas.
// columns: kind, code, other
MATCH (p:Place)
RETURN 'place' AS kind, p.code AS code, p.code AS other
UNION ALL
MATCH (a:Area)-[:`IN`]->(p:Place)
RETURN 'area_place' AS kind, a.code AS code, p.code AS other
UNION ALL
MATCH (a:Area)-[:`IN`]->(o:Organisation)
RETURN 'area_sub_icb' AS kind, a.code AS code, o.code AS other
