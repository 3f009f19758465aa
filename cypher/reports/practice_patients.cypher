// name: report-practice-patients
// internal: yes -- coterminosity adds these up per PCN for the practices current on its as-at date (report-pcn-practices)
// description: Each practice's registered patients by the footprint of the Area they live in, as the loader keeps them (PATIENTS_IN): per practice, the levels (place, neighbourhood), footprints and patients, in three lists of the same length. It does not depend on the as-at date, so a report over several dates (progress) reads it once.
// columns: practice_code, levels, footprints, patients
MATCH (pr:Practice)-[t:PATIENTS_IN]->()
RETURN pr.code AS practice_code, collect(t.`level`) AS levels, collect(t.footprint) AS footprints,
       collect(t.patients) AS patients
