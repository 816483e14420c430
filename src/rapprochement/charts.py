"""Chart builders: functions that return Altair charts, tested by their Vega-Lite spec.

Conventions every chart here follows:

* a title, and a ``description`` that screen readers announce (the chart's ``aria-label`` in JupyterLab);
* the Okabe–Ito palette, which stays distinct for the common forms of colour blindness;
* day-precise dates placed in UTC (``scale type utc``): the dates reach Vega-Lite as ``YYYY-MM-DD`` strings,
  which browsers read as UTC midnight, so a local-time axis would move them to the previous day west of
  Greenwich (vega/vega-lite#8770).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from .data import (ACTORS, CHANNELS, GROUPINGS, SERIES, SPLIT_THEMES, THREADS, format_partial_date, load_events,
                   load_grouped_events, load_series, load_sources, parse_partial_date)
from .messages import StudentInputError, as_list, choose_from, friendly, whole_number
from .triangle import PAIRS, POWERS, _coding, _history, _year, configuration
from .triangle import history as coded_history

#: Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with any common colour blindness.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]

#: One colour per thread (yellow is left out: it is too pale on white).
THREAD_COLOURS = dict(zip(THREADS, ["#D55E00", "#0072B2", "#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#000000"]))

#: One colour per theme of the split (lesson 01).
THEME_COLOURS = dict(zip(SPLIT_THEMES, ["#CC79A7", "#0072B2", "#D55E00", "#009E73"]))

#: One colour per channel of 1969–1971 (lesson 02).
CHANNEL_COLOURS = dict(zip(CHANNELS, ["#000000", "#0072B2", "#009E73", "#CC79A7", "#D55E00"]))

#: What a timeline's rows can be: the thread, or a grouping of ``GROUPINGS``, with labels and colours.
#: One colour per actor on the road to normalization (lesson 04).
ACTOR_COLOURS = dict(zip(ACTORS, ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]))

ROWS = {"thread": (THREADS, THREAD_COLOURS), "theme": (SPLIT_THEMES, THEME_COLOURS),
        "channel": (CHANNELS, CHANNEL_COLOURS), "actor": (ACTORS, ACTOR_COLOURS)}

#: Marker shape says how precisely a date is known.
PRECISION_SHAPES = {"day": "circle", "month": "square", "year": "triangle-up"}

FIRST_YEAR, LAST_YEAR = 1949, 1980

_TOOLTIP = [
    alt.Tooltip("title:N", title="Event"),
    alt.Tooltip("date_label:N", title="Date"),
    alt.Tooltip("summary:N", title="What happened"),
    alt.Tooltip("source_titles:N", title="Sources"),
    alt.Tooltip("confidence:N", title="Confidence"),
    alt.Tooltip("confidence_note:N", title="Where sources differ"),
]


def _spec(chart) -> dict:
    return chart if isinstance(chart, dict) else chart.to_dict()


def chart_description(chart) -> str:
    """What a chart shows, in words: its description (what screen readers announce), else its title."""
    spec = _spec(chart)
    title = spec.get("title", "")
    title = title.get("text", "") if isinstance(title, dict) else title
    title = " ".join(title) if isinstance(title, list) else str(title)
    return str(spec.get("description") or title or "A chart")


def _fields(node) -> set[str]:
    """Every field a spec (or part of one) encodes, in any layer."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "field" and isinstance(value, str):
                found.add(value.split(".")[0])
            else:
                found |= _fields(value)
    elif isinstance(node, list):
        for item in node:
            found |= _fields(item)
    return found


def chart_table(chart, rows: int = 500) -> pd.DataFrame:
    """The data a chart draws, as a table: the alternative for a reader who cannot see the chart.

    ``rp.chart_table(chart)`` shows the columns the chart encodes (dates, labels, values, sources), from the
    chart's largest table of data; a map's country outlines are left out. At most ``rows`` rows.
    """
    spec = _spec(chart)
    fields = _fields({k: v for k, v in spec.items() if k != "datasets"})
    best = pd.DataFrame()
    for values in spec.get("datasets", {}).values():
        if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
            continue  # a map's outlines, stored as one GeoJSON text
        frame = pd.DataFrame(values)
        if frame.empty or {"geometry", "type"} <= set(frame.columns):
            continue
        keep = [c for c in frame.columns if c in fields] or list(frame.columns)
        if len(frame) > len(best):
            best = frame[keep]
    return best.head(rows).reset_index(drop=True)


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary so tooltips stay readable; the full text stays in the table."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _source_titles(source_ids: pd.Series, limit: int) -> pd.Series:
    """For each row's ``source_ids``, the titles of its sources, shortened for a tooltip."""
    titles = load_sources()["title"].to_dict()
    return source_ids.map(lambda ids: _shorten("; ".join(titles.get(i, i) for i in ids.split(";")), limit))


