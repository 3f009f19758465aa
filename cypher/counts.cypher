// name: counts
// description: How many nodes of each label and relationships of each type the store holds.
// columns: kind, name, count
OPTIONAL MATCH (n:ICS) RETURN 'node' AS kind, 'ICS' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Place) RETURN 'node' AS kind, 'Place' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Neighbourhood) RETURN 'node' AS kind, 'Neighbourhood' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:PCN) RETURN 'node' AS kind, 'PCN' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Practice) RETURN 'node' AS kind, 'Practice' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Organisation) RETURN 'node' AS kind, 'Organisation' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Board) RETURN 'node' AS kind, 'Board' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Agreement) RETURN 'node' AS kind, 'Agreement' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Person) RETURN 'node' AS kind, 'Person' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Plan) RETURN 'node' AS kind, 'Plan' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Commissioning) RETURN 'node' AS kind, 'Commissioning' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Area) RETURN 'node' AS kind, 'Area' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH (n:Milestone) RETURN 'node' AS kind, 'Milestone' AS name, count(n) AS count
UNION ALL OPTIONAL MATCH ()-[r:PART_OF]->() RETURN 'relationship' AS kind, 'PART_OF' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:MEMBER_OF]->() RETURN 'relationship' AS kind, 'MEMBER_OF' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:LOCATED_IN]->() RETURN 'relationship' AS kind, 'LOCATED_IN' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:COMMISSIONED_BY]->() RETURN 'relationship' AS kind, 'COMMISSIONED_BY' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:LEADS]->() RETURN 'relationship' AS kind, 'LEADS' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:SERVES]->() RETURN 'relationship' AS kind, 'SERVES' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:SUBGROUP_OF]->() RETURN 'relationship' AS kind, 'SUBGROUP_OF' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:WORKS_WITH]->() RETURN 'relationship' AS kind, 'WORKS_WITH' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:`FOR`]->() RETURN 'relationship' AS kind, 'FOR' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:PARTY_TO]->() RETURN 'relationship' AS kind, 'PARTY_TO' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:WORKS_FOR]->() RETURN 'relationship' AS kind, 'WORKS_FOR' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:HOLDS]->() RETURN 'relationship' AS kind, 'HOLDS' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:ENDORSED]->() RETURN 'relationship' AS kind, 'ENDORSED' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:APPROVED]->() RETURN 'relationship' AS kind, 'APPROVED' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:CONTRIBUTES_TO]->() RETURN 'relationship' AS kind, 'CONTRIBUTES_TO' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:REGISTERS]->() RETURN 'relationship' AS kind, 'REGISTERS' AS name, count(r) AS count
UNION ALL OPTIONAL MATCH ()-[r:`IN`]->() RETURN 'relationship' AS kind, 'IN' AS name, count(r) AS count
