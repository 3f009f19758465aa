"""The day-by-day rules the changes report and the time slider share (`reports/history.py`)."""

from __future__ import annotations

import datetime as dt
import itertools

from icpmap.reports import history as h

D = dt.date
DAYS = [None, D(2020, 1, 1), D(2020, 1, 2), D(2020, 3, 1), D(2021, 1, 1)]
NEVER = {"from": D(2100, 1, 2), "to": D(2100, 1, 1), "role": "wider", "person_id": "Z"}  # holds on no day


def _view(history):
    return [(s.day, s.value, s.started, s.ended) for s in history]


def test_one_row_takes_the_short_way_to_the_same_steps():
    for first, last in itertools.product(DAYS, DAYS):
        row = {"from": first, "to": last, "role": "core", "person_id": "P"}
        for rule in (h.board_role, h.is_member, h.place_lead):
            assert _view(h.steps([row], rule)) == _view(h.steps([row, NEVER], rule)), (first, last, rule)


def test_steps_follow_the_rule_and_name_what_started_and_ended():
    wider = {"from": D(2019, 4, 1), "to": D(2021, 3, 31), "role": "wider"}
    core = {"from": D(2021, 4, 1), "to": None, "role": "core"}
    history = h.steps([wider, core], h.board_role)
    assert [(s.day, s.value) for s in history] == [(None, None), (D(2019, 4, 1), "wider"), (D(2021, 4, 1), "core")]
    assert history[2].started == [core] and history[2].ended == [wider]
    assert h.spans(history, lambda v: v == "core") == [(D(2021, 4, 1), None)]
    assert h.spans(history) == [(D(2019, 4, 1), D(2021, 3, 31)), (D(2021, 4, 1), None)]


def test_the_lead_is_the_latest_current_start_then_the_smallest_id():
    roles = [{"from": None, "to": None, "person_id": "B"}, {"from": D(2021, 6, 1), "to": D(2021, 10, 31), "person_id": "A"},
             {"from": D(2021, 6, 1), "to": None, "person_id": "C"}]
    assert [(s.day, s.value) for s in h.steps(roles, h.place_lead)] == [(None, "B"), (D(2021, 6, 1), "A"),
                                                                        (D(2021, 11, 1), "C")]


def test_spans_merge_intersect_and_cover():
    assert h.merge([(D(2020, 1, 1), D(2020, 1, 31)), (D(2020, 2, 1), None)]) == [(D(2020, 1, 1), None)]  # touching
    assert h.merge([(D(2020, 1, 1), D(2020, 1, 30)), (D(2020, 2, 1), D(2020, 2, 2))]) == [
        (D(2020, 1, 1), D(2020, 1, 30)), (D(2020, 2, 1), D(2020, 2, 2))]
    assert h.merge([(D(2020, 2, 1), D(2020, 1, 1))]) == []  # ends before it starts: never
    assert h.intersect([(None, D(2020, 6, 30))], [(D(2020, 1, 1), None)]) == [(D(2020, 1, 1), D(2020, 6, 30))]
    assert h.intersect(h.ALWAYS, [(None, None)]) == h.ALWAYS
    assert h.covers([(D(2020, 1, 1), D(2020, 1, 1))], D(2020, 1, 1))
    assert not h.covers([(D(2020, 1, 1), D(2020, 1, 1))], D(2020, 1, 2))
