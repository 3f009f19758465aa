// name: report-membership-edges
// description: The organisation–board graph: one row per organisation and board it is a current member of (the brokers report computes betweenness on it).
// param: as_at date = today -- memberships current on this date (YYYY-MM-DD)
// columns: organisation_code, board_code
MATCH (o:Organisation)-[m:MEMBER_OF]->(b:Board)
WHERE (m.`from` IS NULL OR m.`from` <= $as_at) AND (m.`to` IS NULL OR m.`to` >= $as_at)
RETURN DISTINCT o.code AS organisation_code, b.code AS board_code
