// name: report-practice-patients
// internal: yes -- coterminosity adds these up per PCN for the practices current on its as-at date (report-pcn-practices)
// description: Each practice's registered patients by the footprint of the Area they live in, as the loader keeps them (PATIENTS_IN): per practice, the levels (place, neighbourhood), footprints and patients, in three lists of the same length (collect skips nulls, so a total without a level or footprint, which the loader never writes, is left out and a blank count is 0). It does not depend on the as-at date, so a report over several dates (progress) reads it once.
// columns: practice_code, levels, footprints, patients
MATCH (pr:Practice)-[t:PATIENTS_IN]->()
WHERE t.`level` IS NOT NULL AND t.footprint IS NOT NULL
RETURN pr.code AS practice_code, collect(t.`level`) AS levels, collect(t.footprint) AS footprints,
       collect(coalesce(t.patients, 0)) AS patients
