"""Widget builders: controls that redraw a chart, built once here and reused by every notebook."""

from __future__ import annotations

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from .charts import FIRST_YEAR, LAST_YEAR, select_events, timeline_chart
from .data import THREADS, load_events

VEGA_LITE = "application/vnd.vegalite.v5+json"


def _mimebundle(obj) -> tuple[dict, dict]:
    """What to show for ``obj``: a chart as Vega-Lite v5 (JupyterLab draws it offline), a message as HTML and text."""
    if isinstance(obj, alt.TopLevelMixin):
        return {VEGA_LITE: obj.to_dict(), "text/plain": f"<{obj.to_dict().get('title', {}).get('text', 'chart')}>"}, {}
    return {"text/html": obj._repr_html_(), "text/plain": str(obj)}, {}


class TimelineExplorer:
    """A thread menu and a year-range slider above the timeline; the chart redraws when either moves.

    ``explorer.thread.value`` and ``explorer.years.value`` can also be set from code; ``explorer.shown``
    is the table of events on screen and ``explorer.current`` the chart (or message) displayed.
    """

    def __init__(self, events: pd.DataFrame | None = None):
        self.events = load_events() if events is None else events
        self.thread = widgets.Dropdown(
            options=[("All threads", "all")] + [(label, key) for key, label in THREADS.items()],
            value="all", description="Thread:",
            layout=widgets.Layout(width="340px"),
        )
        # continuous_update=False: redraw when the handle is released, not on every pixel of a drag
        self.years = widgets.IntRangeSlider(
            value=(FIRST_YEAR, LAST_YEAR), min=FIRST_YEAR, max=LAST_YEAR, step=1, description="Years:",
            continuous_update=False, layout=widgets.Layout(width="420px"),
        )
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.thread, self.years]), self.status, self.output])
        self.shown = self.events.iloc[0:0]
        self.current = None
        for control in (self.thread, self.years):
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def refresh(self) -> None:
        """Filter the events by the controls and redraw."""
        start, end = self.years.value
        self.shown = select_events(self.events, self.thread.value, start, end)
        self.status.value = f"Showing <b>{len(self.shown)}</b> of {len(self.events)} events."
        self.current = timeline_chart(self.events, self.thread.value, start, end)
        # Replace the Output widget's contents directly: no capture context, so the same code works in
        # JupyterLab, in headless runs (nbclient) and in plain Python tests.
        data, metadata = _mimebundle(self.current)
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _ipython_display_(self) -> None:
        display(self.widget)


def timeline_explorer(events: pd.DataFrame | None = None) -> TimelineExplorer:
    """The timeline with its controls, ready to display: ``timeline_explorer()`` as the last line of a cell."""
    return TimelineExplorer(events)
