"""Lesson 01's charts, map and widgets, tested by their specs."""

from __future__ import annotations

import json

import altair as alt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rapprochement as rp
from rapprochement.maps import BORDER_PLACES, basemap_features


def _rows(chart) -> list[dict]:
    """The chart's table of marks (a map's outlines travel separately, as one GeoJSON string)."""
    return next(v for v in chart.to_dict()["datasets"].values() if isinstance(v, list))


def test_split_events_carry_a_theme_and_the_explorer_filters_by_it():
    explorer = rp.split_explorer()
    assert set(explorer.shown["theme"]) == set(rp.SPLIT_THEMES)
    explorer.theme.value = "borders"
    assert set(explorer.shown["theme"]) == {"borders"} and len(explorer.shown) >= 5
    assert {r["row_label"] for r in _rows(explorer.current)} == {"Borders"}
    assert explorer.current.to_dict()["title"]["text"] == "Events 1949–1970: Borders"


def test_casualty_figures_are_one_bar_each_never_summed():
    figures = rp.load_series("sino_soviet").query("indicator.str.startswith('clash_1969')")
    chart = rp.casualty_chart()
    assert len(_rows(chart)) == len(figures)
    assert "not added up" in chart.to_dict()["description"]
    one = rp.casualty_chart(claimant="Soviet archival count (Ryabushkin)")
    assert {r["claimant"] for r in _rows(one)} == {"Soviet archival count (Ryabushkin)"}


def test_a_misspelled_claimant_gets_a_suggestion():
    answer = rp.casualty_chart(claimant="Soviet archival count (Ryabushkn)")
    assert isinstance(answer, rp.Problem) and "Did you mean" in answer.message


def test_indicator_chart_never_mixes_units():
    chart = rp.indicator_chart("sino_soviet_trade", unit_contains="US$")
    assert {r["unit"].startswith("US$") for r in _rows(chart)} == {True}
    assert isinstance(rp.indicator_chart("soviet_experts"), rp.Problem)


def test_border_map_projects_every_layer_and_places_points_where_the_data_says():
    spec = rp.border_map().to_dict()
    assert spec["projection"]["type"] == "mercator" and all("projection" not in layer for layer in spec["layer"])
    places = rp.load_places().set_index("place_id")
    rows = {r["place_id"]: r for r in _rows(rp.border_map())}
    assert set(rows) == set(BORDER_PLACES)
    assert rows["zhenbao-island"]["lat"] == places.loc["zhenbao-island", "lat"]
    assert "Zhenbao Island" in spec["description"]


def test_basemap_holds_only_the_border_countries():
    names = {f["properties"]["name"] for f in basemap_features()}
    assert names == {"China", "Russia", "Mongolia", "Kazakhstan", "North Korea"}


def test_border_map_stores_its_outlines_as_one_string_a_notebook_keeps_on_one_line():
    spec = rp.border_map().to_dict()
    land = spec["layer"][0]["data"]
    outlines = spec["datasets"][land["name"]]
    assert isinstance(outlines, str) and land["format"] == {"type": "json", "property": "features"}
    assert json.loads(outlines)["features"] == basemap_features()


def test_border_map_draws_the_countries_offline():
    import vl_convert

    svg = vl_convert.vegalite_to_svg(rp.border_map().to_dict())
    assert svg.count("<path") >= len(basemap_features()) + len(BORDER_PLACES)


def test_casualty_explorer_menu_redraws():
    explorer = rp.casualty_explorer()
    claimant = explorer.controls["claimant"].options[1][1]
    explorer.controls["claimant"].value = claimant
    assert {r["claimant"] for r in _rows(explorer.current)} == {claimant}


@settings(max_examples=40, deadline=None)
@given(value=st.none() | st.text(max_size=12) | st.integers() | st.lists(st.text(max_size=8), max_size=3))
def test_lesson_helpers_never_raise(value):
    for answer in (rp.casualty_chart(value), rp.indicator_chart(value), rp.border_map(value)):
        assert isinstance(answer, (alt.TopLevelMixin, rp.Problem))