def _timeline_frame(events: pd.DataFrame, rows: str) -> pd.DataFrame:
    """Only the columns the timeline draws, dates as ``YYYY-MM-DD`` strings: keeps the embedded data small."""
    frame = pd.DataFrame(
        {
            "event_id": events["event_id"],
            "title": events["title"],
            "row_label": events[rows].map(ROWS[rows][0]),
            "plot_start": events["start"].dt.strftime("%Y-%m-%d"),
            "plot_end": events["end"].dt.strftime("%Y-%m-%d"),
            "precision": events["date_precision"],
            "date_label": events["date_label"],
            "summary": events["summary"].map(lambda t: _shorten(t, 280)),
            "source_titles": events["source_titles"].map(lambda t: _shorten(t, 160)),
            "confidence": events["confidence"],
            "confidence_note": events["confidence_note"].map(lambda t: _shorten(t, 160)),
        }
    )
    for column in ("sender", "receiver"):  # the channels' messages say who sent them to whom
        if column in events:
            frame[column] = events[column].values
    return frame.astype(str)


def _tooltip(frame: pd.DataFrame) -> list[alt.Tooltip]:
    """The timeline's tooltip, with sender and receiver where the rows are messages."""
    extra = [alt.Tooltip(f"{c}:N", title=t) for c, t in (("sender", "From"), ("receiver", "To")) if c in frame]
    return _TOOLTIP[:2] + extra + _TOOLTIP[2:]


def _is_all(value) -> bool:
    return isinstance(value, str) and value.strip().lower() == "all"


def select_events(events: pd.DataFrame, thread: str = "all", start_year=FIRST_YEAR, end_year=LAST_YEAR,
                  **groups) -> pd.DataFrame:
    """Events of one thread (or ``"all"``) that overlap the years ``start_year``–``end_year`` inclusive; a grouping
    filters too, for the table of ``load_grouped_events``: ``theme="borders"``, ``channel="pakistan"``.

    Raises :class:`StudentInputError` with a message a student can act on.
    """
    if not isinstance(events, pd.DataFrame):
        raise StudentInputError("events should be the table from load_events(); run that cell first.")
    if events.empty:
        raise StudentInputError("the events table is empty: nothing to draw. Reload it with load_events().")
    missing = {"thread", "start", "end"} - set(events.columns)
    if missing:
        raise StudentInputError(f"the events table lacks the columns {sorted(missing)}; use the table from load_events().")
    start_year = whole_number(start_year, "start_year", FIRST_YEAR, LAST_YEAR)
    end_year = whole_number(end_year, "end_year", FIRST_YEAR, LAST_YEAR)
    if start_year > end_year:
        raise StudentInputError(f"start_year ({start_year}) comes after end_year ({end_year}); swap them.")
    keep = (events["end"].dt.year >= start_year) & (events["start"].dt.year <= end_year)
    if not _is_all(thread):
        keep &= events["thread"] == choose_from(thread, THREADS, "thread")
    for by, value in groups.items():
        by = choose_from(by, GROUPINGS, "filter")
        if _is_all(value):
            continue
        if by not in events.columns:
            raise StudentInputError(f"only the table from load_grouped_events({by!r}) has a {by}; use it to filter by {by}.")
        keep &= events[by] == choose_from(value, GROUPINGS[by][1], by)
    return events[keep]


