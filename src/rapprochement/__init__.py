"""Helpers for the US–China rapprochement notebooks: data, charts and widgets.

Call :func:`setup` once at the top of a notebook; importing this package changes no settings.
"""

from __future__ import annotations

# jsonschema (which Altair needs) is imported first on purpose. Measured in a Jupyter kernel, `import rapprochement`
# took about 3.3 s when jsonschema came in later, through Altair, and about 1.8 s when it came first; the cause
# (jsonschema builds a grammar at import) was not pinned down further. `python tools/benchmark.py` shows the effect.
import jsonschema  # noqa: F401, E402

from .charts import (THREAD_COLOURS, casualty_chart, chart_description, configuration_chart, triangle_year_chart, chart_table, figures_chart, indicator_chart, select_events, series_with_events,
                     timeline_chart, triangle_chart, votes_chart)
from .data import (
    ACTORS,
    CHANNELS,
    GROUPINGS,
    SPLIT_THEMES,
    THREADS,
    DataError,
    data_dir,
    document_text,
    find_person,
    format_partial_date,
    load_channel_events,
    load_events,
    load_grouped_events,
    load_people,
    load_places,
    load_series,
    load_sources,
    load_split_events,
    load_table,
    load_triangle,
    quotation,
    split_list,
)
from . import triangle
from .glossary import lookup
from .maps import border_map, places_map
from .reading import compare_documents, side_by_side
from .messages import Problem
from .widgets import (ChartExplorer, ItineraryExplorer, TimelineExplorer, actors_explorer, casualty_explorer, channel_explorer,
                      close_reading_explorer, itinerary_explorer, split_explorer, timeline_explorer,
                      triangle_explorer, triangle_history, triangle_sensitivity)

__all__ = [
    "ACTORS", "CHANNELS", "GROUPINGS", "SPLIT_THEMES", "THREADS", "THREAD_COLOURS", "ChartExplorer", "DataError", "Problem",
    "ItineraryExplorer", "TimelineExplorer", "actors_explorer", "border_map", "casualty_chart", "casualty_explorer", "chart_description", "chart_table", "channel_explorer",
    "close_reading_explorer", "compare_documents", "data_dir", "itinerary_explorer", "places_map", "side_by_side",
    "document_text", "figures_chart", "find_person", "format_partial_date", "indicator_chart", "load_channel_events", "load_events",
    "load_grouped_events", "lookup", "load_people", "load_places", "load_series", "load_sources", "load_split_events",
    "load_table", "quotation", "select_events", "series_with_events", "setup", "split_explorer", "split_list",
    "timeline_chart", "timeline_explorer", "triangle_chart", "triangle_explorer", "votes_chart",
    "configuration_chart", "load_triangle", "triangle", "triangle_history", "triangle_sensitivity", "triangle_year_chart",
]


def setup() -> None:
    """Make Altair charts render offline in JupyterLab.

    Altair 5's ``mimetype`` renderer sends the chart as ``application/vnd.vegalite.v5+json``, which JupyterLab 4
    draws with the Vega it ships: no CDN, no network, no widget state to save. Display options are left alone.
    """
    import altair as alt

    alt.renderers.enable("mimetype")
