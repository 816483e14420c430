"""Chart builders: functions that return Altair charts, tested by their Vega-Lite spec.

Conventions every chart here follows:

* a title, and a ``description`` that screen readers announce (Vega-Lite puts it in the SVG's aria-label);
* the Okabe–Ito palette, which stays distinct for the common forms of colour blindness;
* day-precise dates placed in UTC (``scale type utc``): the dates reach Vega-Lite as ``YYYY-MM-DD`` strings,
  which browsers read as UTC midnight, so a local-time axis would move them to the previous day west of
  Greenwich (vega/vega-lite#8770).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .data import THREADS, load_events
from .messages import StudentInputError, choose_from, friendly, whole_number

#: Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with any common colour blindness.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]

#: One colour per thread (yellow is left out: it is too pale on white).
THREAD_COLOURS = dict(zip(THREADS, ["#D55E00", "#0072B2", "#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#000000"]))

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


def _shorten(text: str, limit: int) -> str:
    """Cut ``text`` at a word boundary so tooltips stay readable; the full text stays in the table."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _timeline_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Only the columns the timeline draws, dates as ``YYYY-MM-DD`` strings: keeps the embedded data small."""
    frame = pd.DataFrame(
        {
            "event_id": events["event_id"],
            "title": events["title"],
            "thread_label": events["thread_label"],
            "plot_start": events["start"].dt.strftime("%Y-%m-%d"),
            "plot_end": events["end"].dt.strftime("%Y-%m-%d"),
            "precision": events["date_precision"],
            "date_label": events["date_label"],
            "summary": events["summary"],
            "source_titles": events["source_titles"].map(lambda t: _shorten(t, 240)),
            "confidence": events["confidence"],
            "confidence_note": events["confidence_note"].map(lambda t: _shorten(t, 240)),
        }
    )
    return frame.astype(str)


def select_events(events: pd.DataFrame, thread: str = "all", start_year=FIRST_YEAR, end_year=LAST_YEAR) -> pd.DataFrame:
    """Events of one thread (or ``"all"``) that overlap the years ``start_year``–``end_year`` inclusive.

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
    if isinstance(thread, str) and thread.strip().lower() == "all":
        pass
    else:
        thread = choose_from(thread, THREADS, "thread")
        keep &= events["thread"] == thread
    return events[keep]


@friendly
def timeline_chart(events: pd.DataFrame | None = None, thread: str = "all", start_year=FIRST_YEAR,
                   end_year=LAST_YEAR, width: int = 620) -> alt.LayerChart:
    """An interactive timeline: one row per thread, hover a mark for the summary, date and sources.

    ``thread`` is ``"all"`` or a key of ``THREADS`` (``"sino_soviet"``...); years are inclusive.
    """
    events = load_events() if events is None else events
    chosen = select_events(events, thread, start_year, end_year)
    start_year, end_year = int(start_year), int(end_year)
    if chosen.empty:
        raise StudentInputError(f"no events of thread {thread!r} between {start_year} and {end_year}; widen the years.")
    frame = _timeline_frame(chosen)
    domain = [f"{start_year}-01-01", f"{end_year}-12-31"]
    shown_threads = [label for key, label in THREADS.items() if label in set(frame["thread_label"])]
    span = end_year - start_year
    step = 1 if span <= 10 else 2 if span <= 20 else 5  # a tick every 1, 2 or 5 years, each labelled once
    x = alt.X("plot_start:T", title=None, scale=alt.Scale(type="utc", domain=domain),
              axis=alt.Axis(format="%Y", tickCount={"interval": "year", "step": step}, labelOverlap=True))
    y = alt.Y("thread_label:N", title=None, sort=list(THREADS.values()), axis=alt.Axis(labelLimit=220))
    colour = alt.Color("thread_label:N", title="Thread", legend=None,
                       scale=alt.Scale(domain=list(THREADS.values()), range=list(THREAD_COLOURS.values())))
    base = alt.Chart(frame).encode(y=y, color=colour, tooltip=_TOOLTIP)
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
        f"Timeline of {len(frame)} events from {start_year} to {end_year}, one row per thread "
        f"({', '.join(shown_threads)}). The first shown is '{first['title']}' ({first['date_label']}); "
        f"the last is '{last['title']}' ({last['date_label']})."
    )
    one_thread = chosen["thread"].nunique() == 1 and str(thread).strip().lower() != "all"
    title = alt.Title(
        f"Events {start_year}–{end_year}" + (f": {THREADS[chosen['thread'].iloc[0]]}" if one_thread else ""),
        subtitle="Hover over a mark for what happened and the sources. Outlined marks: the sources disagree.",
    )
    height = 36 * len(shown_threads) + 20
    return alt.layer(spans, points).properties(title=title, description=description, width=width, height=height)
