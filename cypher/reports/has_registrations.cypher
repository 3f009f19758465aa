// name: report-has-registrations
// description: How many registered-patient counts (Practice REGISTERS Area) are loaded: coterminosity counts patients when there are any, else practices.
// columns: registrations
// REGISTERS runs from Practice to Area only (graph/model.py): one end label lets Neo4j answer
// from its count store instead of expanding every registration (1,000,000 over England).
MATCH (:Practice)-[r:REGISTERS]->()
RETURN count(r) AS registrations
