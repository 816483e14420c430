"""Unit tests of the helper package: loaders, date handling, charts by their spec, widgets, messages."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import rapprochement as rp
from rapprochement.charts import OKABE_ITO, THREAD_COLOURS
from rapprochement.data import parse_partial_date


# --- data -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, first, last, precision",
    [
        ("1972-02-21", "1972-02-21", "1972-02-21", "day"),
        ("1972-02", "1972-02-01", "1972-02-29", "month"),  # 1972 was a leap year
        ("1969-02", "1969-02-01", "1969-02-28", "month"),
        ("1958", "1958-01-01", "1958-12-31", "year"),
    ],
)
def test_partial_dates_cover_the_whole_period_they_name(text, first, last, precision):
    assert parse_partial_date(text) == (pd.Timestamp(first), pd.Timestamp(last), precision)


@pytest.mark.parametrize("bad", ["", "1972/02/21", "21 Feb 1972", "1972-2-21", None])
def test_malformed_dates_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_partial_date(bad)


def test_date_labels_are_written_as_a_reader_would():
    assert rp.format_partial_date("1979-01-01") == "1 Jan 1979"
    assert rp.format_partial_date("1955-08") == "Aug 1955"
    assert rp.format_partial_date("1958") == "1958"


def test_events_load_sorted_with_parsed_dates_and_source_titles():
    events = rp.load_events()
    assert events["start"].is_monotonic_increasing
    assert (events["end"] >= events["start"]).all()
    assert events["source_titles"].str.len().gt(0).all()
    assert "[unknown source" not in " ".join(events["source_titles"])
    assert set(events["thread"]) <= set(rp.THREADS)


def test_normalization_took_effect_on_1_january_1979():
    events = rp.load_events()
    normal = events[(events["thread"] == "normalization") & (events["date"] == "1979-01-01")]
    assert len(normal) == 1 and "diplomatic relations" in normal["title"].iloc[0].lower()


def test_loaders_return_copies_a_student_cannot_spoil():
    first = rp.load_table("events")
    first["title"] = "changed"
    assert (rp.load_table("events")["title"] != "changed").all()


@pytest.mark.parametrize("call", [lambda: rp.load_table("evnts"), lambda: rp.load_series("trde"),
                                  lambda: rp.document_text("joint-communique-1978"), lambda: rp.load_table(None)])
def test_misspelled_names_get_a_message_not_a_traceback(call):
    answer = call()
    assert isinstance(answer, rp.Problem) and ("Did you mean" in answer.message or "should be one of" in answer.message)


def test_data_dir_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPROCHEMENT_DATA", str(tmp_path))
    (tmp_path / "datapackage.json").write_text("{}")
    assert rp.data_dir() == tmp_path


def test_people_can_be_found_by_any_spelling():
    by_wade_giles = rp.find_person("Chou En-lai")
    assert list(by_wade_giles["name"]) == ["Zhou Enlai"]
    assert list(rp.find_person("周恩来")["name"]) == ["Zhou Enlai"]
    assert list(rp.find_person("mao tse-tung")["name"]) == ["Mao Zedong"]


def test_a_misspelled_person_gets_a_friendly_problem():
    answer = rp.find_person("Chou Enlai")
    assert isinstance(answer, rp.Problem) and not answer
    assert "Chou En-lai" in answer.message


def test_numeric_series_come_back_as_numbers():
    trade = rp.load_series("trade")
    assert pd.api.types.is_numeric_dtype(trade["value"])
    assert isinstance(rp.load_series("Trade"), pd.DataFrame)


# --- charts -----------------------------------------------------------------------------------------------

def _layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def test_timeline_has_title_description_and_colour_blind_safe_colours():
    spec = rp.timeline_chart().to_dict()
    assert spec["title"]["text"].startswith("Events 1949–1980")
    assert "events from 1949 to 1980" in spec["description"]
    colours = spec["layer"][1]["encoding"]["color"]["scale"]["range"]
    assert set(colours) <= set(OKABE_ITO) and len(set(colours)) == len(rp.THREADS)


def test_timeline_places_dates_in_utc_and_shows_them_as_text():
    chart = rp.timeline_chart()
    for layer in _layers(chart):
        assert layer["encoding"]["x"]["scale"]["type"] == "utc"
        # the date a reader sees is a pre-formatted string, never a local-time rendering of a timestamp
        tooltip_types = {t["field"]: t["type"] for t in layer["encoding"]["tooltip"]}
        assert tooltip_types["date_label"] == "nominal"
        assert all(kind != "temporal" for kind in tooltip_types.values())
    values = chart.to_dict()["datasets"]
    rows = next(iter(values.values()))
    communique = [r for r in rows if r["plot_start"] == "1979-01-01" and "relations" in r["title"].lower()]
    assert communique and communique[0]["date_label"] == "1 Jan 1979"


def test_timeline_filters_by_thread_and_years():
    chart = rp.timeline_chart(thread="sino_soviet", start_year=1969, end_year=1969)
    rows = next(iter(chart.to_dict()["datasets"].values()))
    assert rows and all(r["row_label"] == rp.THREADS["sino_soviet"] for r in rows)
    assert all(r["plot_start"] <= "1969-12-31" and r["plot_end"] >= "1969-01-01" for r in rows)
    assert "Sino-Soviet" in chart.to_dict()["title"]["text"]


def test_span_events_are_drawn_as_rules_from_start_to_end():
    spans, points = _layers(rp.timeline_chart())
    assert spans["mark"]["type"] == "rule" and spans["encoding"]["x2"]["field"] == "plot_end"
    assert points["encoding"]["shape"]["field"] == "precision"


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"thread": "sino-sovet"}, "Did you mean 'sino_soviet'"),
        ({"thread": None}, "thread should be one of"),
        ({"start_year": "nineteen"}, "digits"),
        ({"start_year": 1975, "end_year": 1970}, "swap them"),
        ({"end_year": 2024}, "between 1949 and 1980"),
        ({"start_year": float("nan")}, "whole year"),
        ({"events": pd.DataFrame()}, "empty"),
        ({"events": "events.csv"}, "load_events()"),
    ],
)
def test_wrong_chart_arguments_get_a_message_not_a_traceback(kwargs, fragment):
    answer = rp.timeline_chart(**kwargs)
    assert isinstance(answer, rp.Problem), answer
    assert fragment in answer.message
    assert "Not quite" in answer._repr_html_()


def test_years_typed_as_text_are_accepted():
    assert isinstance(rp.timeline_chart(start_year="1969", end_year="1972"), alt.LayerChart)


@settings(max_examples=60, deadline=None)
@given(
    thread=st.one_of(st.none(), st.text(max_size=20), st.integers(), st.sampled_from(list(rp.THREADS) + ["all"])),
    start=st.one_of(st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.text(max_size=6)),
    end=st.one_of(st.integers(1940, 1990), st.floats(1940, 1990), st.booleans()),
)
@example(thread=None, start="²", end=1940)  # str.isdigit() accepts '²', int() does not: found by Hypothesis
def test_timeline_chart_never_raises(thread, start, end):
    answer = rp.timeline_chart(thread=thread, start_year=start, end_year=end)
    assert isinstance(answer, (alt.LayerChart, rp.Problem))


# --- widgets ----------------------------------------------------------------------------------------------

def test_explorer_redraws_when_the_controls_move():
    explorer = rp.timeline_explorer()
    everything = len(explorer.shown)
    assert everything == len(explorer.events)
    explorer.thread.value = "taiwan"
    assert set(explorer.shown["thread"]) == {"taiwan"}
    explorer.years.value = (1969, 1972)
    assert explorer.shown["end"].dt.year.min() >= 1969 and explorer.shown["start"].dt.year.max() <= 1972
    assert f"<b>{len(explorer.shown)}</b> of {everything}" in explorer.status_line.value
    assert isinstance(explorer.current, alt.LayerChart)


def test_explorer_shows_a_message_when_nothing_matches():
    events = rp.load_events()
    explorer = rp.timeline_explorer(events[events["thread"] != "normalization"])
    explorer.thread.value = "normalization"
    assert isinstance(explorer.current, rp.Problem)
    assert "widen the years" in explorer.current.message


def test_setup_enables_the_offline_renderer_and_nothing_else():
    before = pd.get_option("display.max_rows")
    rp.setup()
    assert alt.renderers.active == "mimetype"
    bundle = alt.renderers.get()(rp.timeline_chart().to_dict())
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.vegalite.v5+json" in data and not any("html" in k for k in data)
    assert pd.get_option("display.max_rows") == before


def test_thread_colours_are_distinct():
    assert len(set(THREAD_COLOURS.values())) == len(THREAD_COLOURS)


def test_explorer_output_holds_an_offline_vega_lite_chart_even_without_setup():
    alt.renderers.enable("default")
    try:
        explorer = rp.timeline_explorer()
        (output,) = explorer.output.outputs
        assert set(output["data"]) == {"application/vnd.vegalite.v5+json", "text/plain"}
        assert output["data"]["application/vnd.vegalite.v5+json"]["title"]["text"].startswith("Events")
    finally:
        rp.setup()


@pytest.mark.parametrize("start, end, step", [(1949, 1980, 5), (1960, 1975, 2), (1969, 1972, 1)])
def test_timeline_ticks_fall_on_whole_years_each_labelled_once(start, end, step):
    axis = _layers(rp.timeline_chart(start_year=start, end_year=end))[1]["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and axis["tickCount"] == {"interval": "year", "step": step}
