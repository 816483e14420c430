"""The strategic-triangle model: every coding gives exactly one configuration, with positions that fit it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rapprochement as rp
from rapprochement.messages import Problem
from rapprochement.triangle import CONFIGURATIONS, PAIRS, POWERS, RELATIONS, configuration, every_coding

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
    from rapprochement.triangle import decisions, flip, history, sensitivity

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
    flipped = flip(coding, "us_prc", 1971)
    assert list(flipped[flipped["pair"] == "us_prc"]["relation"]) == [e, e, e, e]
    changed = sensitivity(coding, "us_prc", 1971)
    assert list(changed["year"]) == [1971, 1972, 1973]
    assert list(changed["configuration_if_reversed"]) == ["unit veto", "stable marriage", "stable marriage"]


def test_reversing_what_is_not_a_decision_is_explained():
    from rapprochement.messages import StudentInputError
    from rapprochement.triangle import flip

    coding = _coding({1970: {p: ("enmity", "event") for p in PAIRS}, 1971: {p: ("enmity", "carried") for p in PAIRS}})
    with pytest.raises(StudentInputError, match="not a coding decision"):
        flip(coding, "us_prc", 1971)
