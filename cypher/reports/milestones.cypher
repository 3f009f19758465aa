// name: report-milestones
// description: The milestones loaded into the store (the timeline report uses its shipped defaults when there are none).
// columns: milestone_code, title, due
MATCH (m:Milestone)
RETURN m.code AS milestone_code, m.title AS title, m.due AS due
ORDER BY due, milestone_code
