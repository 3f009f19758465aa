// name: report-has-registrations
// description: How many registered-patient counts (Practice REGISTERS Area) are loaded: coterminosity counts patients when there are any, else practices.
// columns: registrations
MATCH (:Practice)-[r:REGISTERS]->(:Area)
RETURN count(r) AS registrations
