"""Helpers for the US–China rapprochement notebooks: data, charts and widgets.

Call :func:`setup` once at the top of a notebook; importing this package changes no settings.
"""

from __future__ import annotations

from .charts import THREAD_COLOURS, select_events, timeline_chart
from .data import (
    THREADS,
    DataError,
    data_dir,
    document_text,
    find_person,
    format_partial_date,
    load_events,
    load_people,
    load_places,
    load_series,
    load_sources,
    load_table,
    split_list,
)
from .messages import Problem
from .widgets import TimelineExplorer, timeline_explorer

__all__ = [
    "THREADS", "THREAD_COLOURS", "DataError", "Problem", "TimelineExplorer", "data_dir", "document_text",
    "find_person", "format_partial_date", "load_events", "load_people", "load_places", "load_series",
    "load_sources", "load_table", "select_events", "setup", "split_list", "timeline_chart", "timeline_explorer",
]


def setup() -> None:
    """Make Altair charts render offline in JupyterLab.

    Altair 5's ``mimetype`` renderer sends the chart as ``application/vnd.vegalite.v5+json``, which JupyterLab 4
    draws with the Vega it ships: no CDN, no network, no widget state to save. Display options are left alone.
    """
    import altair as alt

    alt.renderers.enable("mimetype")
