// name: report-brokers
// description: Organisations by how many boards they are current members of and how many Places' partnerships (place partnership or health and wellbeing boards serving the Place) they belong to; the `brokers` report adds betweenness.
// param: place string -- a Place's ONS code: organisations on a board that serves it (none = every organisation with a current membership)
// param: ics string -- an ICS's ODS code: organisations on a board that serves it or one of its Places (none = every ICS)
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: organisation_code, organisation_name, boards, places
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
WITH DISTINCT o, b
WHERE (coalesce($place, '') = '' AND coalesce($ics, '') = '')
   OR EXISTS { MATCH (o)-[x:MEMBER_OF]->(:Board)-[:SERVES]->(y:Place)
               WHERE coalesce($place, y.code) = y.code
                 AND (coalesce($ics, '') = '' OR EXISTS { MATCH (y)-[:PART_OF]->(i:ICS) WHERE i.code = $ics })
                 AND (x.`from` IS NULL OR x.`from` <= $as_at) AND (x.`to` IS NULL OR x.`to` >= $as_at) }
   OR (coalesce($place, '') = '' AND EXISTS { MATCH (o)-[x:MEMBER_OF]->(:Board)-[:SERVES]->(i:ICS)
               WHERE i.code = $ics AND (x.`from` IS NULL OR x.`from` <= $as_at) AND (x.`to` IS NULL OR x.`to` >= $as_at) })
OPTIONAL MATCH (b)-[:SERVES]->(p:Place)
WHERE b.kind IN ['place_partnership_board', 'health_and_wellbeing_board']
RETURN o.code AS organisation_code, o.name AS organisation_name, count(DISTINCT b) AS boards,
       count(DISTINCT p) AS places
ORDER BY organisation_code
