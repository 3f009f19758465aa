// name: load-practice-points
// internal: yes -- used by the loaders to give practices their points (loaders/points.py)
// description: Every practice with its postcode and its point (lat, lon) with where the point came from.
// columns: code, postcode, lat, lon, point_from
MATCH (pr:Practice)
RETURN pr.code AS code, pr.postcode AS postcode, pr.lat AS lat, pr.lon AS lon, pr.point_from AS point_from
