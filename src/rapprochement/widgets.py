"""Widget builders: controls that redraw a chart, built once here and reused by every notebook."""

from __future__ import annotations

from typing import Callable

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from .charts import FIRST_YEAR, LAST_YEAR, casualty_chart, select_events, timeline_chart
from .data import GROUPINGS, THREADS, load_events, load_grouped_events, load_series

VEGA_LITE = "application/vnd.vegalite.v5+json"


def _mimebundle(obj) -> tuple[dict, dict]:
    """What to show for ``obj``: a chart as Vega-Lite v5 (JupyterLab draws it offline), a message as HTML and text."""
    if isinstance(obj, alt.TopLevelMixin):
        spec = obj.to_dict()
        return {VEGA_LITE: spec, "text/plain": f"<{spec.get('title', {}).get('text', 'chart')}>"}, {}
    return {"text/html": obj._repr_html_(), "text/plain": str(obj)}, {}


class ChartExplorer:
    """Controls above a chart; when any control moves, ``draw(**values)`` makes the chart shown below them.

    ``explorer.current`` is the chart (or message) on screen. Subclasses add a status line via ``status()``.
    """

    def __init__(self, controls: dict[str, widgets.ValueWidget], draw: Callable[..., object]):
        self.controls = controls
        self.draw = draw
        self.status_line = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox(list(controls.values())), self.status_line, self.output])
        self.current = None
        for control in controls.values():
            control.observe(lambda _change: self.refresh(), names="value")
        self.refresh()

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def status(self) -> str:
        return ""

    def refresh(self) -> None:
        """Redraw with the controls' current values."""
        self.current = self.draw(**self.values())
        self.status_line.value = self.status()
        # Replace the Output widget's contents directly: no capture context, so the same code works in
        # JupyterLab, in headless runs (nbclient) and in plain Python tests.
        data, metadata = _mimebundle(self.current)
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": metadata},)

    def _ipython_display_(self) -> None:
        display(self.widget)


def _menu(options: dict[str, str], everything: str, description: str) -> widgets.Dropdown:
    return widgets.Dropdown(options=[(everything, "all")] + [(label, key) for key, label in options.items()],
                            value="all", description=description, layout=widgets.Layout(width="340px"))


def _years(first: int, last: int) -> widgets.IntRangeSlider:
    # continuous_update=False: redraw when the handle is released, not on every pixel of a drag
    return widgets.IntRangeSlider(value=(first, last), min=first, max=last, step=1, description="Years:",
                                  continuous_update=False, layout=widgets.Layout(width="420px"))


#: The menu a timeline explorer shows for each kind of row: what "everything" is called, and the menu's label.
_MENU_WORDS = {"thread": ("All threads", "Thread:"), "theme": ("All themes", "Theme:"),
               "channel": ("All channels", "Channel:")}


class TimelineExplorer(ChartExplorer):
    """A menu (thread, or a grouping such as theme or channel) and a year-range slider above the timeline.

    ``explorer.thread`` (or ``explorer.theme``, ``explorer.channel``) and ``explorer.years`` can also be set
    from code; ``explorer.shown`` is the table of events on screen.
    """

    def __init__(self, events: pd.DataFrame | None = None, by: str = "thread", years: tuple[int, int] | None = None):
        self.by = by
        self.events = (load_events() if by == "thread" else load_grouped_events(by)) if events is None else events
        first, last = years or (FIRST_YEAR, LAST_YEAR)
        labels = THREADS if by == "thread" else GROUPINGS[by][1]
        menu = _menu(labels, *_MENU_WORDS[by])
        self.years = _years(first, last)
        setattr(self, by, menu)
        self.shown = self.events.iloc[0:0]
        super().__init__({by: menu, "years": self.years}, self._draw)

    def _draw(self, years, **menu):
        start, end = years
        thread = menu.pop("thread", "all")
        self.shown = select_events(self.events, thread, start_year=start, end_year=end, **menu)
        return timeline_chart(self.events, thread, start_year=start, end_year=end, rows=self.by, **menu)

    def status(self) -> str:
        return f"Showing <b>{len(self.shown)}</b> of {len(self.events)} events."


def timeline_explorer(events: pd.DataFrame | None = None) -> TimelineExplorer:
    """The timeline with its controls, ready to display: ``timeline_explorer()`` as the last line of a cell."""
    return TimelineExplorer(events)


def split_explorer() -> TimelineExplorer:
    """Lesson 01: the events of the Sino-Soviet split, 1949–1970, one row per theme, with a theme menu."""
    return TimelineExplorer(by="theme", years=(FIRST_YEAR, 1970))


def channel_explorer() -> TimelineExplorer:
    """Lesson 02: the messages, meetings and public signals of 1969–1971, one row per channel, with a menu."""
    return TimelineExplorer(by="channel", years=(1969, 1971))


def casualty_explorer() -> ChartExplorer:
    """Lesson 01: the 1969 border-clash casualty figures, with a menu to show one claimant's figures at a time."""
    claimants = sorted(set(load_series("sino_soviet").query("indicator.str.startswith('clash_1969')")["claimant"]))
    menu = widgets.Dropdown(options=[("Every claimant", "all")] + [(c, c) for c in claimants], value="all",
                            description="Claimant:", layout=widgets.Layout(width="640px"))
    return ChartExplorer({"claimant": menu}, casualty_chart)
