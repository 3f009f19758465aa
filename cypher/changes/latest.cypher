// name: changes-latest
// description: The most recent date on or before a day on which a dated fact of the changes report starts or ends (a membership of a board, of a practice in a PCN, a signature, a listing, a place lead's role, an endorsement, an approval, a commissioning arrangement, a neighbourhood, a board link); blank when there is none. The dashboard and the demo say "nothing changed since ...; the last change was on ..." with it.
// param: place string -- a Place's ONS code (none = every Place)
// param: until date = today -- the last day looked at (YYYY-MM-DD)
// columns: latest
MATCH (p:Place)
WHERE coalesce($place, p.code) = p.code
OPTIONAL MATCH (:Organisation)-[m:MEMBER_OF]->(:Board)-[:SERVES]->(p)
WITH p, max(CASE WHEN m.`from` <= $until THEN m.`from` END) AS a, max(CASE WHEN m.`to` <= $until THEN m.`to` END) AS b
OPTIONAL MATCH (x:Practice)-[m:MEMBER_OF]->(:PCN)
WHERE (x)-[:LOCATED_IN]->(p)
WITH p, a, b, max(CASE WHEN m.`from` <= $until THEN m.`from` END) AS c, max(CASE WHEN m.`to` <= $until THEN m.`to` END) AS d
OPTIONAL MATCH (:Organisation)-[s:PARTY_TO]->(:Agreement)-[:`FOR`]->(p)
WITH p, a, b, c, d, max(CASE WHEN s.signed_on <= $until THEN s.signed_on END) AS e,
     max(CASE WHEN s.added_on <= $until THEN s.added_on END) AS f
OPTIONAL MATCH (x:Person)-[h:HOLDS]->(p)
WITH p, a, b, c, d, e, f, max(CASE WHEN h.`from` <= $until THEN h.`from` END) AS g,
     max(CASE WHEN h.`to` <= $until THEN h.`to` END) AS i
OPTIONAL MATCH (:Organisation)-[en:ENDORSED]->(x:Person)-[:HOLDS]->(p)
WITH p, a, b, c, d, e, f, g, i, max(CASE WHEN en.`on` <= $until THEN en.`on` END) AS j
OPTIONAL MATCH (:Board)-[ap:APPROVED]->(:Plan)-[:`FOR`]->(p)
WITH p, a, b, c, d, e, f, g, i, j, max(CASE WHEN ap.`on` <= $until THEN ap.`on` END) AS k
OPTIONAL MATCH (cm:Commissioning)-[:`FOR`]->(p)
WITH p, a, b, c, d, e, f, g, i, j, k, max(CASE WHEN cm.`from` <= $until THEN cm.`from` END) AS l,
     max(CASE WHEN cm.`to` <= $until THEN cm.`to` END) AS n
OPTIONAL MATCH (nb:Neighbourhood)-[:PART_OF]->(p)
WITH p, a, b, c, d, e, f, g, i, j, k, l, n, max(CASE WHEN nb.`from` <= $until THEN nb.`from` END) AS o
OPTIONAL MATCH (bb:Board)-[:SERVES]->(p)
OPTIONAL MATCH (bb)-[w:WORKS_WITH]-(:Board)
WITH a, b, c, d, e, f, g, i, j, k, l, n, o, max(CASE WHEN w.`from` <= $until THEN w.`from` END) AS q,
     max(CASE WHEN w.`to` <= $until THEN w.`to` END) AS r
UNWIND [a, b, c, d, e, f, g, i, j, k, l, n, o, q, r] AS day
RETURN max(day) AS latest
