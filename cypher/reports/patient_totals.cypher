// name: report-patient-totals
// internal: yes -- coterminosity checks that the loader's totals are there before reading them
// description: How many totals of registered patients per practice and footprint (PATIENTS_IN) the loader keeps.
// columns: totals
MATCH (:Practice)-[t:PATIENTS_IN]->()
RETURN count(t) AS totals
