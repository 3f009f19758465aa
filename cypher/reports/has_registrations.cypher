// name: report-has-registrations
// description: Whether any registered-patient counts (Practice REGISTERS Area) are loaded: coterminosity counts patients when they are, else practices.
// columns: registrations
OPTIONAL MATCH (:Practice)-[r:REGISTERS]->(:Area)
WITH r LIMIT 1
RETURN count(r) AS registrations
