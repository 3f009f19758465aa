// name: changes-latest
// description: The most recent dates on or before a day on which the dated facts of the changes report start or end, one row per kind of fact (memberships of boards, practices in PCNs, practices and PCNs opening and closing, signatures and listings, roles, endorsements, approvals, commissioning, neighbourhoods, board links); the latest of them is the last change (blank: none). The dashboard and the demo say "the last change was on ..." with it.
// param: place string -- a Place's ONS code (none = everything)
// param: until date = today -- the last day looked at (YYYY-MM-DD)
// columns: fact, latest
MATCH (:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE coalesce($place, '') = '' OR EXISTS { MATCH (b)-[:SERVES]->(p:Place) WHERE p.code = $place }
WITH max(CASE WHEN m.`from` <= $until THEN m.`from` END) AS a, max(CASE WHEN m.`to` <= $until THEN m.`to` END) AS b
RETURN 'board memberships' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
UNION ALL
MATCH (x:Practice)-[m:MEMBER_OF]->(:PCN)
WHERE coalesce($place, '') = '' OR EXISTS { MATCH (x)-[:LOCATED_IN]->(p:Place) WHERE p.code = $place }
WITH max(CASE WHEN m.`from` <= $until THEN m.`from` END) AS a, max(CASE WHEN m.`to` <= $until THEN m.`to` END) AS b
RETURN 'practices in PCNs' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
UNION ALL
MATCH (x:Practice)-[:MEMBER_OF]->(c:PCN)
WHERE coalesce($place, '') = '' OR EXISTS { MATCH (x)-[:LOCATED_IN]->(p:Place) WHERE p.code = $place }
WITH max(CASE WHEN x.open_date <= $until THEN x.open_date END) AS a,
     max(CASE WHEN x.close_date <= $until THEN x.close_date END) AS b,
     max(CASE WHEN c.open_date <= $until THEN c.open_date END) AS c1,
     max(CASE WHEN c.close_date <= $until THEN c.close_date END) AS d
WITH CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS e, CASE WHEN c1 IS NULL OR d > c1 THEN d ELSE c1 END AS f
RETURN 'practices and PCNs opening and closing' AS fact, CASE WHEN e IS NULL OR f > e THEN f ELSE e END AS latest
UNION ALL
MATCH (:Organisation)-[s:PARTY_TO]->(:Agreement)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
WITH max(CASE WHEN s.signed_on <= $until THEN s.signed_on END) AS a,
     max(CASE WHEN s.added_on <= $until THEN s.added_on END) AS b
RETURN 'signatures and listings' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
UNION ALL
MATCH (:Person)-[h:HOLDS]->(p:Place)
WHERE coalesce($place, p.code) = p.code AND h.role = 'place_lead'
WITH max(CASE WHEN h.`from` <= $until THEN h.`from` END) AS a, max(CASE WHEN h.`to` <= $until THEN h.`to` END) AS b
RETURN 'place leads' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
UNION ALL
MATCH (:Organisation)-[e:ENDORSED]->(x:Person)
WHERE coalesce($place, '') = ''
   OR EXISTS { MATCH (x)-[h:HOLDS]->(p:Place) WHERE p.code = $place AND h.role = 'place_lead' }
RETURN 'endorsements' AS fact, max(CASE WHEN e.`on` <= $until THEN e.`on` END) AS latest
UNION ALL
MATCH (:Board)-[ap:APPROVED]->(:Plan)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
RETURN 'approvals' AS fact, max(CASE WHEN ap.`on` <= $until THEN ap.`on` END) AS latest
UNION ALL
MATCH (c:Commissioning)-[:`FOR`]->(p:Place)
WHERE coalesce($place, p.code) = p.code
WITH max(CASE WHEN c.`from` <= $until THEN c.`from` END) AS a, max(CASE WHEN c.`to` <= $until THEN c.`to` END) AS b
RETURN 'commissioning' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
UNION ALL
MATCH (n:Neighbourhood)-[:PART_OF]->(p:Place)
WHERE coalesce($place, p.code) = p.code
RETURN 'neighbourhoods' AS fact, max(CASE WHEN n.`from` <= $until THEN n.`from` END) AS latest
UNION ALL
MATCH (b:Board)-[w:WORKS_WITH]-(:Board)
WHERE coalesce($place, '') = '' OR EXISTS { MATCH (b)-[:SERVES]->(p:Place) WHERE p.code = $place }
WITH max(CASE WHEN w.`from` <= $until THEN w.`from` END) AS a, max(CASE WHEN w.`to` <= $until THEN w.`to` END) AS b
RETURN 'board links' AS fact, CASE WHEN a IS NULL OR b > a THEN b ELSE a END AS latest
