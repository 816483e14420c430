"""Lesson 02's builders (the channel explorer, the UN votes chart, a series against events), tested by their specs."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rapprochement as rp


def _datasets(chart) -> list[list[dict]]:
    return [v for v in chart.to_dict()["datasets"].values() if isinstance(v, list)]


def test_every_channel_event_is_an_event_with_a_known_channel_and_both_ends_named():
    channels = rp.load_channel_events()
    assert set(channels["channel"]) == set(rp.CHANNELS)
    assert (channels["sender"].str.len() > 0).all() and (channels["receiver"].str.len() > 0).all()
    assert channels["start"].is_monotonic_increasing


def test_a_channel_timeline_says_who_sent_each_message_to_whom():
    chart = rp.timeline_chart(rows="channel", start_year=1969, end_year=1971)
    row = next(r for r in _datasets(chart)[0] if r["event_id"] == "ev085")
    assert row["sender"] == "Zhou Enlai" and "Hilaly" in row["receiver"]
    titles = [t["title"] for t in chart.to_dict()["layer"][1]["encoding"]["tooltip"]]
    assert titles[:4] == ["Event", "Date", "From", "To"]
    assert "From" not in str(rp.timeline_chart().to_dict()["layer"][1]["encoding"]["tooltip"])


def test_the_channel_explorer_filters_by_channel_and_redraws():
    explorer = rp.channel_explorer()
    assert set(explorer.shown["channel"]) == set(rp.CHANNELS)
    explorer.channel.value = "romania"
    assert set(explorer.shown["channel"]) == {"romania"} and len(explorer.shown) >= 2
    assert {r["row_label"] for r in _datasets(explorer.current)[0]} == {rp.CHANNELS["romania"]}
    assert explorer.current.to_dict()["title"]["text"] == "Events 1969–1971: Romania (Ceaușescu)"


def test_a_grouping_filter_on_the_wrong_table_or_a_misspelled_group_gets_a_message():
    assert "load_grouped_events('channel')" in rp.timeline_chart(rp.load_events(), channel="paris", rows="thread").message
    answer = rp.timeline_chart(channel="pakistn", rows="channel", start_year=1969, end_year=1971)
    assert isinstance(answer, rp.Problem) and "pakistan" in answer.message
    assert isinstance(rp.load_grouped_events("channels"), rp.Problem)  # suggests "channel"


def test_themes_still_work_through_the_general_grouping():
    assert rp.load_split_events().equals(rp.load_grouped_events("theme"))
    chart = rp.timeline_chart(rows="theme", theme="borders")
    assert {r["row_label"] for r in _datasets(chart)[0]} == {"Borders"}


def test_votes_chart_draws_yes_no_and_abstain_for_every_motion_of_the_sessions():
    votes = rp.load_series("un_votes")
    chosen = votes[votes["session"].isin(["25th", "26th"])]
    rows = _datasets(rp.votes_chart())[0]
    assert len(rows) == 3 * len(chosen)
    albanian_1971 = chosen[chosen["motion"].str.startswith("Albanian") & (chosen["session"] == "26th")].iloc[0]
    drawn = {r["vote"]: r["count"] for r in rows if r["figure_id"] == albanian_1971["figure_id"]}
    assert drawn == {"yes": albanian_1971["yes"], "no": albanian_1971["no"], "abstain": albanian_1971["abstain"]}
    assert "76 yes, 35 no" in rp.votes_chart().to_dict()["description"]
    assert isinstance(rp.votes_chart(sessions=["27th"]), rp.Problem)


def test_series_with_events_joins_only_like_figures_and_marks_the_events():
    chart = rp.series_with_events("troops", scope="South Vietnam")
    events, line = _datasets(chart)
    troops = rp.load_series("troops")
    shown = troops[(troops["scope"] == "South Vietnam") & (troops["date"].str.len() > 4)
                   & troops["date"].str[:4].between("1969", "1972")]
    assert sorted(r["figure_id"] for r in line) == sorted(shown["figure_id"])
    assert {r["what"] for r in line} >= {"ceiling", "peak"}
    assert len(events) == len(rp.select_events(rp.load_channel_events(), start_year=1969, end_year=1972))
    spec = chart.to_dict()
    assert spec["layer"][1]["layer"][0]["encoding"]["strokeDash"]["field"] == "what"
    assert "figures dated only to a year left out" in str(spec["title"]["subtitle"])


def test_series_with_events_explains_bad_input():
    assert "scope" in rp.series_with_events("troops", scop="South Vietnam").message
    assert isinstance(rp.series_with_events("troops", start_year=1975, end_year=1970), rp.Problem)
    assert isinstance(rp.series_with_events("troops", start_year=1950, end_year=1951, scope="South Vietnam"), rp.Problem)


@settings(max_examples=40, deadline=None)
@given(value=st.none() | st.text(max_size=12) | st.integers() | st.lists(st.text(max_size=8), max_size=3))
def test_lesson02_builders_never_raise_on_odd_input(value):
    for answer in (rp.votes_chart(value), rp.series_with_events(value), rp.series_with_events("troops", by=value),
                   rp.timeline_chart(rows="channel", channel=value)):
        assert answer is not None


def test_the_actors_explorer_of_lesson_04_is_one_more_grouping():
    explorer = rp.actors_explorer()
    assert set(explorer.shown["actor"]) == set(rp.ACTORS)
    explorer.actor.value = "congress"
    assert "ev151" in set(explorer.shown["event_id"]) and set(explorer.shown["actor"]) == {"congress"}
    assert explorer.current.to_dict()["title"]["text"] == "Events 1973–1980: Congress (and the courts)"


def test_a_yearly_series_stands_at_mid_year_against_the_events():
    chart = rp.series_with_events("trade", by="actor", start_year=1971, end_year=1980, flow="total", split_by="reported_by")
    events, line = _datasets(chart)
    assert {r["plot_date"][4:] for r in line} == {"-07-01"}
    assert "each year's figure placed at mid-year" in str(chart.to_dict()["title"]["subtitle"])
