"""The strategic-triangle model: every coding gives exactly one configuration, with positions that fit it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rapprochement as rp
from rapprochement.messages import Problem
from rapprochement.triangle import (CONFIGURATIONS, PAIRS, POWERS, RELATIONS, configuration, every_coding, history,
                                   sensitivity)

codings = st.fixed_dictionaries({pair: st.sampled_from(RELATIONS) for pair in PAIRS})


@given(codings)
def test_every_coding_gives_exactly_one_configuration_with_fitting_positions(relations):
    shape = configuration(relations)
    assert shape.name in CONFIGURATIONS and set(shape.positions) == set(POWERS)
    roles = sorted(shape.positions.values())
    friendly = sum(value == "amity" for value in relations.values())
    assert {3: ["friend"] * 3, 2: ["pivot", "wing", "wing"], 1: ["outcast", "partner", "partner"],
            0: ["enemy"] * 3}[friendly] == roles
    if shape.name == "romantic triangle":  # the pivot is friends with both wings, who are enemies of each other
        wings = [p for p, role in shape.positions.items() if role == "wing"]
        wing_pair = next(pair for pair, members in PAIRS.items() if set(members) == set(wings))
        assert relations[wing_pair] == "enmity"


def test_the_eight_codings_give_the_four_configurations():
    shapes = [configuration(c).name for c in every_coding()]
    assert len(shapes) == 8 and {s: shapes.count(s) for s in CONFIGURATIONS} == \
        {"ménage à trois": 1, "romantic triangle": 3, "stable marriage": 3, "unit veto": 1}


def test_the_1970s_reading_puts_washington_at_the_pivot():
    shape = configuration({"us_ussr": "amity", "us_prc": "amity", "ussr_prc": "enmity"})
    assert shape.name == "romantic triangle" and shape.pivot == "us"


def test_bad_codings_get_a_friendly_answer():
    assert "us_prc" in str(rp.triangle_chart({"us_ussr": "amity"}))
    answer = rp.triangle_chart({"us_ussr": "amity", "us_prc": "frenemy", "ussr_prc": "enmity"})
    assert isinstance(answer, Problem) and "amity" in str(answer)
    assert configuration({"us_ussr": True, "us_prc": False, "ussr_prc": False}).name == "stable marriage"


@pytest.mark.parametrize("relations", every_coding(), ids=lambda c: "-".join(v[0] for v in c.values()))
def test_the_chart_draws_every_coding_with_its_name_and_a_description(relations):  # all eight: no sample needed
    spec = rp.triangle_chart(relations).to_dict()
    name = configuration(relations).name
    assert name in spec["title"]["text"] and name in spec["description"]
    drawn = [row["relation"] for data in spec["datasets"].values() for row in data if "relation" in row]
    assert sorted(set(drawn)) == sorted(set(relations.values()))


def test_the_explorer_redraws_when_a_menu_changes():
    explorer = rp.triangle_explorer()
    assert explorer.shape.name == "stable marriage"  # the 1950s alliance against Washington, as it opens
    explorer.controls["us_prc"].value = "amity"
    assert explorer.shape.name == "romantic triangle" and explorer.shape.pivot == "prc"
    assert "romantic triangle" in explorer.status_line.value
    assert "romantic triangle" in explorer.current.to_dict()["description"]


def _coding(relations_by_year: dict[int, dict[str, tuple[str, str]]]):
    """A small coding table: {year: {pair: (relation, basis)}}."""
    import pandas as pd

    return pd.DataFrame([{"year": year, "pair": pair, "relation": rel, "basis": basis, "event_ids": "ev001", "note": ""}
                         for year, pairs in relations_by_year.items() for pair, (rel, basis) in pairs.items()])


def test_history_flip_and_sensitivity_on_a_small_coding():
    from rapprochement.triangle import decisions, flip

    e, a = "enmity", "amity"
    coding = _coding({
        1970: {"us_ussr": (e, "event"), "us_prc": (e, "event"), "ussr_prc": (e, "event")},
        1971: {"us_ussr": (e, "carried"), "us_prc": (a, "event"), "ussr_prc": (e, "carried")},
        1972: {"us_ussr": (a, "event"), "us_prc": (a, "carried"), "ussr_prc": (e, "carried")},
        1973: {"us_ussr": (a, "carried"), "us_prc": (a, "carried"), "ussr_prc": (e, "carried")},
    })
    shapes = history(coding)
    assert list(shapes["configuration"]) == ["unit veto", "stable marriage", "romantic triangle", "romantic triangle"]
    assert list(shapes["pivot"]) == ["", "", "us", "us"]
    assert len(decisions(coding)) == 5
    # reversing Washington–Beijing in 1971 reverses it in the years carried from it too
    flipped = flip("us_prc", 1971, coding)
    assert list(flipped[flipped["pair"] == "us_prc"]["relation"]) == [e, e, e, e]
    changed = sensitivity("us_prc", 1971, coding)
    assert list(changed["year"]) == [1971, 1972, 1973]
    assert list(changed["configuration_if_reversed"]) == ["unit veto", "stable marriage", "stable marriage"]


def test_reversing_what_is_not_a_decision_is_explained():
    from rapprochement.triangle import flip

    coding = _coding({1970: {p: ("enmity", "event") for p in PAIRS}, 1971: {p: ("enmity", "carried") for p in PAIRS}})
    answer = flip("us_prc", 1971, coding)
    assert isinstance(answer, Problem) and "not a coding decision" in str(answer) and "1970" in str(answer)
    assert isinstance(flip("us_china", 1970, coding), Problem)
    assert "1949" in str(rp.triangle.justification("nineteen seventy"))
    assert "columns" in str(rp.triangle.history("my table"))


# --- the coded history of data/triangle.csv -------------------------------------------------------------------

@pytest.fixture(scope="module")
def coded():
    return rp.load_triangle()


def test_every_year_1949_to_1980_codes_each_pair_once(coded):
    assert sorted(coded.groupby("pair")["year"].apply(list).to_dict()) == sorted(PAIRS)
    for pair, years in coded.groupby("pair")["year"]:
        assert sorted(years) == list(range(1949, 1981)), pair
    assert not coded.duplicated(["year", "pair"]).any()


def test_each_decision_rests_on_events_of_its_year_that_fit_its_clause(coded):
    from rapprochement.triangle import CLAUSES

    events = rp.load_events().set_index("event_id")
    for row in coded.itertuples():
        ids = rp.split_list(row.event_ids)
        assert ids and set(ids) <= set(events.index), (row.year, row.pair, ids)
        if row.basis == "event":
            assert CLAUSES[row.clause][0] == row.relation, (row.year, row.pair, row.clause)
            assert all(events.at[i, "year"] == row.year for i in ids), (row.year, row.pair, ids)
        else:
            assert row.basis == "carried" and row.clause == "", (row.year, row.pair)


def test_a_carried_year_keeps_the_relation_and_names_the_events_of_the_decision_it_carries(coded):
    for pair, rows in coded.sort_values("year").groupby("pair"):
        last = None
        for row in rows.itertuples():
            if row.basis == "event":
                last = row
                continue
            assert last is not None, f"{pair} {row.year} carries nothing"
            assert (row.relation, row.event_ids) == (last.relation, last.event_ids), (pair, row.year)
            assert f"Carried from {last.year}" in row.note


def test_events_a_note_says_do_not_count_are_real_events_of_that_year(coded):
    import re

    events = rp.load_events().set_index("event_id")
    for row in coded[coded["basis"] == "carried"].itertuples():
        for event_id in re.findall(r"\bev\d{3}\b", row.note):
            assert events.at[event_id, "year"] == row.year, (row.pair, row.year, event_id)


def test_the_coded_history_puts_washington_at_the_pivot_from_1971_to_1979_and_never_beijing(coded):
    # Worked out by hand from the decisions: Washington–Moscow amity from the Test Ban Treaty (1963) to SALT II
    # (1979), Washington–Beijing amity from 1971, Moscow–Beijing enmity from 1959.
    years = history(coded).set_index("year")
    pivots = years.loc[years["pivot"] != "", "pivot"]
    assert list(pivots.index) == list(range(1971, 1980)) and set(pivots) == {"us"}
    assert years.at[1980, "configuration"] == "stable marriage" and years.at[1980, "ussr_position"] == "outcast"
    assert years.at[1950, "us_position"] == "outcast" and set(years.loc[1960:1962, "configuration"]) == {"unit veto"}
    assert years.at[1959, "prc_position"] == "outcast"  # the Camp David joint statement counts as a joint text
    assert "ménage à trois" not in set(years["configuration"])


def test_reversing_the_test_ban_decision_changes_the_years_it_carries_and_only_those(coded):
    changed = sensitivity("us_ussr", 1963, coded)
    assert list(changed["year"]) == list(range(1963, 1972))  # 1963 up to the next decision, 1972
    assert set(changed.loc[changed["year"] < 1971, "configuration_if_reversed"]) == {"unit veto"}
    assert changed.set_index("year").at[1971, "configuration_if_reversed"] == "stable marriage"
    # a decision that only confirms enmity still matters: reversed, it makes Moscow the pivot in 1958 (and only
    # then: 1959 is decided again, by the Camp David joint statement)
    reversed_1958 = sensitivity("us_ussr", 1958, coded).set_index("year")
    assert list(reversed_1958.index) == [1958] and reversed_1958.at[1958, "pivot_if_reversed"] == "ussr"


def test_the_coding_rule_is_a_table_students_can_read():
    rule = rp.triangle.coding_rule()
    assert set(rule["relation"]) == set(RELATIONS) and rule["an event counts when"].str.len().min() > 20


def test_the_year_control_shows_the_year_its_configuration_and_its_events():
    explorer = rp.triangle_history()
    explorer.year.value = 1950
    description = explorer.current.to_dict()["description"]
    assert description.startswith("1950, as coded") and "stable marriage" in description
    assert "ev004" in explorer.status_line.value and "Treaty of Friendship" in explorer.status_line.value
    explorer.year.value = 1972
    assert "romantic triangle" in explorer.current.to_dict()["description"] and "ev100" in explorer.status_line.value


def test_the_sensitivity_view_redraws_the_years_a_reversed_decision_changes():
    explorer = rp.triangle_sensitivity()
    assert explorer.decision.value == ("us_ussr", 1963) and "9 years, 1963–1971" in explorer.status_line.value
    explorer.decision.value = ("us_prc", 1971)
    assert list(explorer.changed["year"]) == [1971]  # 1972 is decided again by the Shanghai Communiqué
    assert "us_prc in 1971" in explorer.current.to_dict()["description"]
    assert len(explorer.decision.options) == len(rp.triangle.decisions())  # every decision can be reversed


def test_the_year_controls_fast_redraw_draws_exactly_what_altair_would():
    """The year control swaps each year's rows into one checked spec; it must equal the chart built from scratch."""
    import json

    from rapprochement.charts import YearCharts, _year_chart

    def comparable(spec):  # dataset names are hashes of their rows: compare by rows, not by name
        datasets = spec["datasets"]
        text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
        for name, rows in datasets.items():
            text = text.replace(name, json.dumps(rows, sort_keys=True).replace('"', "'"))
        return text

    years = history()
    charts = YearCharts(years)
    for year in years["year"]:
        assert comparable(charts.chart(year).to_dict()) == comparable(_year_chart(year, years).to_dict()), year