@friendly
def timeline_chart(events: pd.DataFrame | None = None, thread: str = "all", start_year=FIRST_YEAR,
                   end_year=LAST_YEAR, width: int = 620, rows: str = "thread", **groups) -> alt.LayerChart:
    """An interactive timeline: one row per thread (or per group), hover a mark for the summary, date and sources.

    ``thread`` is ``"all"`` or a key of ``THREADS`` (``"sino_soviet"``...); years are inclusive. ``rows`` is
    ``"thread"`` or a grouping (``"theme"``, ``"channel"``): one row per group, from ``load_grouped_events``;
    a grouping also filters, e.g. ``theme="borders"`` or ``channel="warsaw"``.
    """
    rows = choose_from(rows, ROWS, "row kind")
    groups = {choose_from(by, GROUPINGS, "filter"): value for by, value in groups.items()}
    if events is None:
        wanted = rows if rows != "thread" else next((by for by, v in groups.items() if not _is_all(v)), None)
        events = load_grouped_events(wanted) if wanted else load_events()
    chosen = select_events(events, thread, start_year, end_year, **groups)
    start_year, end_year = int(start_year), int(end_year)
    if chosen.empty:
        named = [f"{by} {value!r}" for by, value in groups.items() if not _is_all(value)]
        what = " and ".join(([f"thread {thread!r}"] if not _is_all(thread) else []) + named) or "any kind"
        raise StudentInputError(f"no events of {what} between {start_year} and {end_year}; widen the years.")
    if rows not in chosen.columns:
        raise StudentInputError(f"rows={rows!r} needs the table from load_grouped_events({rows!r}).")
    labels, colours = ROWS[rows]
    frame = _timeline_frame(chosen, rows)
    domain = [f"{start_year}-01-01", f"{end_year}-12-31"]
    shown_threads = [label for label in labels.values() if label in set(frame["row_label"])]
    span = end_year - start_year
    step = 1 if span <= 10 else 2 if span <= 20 else 5  # a tick every 1, 2 or 5 years, each labelled once
    x = alt.X("plot_start:T", title=None, scale=alt.Scale(type="utc", domain=domain),
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": step}, labelOverlap=True))
    y = alt.Y("row_label:N", title=None, sort=list(labels.values()), axis=alt.Axis(labelLimit=220))
    colour = alt.Color("row_label:N", title=rows.title(), legend=None,
                       scale=alt.Scale(domain=list(labels.values()), range=list(colours.values())))
    base = alt.Chart(frame).encode(y=y, color=colour, tooltip=_tooltip(frame))
    spans = base.transform_filter("datum.plot_end != datum.plot_start").mark_rule(strokeWidth=3, opacity=0.6, clip=True).encode(
        x=x, x2="plot_end:T")
    points = base.mark_point(filled=True, size=70, opacity=0.85, clip=True).encode(
        x=x,
        shape=alt.Shape("precision:N", title="Date known to the",
                        scale=alt.Scale(domain=list(PRECISION_SHAPES), range=list(PRECISION_SHAPES.values()))),
        stroke=alt.condition("datum.confidence == 'disputed'", alt.value("black"), alt.value(None)),
        strokeWidth=alt.value(1.5),
    )
    first, last = frame.iloc[0], frame.iloc[-1]
    description = (
        f"Timeline of {len(frame)} events from {start_year} to {end_year}, one row per {rows} "
        f"({', '.join(shown_threads)}). The first shown is '{first['title']}' ({first['date_label']}); "
        f"the last is '{last['title']}' ({last['date_label']})."
    )
    focus = [THREADS[chosen["thread"].iloc[0]]] if not _is_all(thread) else []
    focus += [GROUPINGS[by][1][chosen[by].iloc[0]] for by, value in groups.items() if not _is_all(value)]
    title = alt.Title(
        f"Events {start_year}–{end_year}" + (f": {', '.join(focus)}" if focus else ""),
        subtitle="Hover over a mark for what happened and the sources. Outlined marks: the sources disagree.",
    )
    height = 36 * len(shown_threads) + 20
    return alt.layer(spans, points).properties(title=title, description=description, width=width, height=height)


# --- numbers by who reported them (lesson 01) -------------------------------------------------------------

_MEASURES = {"clash_1969_killed": "killed", "clash_1969_wounded": "wounded", "clash_1969_casualties": "killed and wounded"}


def _figure_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per reported figure: a point value, or a low–high range, with its reporter and sources as text."""
    frame = rows.copy()
    frame["low"] = frame["value"].fillna(frame["value_low"])
    frame["high"] = frame["value"].fillna(frame["value_high"])
    shown = lambda v: f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"  # noqa: E731  (4.9, not 5)
    frame["figure"] = [shown(v) if pd.notna(v) else f"{shown(lo)}–{shown(hi)}"
                       for v, lo, hi in zip(frame["value"], frame["value_low"], frame["value_high"])]
    frame["sources"] = _source_titles(frame["source_ids"], 200)
    frame["note"] = frame["note"].map(lambda t: _shorten(t, 200))
    return frame


_FIGURE_TOOLTIP = [alt.Tooltip(c, title=t) for c, t in [
    ("figure:N", "Figure"), ("unit:N", "Unit"), ("date:N", "Date"), ("claimant:N", "Claimed by"),
    ("reported_by:N", "Reported by"), ("estimate:N", "Estimate"), ("confidence:N", "Confidence"),
    ("sources:N", "Sources"), ("note:N", "Note")]]


def _figures_chart(frame: pd.DataFrame, colour: alt.Color, title: alt.Title, x_title: str,
                   description: str) -> alt.LayerChart:
    """One horizontal bar per reported figure (a range runs low to high), labelled with the figure itself."""
    frame = frame[["row", "low", "high", "figure", "unit", "date", "claimant", "reported_by", "estimate",
                   "confidence", "sources", "note", colour.shorthand.split(":")[0]]].astype({"low": float, "high": float})
    base = alt.Chart(frame).encode(y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=420)),
                                   color=colour, tooltip=_FIGURE_TOOLTIP)
    bars = base.mark_bar(height=10).encode(x=alt.X("low:Q", title=x_title), x2="high:Q")
    ticks = base.mark_tick(thickness=3, size=14).encode(x="high:Q")
    labels = base.mark_text(align="left", dx=6, color="black").encode(x="high:Q", text="figure:N")
    return alt.layer(bars, ticks, labels).properties(title=title, description=description, width=380,
                                                      height=22 * len(frame) + 10)


@friendly
def casualty_chart(claimant: str = "all") -> alt.LayerChart:
    """The 1969 Zhenbao/Damansky casualty figures, one bar per figure, never added up or averaged.

    Each bar says whose losses it counts (colour) and who made the claim (label); ranges are drawn low to high.
    ``claimant`` is ``"all"`` or one value of the ``claimant`` column.
    """
    rows = load_series("sino_soviet")
    rows = rows[rows["indicator"].isin(list(_MEASURES))]
    if not _is_all(claimant):
        claimant = choose_from(claimant, sorted(set(rows["claimant"])), "claimant")
        rows = rows[rows["claimant"] == claimant]
    frame = _figure_frame(rows)
    frame["row"] = [f"{c} — {s} {_MEASURES[i]}, {d}"
                    for c, s, i, d in zip(frame["claimant"], frame["side_counted"], frame["indicator"], frame["date"])]
    colour = alt.Color("side_counted:N", title="Losses of the",
                       scale=alt.Scale(domain=["Soviet", "Chinese"], range=["#D55E00", "#0072B2"]))
    who = "every claimant" if _is_all(claimant) else claimant
    description = (f"Bar chart of {len(frame)} casualty figures for the March 1969 border clashes reported by {who}; "
                   f"largest figure {frame['high'].max():,.0f}, smallest {frame['low'].min():,.0f}. "
                   "Figures are shown side by side, not added up.")
    title = alt.Title("Who counted? Casualty figures for the 1969 Zhenbao/Damansky clashes",
                      subtitle="Each bar is one claim. Colour: whose losses; label on the left: who made the claim.")
    return _figures_chart(frame, colour, title, "People (as each claimant counts them)", description)


@friendly
def indicator_chart(indicators=("soviet_experts_in_china", "experts_withdrawn", "dependants_withdrawn"),
                    unit_contains: str = "", title: str = "Soviet experts in China, by who counted") -> alt.LayerChart:
    """Dated figures for Sino-Soviet indicators, oldest first, each labelled with its date and who reported it.

    ``indicators`` are values of the ``indicator`` column of ``load_series("sino_soviet")``; ``unit_contains``
    keeps only rows whose unit contains that text, so that one chart never mixes units (roubles and dollars).
    """
    rows = load_series("sino_soviet")
    indicators = as_list(indicators, "indicators should be a list such as ['sino_soviet_trade'].")
    indicators = [choose_from(i, sorted(set(rows["indicator"])), "indicator") for i in indicators]
    rows = rows[rows["indicator"].isin(indicators) & rows["unit"].str.contains(str(unit_contains), regex=False)]
    if rows.empty:
        raise StudentInputError("no rows match those indicators and unit.")
    frame = _figure_frame(rows.sort_values("date"))
    frame["row"] = [f"{d} — {_shorten(r, 60)}" for d, r in zip(frame["date"], frame["reported_by"])]
    colour = alt.Color("indicator:N", title="Indicator", scale=alt.Scale(range=OKABE_ITO[:3] + OKABE_ITO[4:]))
    description = (f"Bar chart of {len(frame)} dated figures ({', '.join(indicators)}) from {frame['date'].min()[:4]} to "
                   f"{frame['date'].max()[:4]}, oldest first, each labelled with its date and who reported it.")
    title = alt.Title(title, subtitle="One bar per figure, oldest first; hover for the unit and the sources.")
    return _figures_chart(frame, colour, title, "Figure (hover over a bar for its exact unit)",
                          description)


# --- votes by motion (lesson 02) --------------------------------------------------------------------------

VOTE_COLOURS = {"yes": "#009E73", "no": "#D55E00", "abstain": "#666666"}  # a grey deuteranopes tell from the green


@friendly
def votes_chart(sessions=("25th", "26th"), title: str = "The China votes in the UN General Assembly") -> alt.Chart:
    """Yes, no and abstain for every recorded motion of the given General Assembly sessions, side by side.

    ``sessions`` are values of the ``session`` column of ``load_series("un_votes")`` (``"25th"`` is 1970,
    ``"26th"`` 1971). Each motion keeps its outcome and the majority it needed: a majority of yes votes was not
    always enough.
    """
    rows = load_series("un_votes")
    sessions = as_list(sessions, "sessions should be a list such as ['25th', '26th'].")
    sessions = [choose_from(s, sorted(set(rows["session"])), "session") for s in sessions]
    rows = rows[rows["session"].isin(sessions)]
    rows = rows.assign(
        motion_label=[f"{d[:4]} ({s}): {m}" for d, s, m in zip(rows["date"], rows["session"], rows["motion"])],
        sources=_source_titles(rows["source_ids"], 120),
        note=rows["note"].map(lambda t: _shorten(t, 120)))
    frame = rows.melt(id_vars=["figure_id", "motion_label", "outcome", "required_majority", "sources", "note"],
                      value_vars=list(VOTE_COLOURS), var_name="vote", value_name="count").dropna(subset=["count"])
    order = list(dict.fromkeys(rows["motion_label"]))
    tooltip = [alt.Tooltip(c, title=t) for c, t in [
        ("motion_label:N", "Motion"), ("vote:N", "Vote"), ("count:Q", "Countries"), ("outcome:N", "Outcome"),
        ("required_majority:N", "Majority needed"), ("sources:N", "Sources"), ("note:N", "Note")]]
    y = alt.Y("motion_label:N", title=None, sort=order, axis=alt.Axis(labelLimit=460))
    colour = alt.Color("vote:N", title="Vote", scale=alt.Scale(domain=list(VOTE_COLOURS), range=list(VOTE_COLOURS.values())))
    base = alt.Chart(frame).encode(y=y, yOffset=alt.YOffset("vote:N", sort=list(VOTE_COLOURS)), color=colour,
                                   tooltip=tooltip)
    bars = base.mark_bar().encode(x=alt.X("count:Q", title="Countries voting"))
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="black").encode(x="count:Q", text="count:Q")
    adopted = rows[rows["outcome"].str.startswith("adopted")]
    description = (f"Bar chart of the yes, no and abstain votes on {len(rows)} motions on China's seat at the UN "
                   f"General Assembly, sessions {', '.join(sessions)}; {len(adopted)} adopted. "
                   + " ".join(f"{m}: {int(y_)} yes, {int(n)} no, {o}." for m, y_, n, o in
                              zip(rows["motion_label"], rows["yes"], rows["no"], rows["outcome"])))
    return alt.layer(bars, labels).properties(
        title=alt.Title(title, subtitle="Yes, no and abstain for each motion; hover for its outcome and the majority it needed."),
        description=description, width=360, height=alt.Step(11))


# --- a numeric series and the events of a grouping on one time axis (lesson 02) --------------------------

@friendly
def series_with_events(series: str = "troops", by: str = "channel", start_year=1969, end_year=1972,
                       title: str = "US troops in South Vietnam and the signals between Washington and Beijing",
                       split_by: str = "measure", **where) -> alt.LayerChart:
    """A dated series as lines, and the events of a grouping as coloured rules, on one time axis.

    ``series`` is a table of ``load_series`` with ``date`` and ``value``; ``where`` keeps rows whose columns have
    the given values (``scope="South Vietnam"``). Rows are joined by a line only within one value of ``split_by``
    (a count and a planned ceiling are different things). ``by`` is a grouping of ``GROUPINGS`` (``"channel"``).
    """
    start_year = whole_number(start_year, "start_year", FIRST_YEAR, LAST_YEAR)
    end_year = whole_number(end_year, "end_year", FIRST_YEAR, LAST_YEAR)
    if start_year > end_year:
        raise StudentInputError(f"start_year ({start_year}) comes after end_year ({end_year}); swap them.")
    series, by = choose_from(series, SERIES, "series"), choose_from(by, GROUPINGS, "grouping")
    rows = load_series(series)
    for column, value in where.items():
        column = choose_from(column, [c for c in rows.columns if not pd.api.types.is_numeric_dtype(rows[c])], "column")
        rows = rows[rows[column] == choose_from(value, sorted(set(rows[column])), column)]
    rows = rows.assign(date=rows["date"].astype(str)) if "date" in rows else rows.assign(date=rows["year"].astype(str))
    yearly = bool((rows["date"].str.len() == 4).all())
    if yearly:  # a series of yearly figures (trade): each year's figure stands at mid-year
        rows = rows[rows["value"].notna()].copy()
        rows["plot_date"] = rows["date"] + "-07-01"
        dated = "each year's figure placed at mid-year"
    else:  # a figure dated only to a year has no place on a month-by-month axis: left out, and the subtitle says so
        rows = rows[rows["value"].notna() & (rows["date"].str.len() > 4)].copy()
        rows["plot_date"] = rows["date"].map(lambda d: parse_partial_date(d)[0].strftime("%Y-%m-%d"))
        dated = "figures dated only to a year left out"
    rows = rows[(rows["plot_date"] >= f"{start_year}") & (rows["plot_date"] <= f"{end_year}-12-31")].sort_values("plot_date")
    if rows.empty:
        raise StudentInputError(f"no figures of {series!r} between {start_year} and {end_year}; widen the years.")
    titles = load_sources()["title"].to_dict()
    split_by = choose_from(split_by, list(rows.columns), "column")
    line_frame = pd.DataFrame({
        "plot_date": rows["plot_date"], "value": rows["value"].astype(float),
        "date_label": rows["date"].map(format_partial_date), "what": rows[split_by].astype(str).str.replace("_", " "),
        "reported_by": rows["reported_by"], "unit": rows["unit"], "figure_id": rows["figure_id"],
        "sources": _source_titles(rows["source_ids"], 200)})
    events = select_events(load_grouped_events(by), start_year=start_year, end_year=end_year)
    labels, colours = ROWS[by]
    # only what the rules' tooltips show, kept short: the saved notebook carries this table
    event_frame = _timeline_frame(events, by)[["title", "row_label", "plot_start", "date_label", "summary", "source_titles"]]
    event_frame = event_frame.assign(summary=event_frame["summary"].map(lambda t: _shorten(t, 160)),
                                     source_titles=event_frame["source_titles"].map(lambda t: _shorten(t, 120)))
    domain = [f"{start_year}-01-01", f"{end_year}-12-31"]
    x = alt.X("plot_date:T", title=None, scale=alt.Scale(type="utc", domain=domain),
              axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 6}))
    tooltip = [alt.Tooltip(c, title=t) for c, t in [("value:Q", "Figure"), ("unit:N", "Unit"), ("date_label:N", "Date"),
               ("what:N", "Measure"), ("reported_by:N", "Reported by"), ("figure_id:N", "Figure id"), ("sources:N", "Sources")]]
    kinds = list(dict.fromkeys(line_frame["what"]))
    base = alt.Chart(line_frame).encode(x=x, y=alt.Y("value:Q", title=f"{series.replace('_', ' ').title()}"), tooltip=tooltip)
    line = alt.layer(
        base.mark_line(color="#555555").encode(strokeDash=alt.StrokeDash("what:N", title=split_by.replace("_", " ").title(), sort=kinds)),
        base.mark_point(size=60, filled=True, color="#555555").encode(shape=alt.Shape("what:N", sort=kinds, legend=None)))
    rules = alt.Chart(event_frame).mark_rule(strokeWidth=2, opacity=0.75).encode(
        x=alt.X("plot_start:T", scale=alt.Scale(type="utc", domain=domain)),
        color=alt.Color("row_label:N", title=by.title(), sort=list(labels.values()),
                        scale=alt.Scale(domain=list(labels.values()), range=list(colours.values()))),
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("row_label:N", title=by.title()),
                 alt.Tooltip("date_label:N", title="Date"), alt.Tooltip("summary:N", title="What happened"),
                 alt.Tooltip("source_titles:N", title="Sources")])
    first, last = line_frame.iloc[0], line_frame.iloc[-1]
    description = (f"Line chart of {len(line_frame)} figures of {series} from {first['date_label']} "
                   f"({first['value']:,.0f}) to {last['date_label']} ({last['value']:,.0f}), with {len(event_frame)} "
                   f"events by {by} marked as vertical lines.")
    return alt.layer(rules, line).resolve_scale(color="independent").properties(
        title=alt.Title(title, subtitle=[f"Grey: the figures, each with who reported it ({dated}).",
                                         f"Coloured lines: events by {by}. Hover over any mark for its sources."]),
        description=description, width=620, height=260)


# --- any series, one bar per figure, by who reported it (lesson 03) ----------------------------------------

@friendly
def figures_chart(series: str, colour: str, start_year=FIRST_YEAR, end_year=LAST_YEAR, value: str = "value",
                  title: str = "", **where) -> alt.LayerChart:
    """One bar per figure of a series, oldest first, coloured by ``colour`` and labelled with its date and reporter.

    ``figures_chart("recognition", colour="recognises", value="count", basis="all states with diplomatic
    relations")`` compares the states recognising Beijing and Taipei; ``where`` keeps rows with those values.
    Figures are never added up: each bar is one claim, hover for its unit and sources.
    """
    series = choose_from(series, SERIES, "series")
    rows = load_series(series)
    start_year = whole_number(start_year, "start_year", FIRST_YEAR, LAST_YEAR)
    end_year = whole_number(end_year, "end_year", FIRST_YEAR, LAST_YEAR)
    columns = [c for c in rows.columns if not pd.api.types.is_numeric_dtype(rows[c])]
    colour = choose_from(colour, columns, "column")
    value = choose_from(value, [c for c in rows.columns if pd.api.types.is_numeric_dtype(rows[c])], "column")
    for column, wanted in where.items():
        column = choose_from(column, columns, "column")
        rows = rows[rows[column] == choose_from(wanted, sorted(set(rows[column])), column)]
    rows = rows.rename(columns={"year": "date"}) if "date" not in rows else rows
    rows = rows.assign(date=rows["date"].astype(str))
    rows = rows[rows["date"].str[:4].astype(int).between(start_year, end_year)]
    if rows.empty:
        raise StudentInputError(f"no figures of {series!r} between {start_year} and {end_year}; widen the years.")
    rows = rows.assign(value=rows[value], value_low=rows.get("value_low", rows[value]),
                       value_high=rows.get("value_high", rows[value]), claimant=rows.get("claimant", rows["reported_by"]))
    frame = _figure_frame(rows.sort_values(["date", colour]))
    frame["row"] = [f"{d} — {c}: {_shorten(r, 50)}" for d, c, r in zip(frame["date"], frame[colour], frame["reported_by"])]
    palette = alt.Scale(range=["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"])
    description = (f"Bar chart of {len(frame)} figures of {series} from {frame['date'].min()[:4]} to {frame['date'].max()[:4]}, "
                   f"coloured by {colour}, each labelled with its date and who reported it: "
                   + "; ".join(f"{d} {c} {f}" for d, c, f in zip(frame["date"], frame[colour], frame["figure"])) + ".")
    chart_title = alt.Title(title or f"{series.replace('_', ' ').title()}, by who reported it",
                            subtitle="One bar per figure, oldest first; hover for the unit and the sources.")
    return _figures_chart(frame, alt.Color(f"{colour}:N", title=colour.replace("_", " ").title(), scale=palette),
                          chart_title, "Figure (hover over a bar for its exact unit)", description)


#: Amity and enmity in the strategic triangle: colour and line style both say it (no meaning in colour alone).
RELATION_STYLE = {"amity": ("#009E73", [1, 0]), "enmity": ("#D55E00", [6, 4])}
_CORNERS = {"us": (0.0, 0.0), "ussr": (2.0, 0.0), "prc": (1.0, 1.6)}


def _triangle_frames(relations: dict) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The sides and corners a triangle draws for one coding, and its description for screen readers."""
    shape = configuration(relations)
    sides = pd.DataFrame([{"pair": pair, "relation": relations[pair] if isinstance(relations[pair], str) else
                           ("amity" if relations[pair] else "enmity"), "order": n, "x": _CORNERS[p][0], "y": _CORNERS[p][1],
                           "label": f"{POWERS[a]}–{POWERS[b]}"}
                          for pair, (a, b) in PAIRS.items() for n, p in enumerate((a, b))])
    sides["relation"] = sides["relation"].str.strip().str.lower()
    corners = pd.DataFrame([{"power": POWERS[p], "position": shape.positions[p], "x": x, "y": y,
                             "label_y": y + 0.2 if y else y - 0.25,  # labels clear of the corners and the sides
                             "text": f"{POWERS[p]}: {shape.positions[p]}"} for p, (x, y) in _CORNERS.items()])
    pairs = "; ".join(f"{POWERS[a]}–{POWERS[b]}: {sides.loc[sides.pair == pair, 'relation'].iloc[0]}"
                      for pair, (a, b) in PAIRS.items())
    description = (f"Strategic triangle, configuration: {shape.name}. Positions: "
                   + "; ".join(f"{POWERS[p]} {role}" for p, role in shape.positions.items()) + f". Relations: {pairs}.")
    return sides, corners, description


def _triangle_layers(relations: dict, title: str, width: int, height: int) -> alt.LayerChart:
    """The triangle without top-level configuration, so it can sit beside other charts."""
    shape = configuration(relations)
    sides, corners, description = _triangle_frames(relations)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.7, 2.7]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-0.4, 2.0]))
    lines = alt.Chart(sides).mark_line(strokeWidth=4).encode(
        x=x, y=y, detail="pair:N", order="order:Q",
        color=alt.Color("relation:N", title="Relation", scale=alt.Scale(domain=list(RELATION_STYLE),
                                                                        range=[c for c, _ in RELATION_STYLE.values()])),
        strokeDash=alt.StrokeDash("relation:N", legend=None, scale=alt.Scale(domain=list(RELATION_STYLE),
                                                                              range=[d for _, d in RELATION_STYLE.values()])),
        tooltip=[alt.Tooltip("label:N", title="Pair"), alt.Tooltip("relation:N", title="Relation")])
    points = alt.Chart(corners).mark_circle(size=400, color="#0072B2", opacity=1).encode(x=x, y=y)
    labels = alt.Chart(corners).mark_text(fontSize=13, fontWeight="bold").encode(
        x=x, y=alt.Y("label_y:Q", axis=None, scale=alt.Scale(domain=[-0.4, 2.0])), text="text:N")
    return alt.layer(lines, points, labels).properties(
        width=width, height=height,
        title=alt.Title(title or f"The strategic triangle as a {shape.name}", subtitle="Solid: amity. Dashed: enmity."),
        description=description,
    )


