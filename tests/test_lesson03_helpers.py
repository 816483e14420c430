"""Lesson 03's builders: places and routes on the map, the day-by-day explorer, documents side by side, any series."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rapprochement as rp
from rapprochement.maps import distance_km


def _datasets(chart) -> list:
    return [v for v in chart.to_dict()["datasets"].values() if isinstance(v, list)]


def test_distance_is_the_great_circle_between_two_points():
    assert distance_km((0, 0), (0, 1)) == pytest.approx(111.19, abs=0.01)  # one degree of the equator
    beijing, shanghai = (39.9059, 116.3912), (31.2286, 121.4747)
    assert distance_km(beijing, shanghai) == pytest.approx(distance_km(shanghai, beijing))
    assert 1000 < distance_km(beijing, shanghai) < 1100


def test_places_map_joins_the_route_in_order_and_marks_the_highlighted_place():
    chart = rp.places_map(["beijing", "hangzhou", "shanghai"], "Route", route=True, highlight="shanghai")
    spec = chart.to_dict()
    route = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    assert route["encoding"]["order"]["field"] == "stop"
    points = _datasets(chart)[0]
    assert [p["place_id"] for p in points] == ["beijing", "hangzhou", "shanghai"]
    assert [p["highlight"] for p in points] == [False, False, True]
    assert "Beijing to Hangzhou to Shanghai" in spec["description"]
    assert isinstance(rp.places_map(["atlantis"], "x"), rp.Problem)


def test_itinerary_explorer_follows_the_visit_and_adds_up_the_distance():
    visit = rp.itinerary_explorer()
    assert visit.day.value == "1972-02-21" and visit.stops == ["beijing"] and visit.distance() == 0
    visit.day.value = "1972-02-27"
    assert visit.stops == ["beijing", "hangzhou", "shanghai"]
    places = rp.load_places().set_index("place_id")
    legs = [distance_km(tuple(places.loc[a, ["lat", "lon"]]), tuple(places.loc[b, ["lat", "lon"]]))
            for a, b in [("beijing", "hangzhou"), ("hangzhou", "shanghai")]]
    assert visit.distance() == pytest.approx(sum(legs))
    assert "ev100" in visit.status() and "not a figure from the sources" in visit.status()
    assert "27 Feb 1972" in visit.current.to_dict()["title"]["subtitle"]


def test_side_by_side_gives_each_side_its_own_words():
    sides = rp.side_by_side(highlight=["acknowledges"])
    assert set(sides.columns) == {"China", "United States"}
    assert all(p.startswith("The Chinese side") for p in sides.columns["China"])
    assert all(p.startswith("The U.S. side") for p in sides.columns["United States"])
    assert sides.count("acknowledges") == {"China": 0, "United States": 1}
    assert "<mark>acknowledges</mark>" in sides._repr_html_()
    assert isinstance(rp.side_by_side(starts={"Nobody": "The Soviet side"}), rp.Problem)


def test_compare_documents_puts_the_texts_in_date_order_and_escapes_their_html():
    taiwan = rp.compare_documents(["taiwan-relations-act-1979", "shanghai-communique-1972"], containing="Taiwan")
    assert list(taiwan.columns)[0].startswith("Shanghai")
    assert all("taiwan" in p.lower() for ps in taiwan.columns.values() for p in ps)
    assert "<script" not in rp.compare_documents(containing="<script>")._repr_html_()


def test_the_close_reading_explorer_redraws_with_the_chosen_word():
    explorer = rp.close_reading_explorer()
    explorer.controls["mark"].value = "hegemony"
    assert explorer.current.highlight == ["hegemony"]
    explorer.controls["compare"].value = "taiwan"
    assert "mentions" in explorer.current.title


def test_figures_chart_draws_one_bar_per_figure_and_keeps_decimals():
    chart = rp.figures_chart("trade", colour="flow", start_year=1971, end_year=1971)
    rows = _datasets(chart)[0]
    trade = rp.load_series("trade")
    assert len(rows) == (trade["year"] == 1971).sum()
    assert "4.9" in {r["figure"] for r in rows}
    recognition = rp.figures_chart("recognition", colour="recognises", value="count", start_year=1971, end_year=1972,
                                   basis="all states with diplomatic relations")
    assert {r["recognises"] for r in _datasets(recognition)[0]} == {"PRC", "ROC"}
    assert isinstance(rp.figures_chart("trade", colour="flavour"), rp.Problem)


@settings(max_examples=40, deadline=None)
@given(value=st.none() | st.text(max_size=12) | st.integers() | st.lists(st.text(max_size=8), max_size=3))
def test_lesson03_builders_never_raise_on_odd_input(value):
    for answer in (rp.places_map(value, "x"), rp.side_by_side(value), rp.compare_documents(value),
                   rp.compare_documents(containing=value), rp.side_by_side(highlight=value),
                   rp.figures_chart(value, colour="flow"), rp.figures_chart("trade", colour=value)):
        assert answer is not None