@friendly
def triangle_chart(relations: dict, title: str = "", width: int = 360, height: int = 300) -> alt.LayerChart:
    """The strategic triangle for one coding of the three pairs: each side amity (solid) or enmity (dashed), each
    corner a power with its position (pivot, wing, partner, outcast), the configuration in the title."""
    return _triangle_layers(relations, title, width, height).configure_view(stroke=None)


#: One colour and one letter per configuration: the letter says it where colour cannot.
CONFIGURATION_STYLE = {"ménage à trois": ("#009E73", "M"), "romantic triangle": ("#0072B2", "R"),
                       "stable marriage": ("#E69F00", "S"), "unit veto": ("#D55E00", "U")}


def _position_summary(row) -> str:
    if row["pivot"]:
        return f"pivot: {POWERS[row['pivot']]}"
    outcast = [POWERS[p] for p in POWERS if row[f"{p}_position"] == "outcast"]
    return f"outcast: {outcast[0]}" if outcast else ""


def _configuration_layers(histories: dict[str, pd.DataFrame], year: int | None, width: int) -> alt.LayerChart:
    frames = []
    for label, history in histories.items():
        frame = history.assign(row=label, letter=history["configuration"].map(lambda c: CONFIGURATION_STYLE[c][1]))
        frame["positions"] = frame.apply(_position_summary, axis=1)
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)[["row", "year", "configuration", "letter", "positions",
                                                 "us_ussr", "us_prc", "ussr_prc"]]
    rows = list(histories)
    x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-90, labelExpr="datum.value % 5 == 0 ? datum.value : ''"))
    y = alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=220))
    colour = alt.Color("configuration:N", title="Configuration",
                       scale=alt.Scale(domain=list(CONFIGURATION_STYLE), range=[c for c, _ in CONFIGURATION_STYLE.values()]),
                       legend=alt.Legend(orient="bottom", labelExpr="datum.label"))
    tooltip = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("configuration:N", title="Configuration"),
               alt.Tooltip("positions:N", title="Position"), alt.Tooltip("us_ussr:N", title="US–USSR"),
               alt.Tooltip("us_prc:N", title="US–PRC"), alt.Tooltip("ussr_prc:N", title="USSR–PRC")]
    cells = alt.Chart(data).mark_rect(stroke="white").encode(x=x, y=y, color=colour, tooltip=tooltip)
    # white on the dark blue, black on the rest: 4.5:1 contrast or better for every letter
    ink = alt.condition("datum.configuration == 'romantic triangle'", alt.value("white"), alt.value("black"))
    letters = alt.Chart(data).mark_text(fontSize=11).encode(x=x, y=y, text="letter:N", color=ink, tooltip=tooltip)
    layers = [cells, letters]
    if year is not None:
        marked = alt.Chart(pd.DataFrame({"year": [int(year)]})).mark_rect(fill=None, stroke="black", strokeWidth=3).encode(x=x)
        layers.append(marked)
    return alt.layer(*layers).properties(width=width, height=32 * len(rows))


def _configuration_runs(history: pd.DataFrame) -> str:
    """'1949–1958 stable marriage (outcast: United States); ...' for a description."""
    runs, start = [], None
    keys = list(zip(history["configuration"], history.apply(_position_summary, axis=1)))
    years = list(history["year"])
    for i, key in enumerate(keys):
        if start is None:
            start = i
        if i == len(keys) - 1 or keys[i + 1] != key:
            span = f"{years[start]}" if start == i else f"{years[start]}–{years[i]}"
            runs.append(f"{span} {key[0]}" + (f" ({key[1]})" if key[1] else ""))
            start = None
    return "; ".join(runs)


@friendly
def configuration_chart(histories: dict[str, pd.DataFrame] | None = None, year: int | None = None,
                        title: str = "The strategic triangle year by year, as coded", width: int = 640) -> alt.LayerChart:
    """One row of years per coded history (``{"as coded": rp.triangle.history()}`` by default), each year coloured
    and lettered by its configuration (M, R, S, U); ``year`` draws a frame round one year."""
    histories = histories or {"as coded": coded_history()}
    if len(histories) == 1:  # one row: its label would only repeat the title
        description = f"{title}: {_configuration_runs(next(iter(histories.values())))}"
    else:
        description = f"{title}. " + ". ".join(f"{label}: {_configuration_runs(h)}" for label, h in histories.items())
    return _configuration_layers(histories, year, width).properties(
        title=alt.Title(title, subtitle="M ménage à trois · R romantic triangle · S stable marriage · U unit veto"),
        description=description + ".").configure_view(stroke=None)


def _year_relations(history: pd.DataFrame, year: int) -> tuple[dict, str]:
    row = history[history["year"] == year].iloc[0]
    return {pair: row[pair] for pair in ("us_ussr", "us_prc", "ussr_prc")}, row["configuration"]


def _year_chart(year: int, history: pd.DataFrame) -> alt.VConcatChart:
    relations, shape = _year_relations(history, year)
    triangle = _triangle_layers(relations, f"{year}: a {shape}", 360, 260)
    strip = _configuration_layers({"as coded": history}, year, 640)
    return alt.vconcat(triangle, strip).properties(
        description=f"{year}, as coded: {triangle.description} Path of all years: {_configuration_runs(history)}.",
    ).resolve_scale(color="independent").configure_view(stroke=None)


class SpecChart:
    """A finished Vega-Lite spec, shown as a chart: what a template makes when only the data change."""

    def __init__(self, spec: dict):
        self.spec = spec

    def to_dict(self) -> dict:
        return self.spec

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"application/vnd.vegalite.v5+json": self.spec, "text/plain": f"<{self.spec['description'][:60]}>"}


class YearCharts:
    """The one-year chart of a coded history for every year, fast: Altair builds and checks the chart once, and each
    other year swaps in its own rows, title and description (a redraw in a few milliseconds, not a hundred)."""

    def __init__(self, history: pd.DataFrame):
        from altair.utils.data import to_values

        self.history = history
        self.first = int(history["year"].iloc[0])
        relations, _ = _year_relations(history, self.first)
        sides, corners, _ = _triangle_frames(relations)
        self.template = _year_chart(self.first, history).to_dict()
        named = {json.dumps(values, sort_keys=True): name for name, values in self.template["datasets"].items()}
        self.names = {key: named[json.dumps(to_values(frame)["values"], sort_keys=True)]
                      for key, frame in (("sides", sides), ("corners", corners),
                                         ("marked", pd.DataFrame({"year": [self.first]})))}
        self._to_values = to_values
        self.runs = _configuration_runs(history)

    def chart(self, year: int) -> SpecChart:
        relations, shape = _year_relations(self.history, year)
        sides, corners, description = _triangle_frames(relations)
        spec = dict(self.template)
        spec["datasets"] = dict(self.template["datasets"])
        for key, frame in (("sides", sides), ("corners", corners), ("marked", pd.DataFrame({"year": [int(year)]}))):
            spec["datasets"][self.names[key]] = self._to_values(frame)["values"]
        top = dict(self.template["vconcat"][0])
        top["title"] = dict(top["title"], text=f"{year}: a {shape}")
        top["description"] = description
        spec["vconcat"] = [top, *self.template["vconcat"][1:]]
        spec["description"] = f"{year}, as coded: {description} Path of all years: {self.runs}."
        return SpecChart(spec)


@friendly
def triangle_year_chart(year: int, coding: pd.DataFrame | None = None) -> alt.VConcatChart:
    """One coded year: its triangle, above the row of all years with that year framed."""
    coding = _coding(coding)
    return _year_chart(_year(coding, year), _history(coding))
