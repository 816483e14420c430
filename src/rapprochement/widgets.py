"""Widget builders: controls that redraw a chart, built once here and reused by every notebook."""

from __future__ import annotations

import html
from typing import Callable

import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from .charts import (FIRST_YEAR, LAST_YEAR, SpecChart, YearCharts, casualty_chart, configuration_chart, select_events,
                     timeline_chart, triangle_chart)
from .triangle import PAIRS, POWERS, RELATIONS, configuration, decisions, sensitivity
from .triangle import _coding, _flip, _history, _justification  # the unchecked cores: these callers pass clean input
from .data import (GROUPINGS, THREADS, format_partial_date, load_events, load_grouped_events, load_places, load_series,
                   split_list)
from .maps import EAST_CHINA_COUNTRIES, distance_km, places_map
from .reading import compare_documents, side_by_side

VEGA_LITE = "application/vnd.vegalite.v5+json"


def _mimebundle(obj) -> tuple[dict, dict]:
    """What to show for ``obj``: a chart as Vega-Lite v5 (JupyterLab draws it offline), a message as HTML and text."""
    if isinstance(obj, (alt.TopLevelMixin, SpecChart)):
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
               "channel": ("All channels", "Channel:"), "actor": ("All actors", "Actor:")}


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


def actors_explorer() -> TimelineExplorer:
    """Lesson 04: the road to normalization, 1973–1980, one row per actor (Washington, Beijing, Taipei, Moscow,
    Congress), with a menu."""
    return TimelineExplorer(by="actor", years=(1973, 1980))


def channel_explorer() -> TimelineExplorer:
    """Lesson 02: the messages, meetings and public signals of 1969–1971, one row per channel, with a menu."""
    return TimelineExplorer(by="channel", years=(1969, 1971))


def casualty_explorer() -> ChartExplorer:
    """Lesson 01: the 1969 border-clash casualty figures, with a menu to show one claimant's figures at a time."""
    claimants = sorted(set(load_series("sino_soviet").query("indicator.str.startswith('clash_1969')")["claimant"]))
    menu = widgets.Dropdown(options=[("Every claimant", "all")] + [(c, c) for c in claimants], value="all",
                            description="Claimant:", layout=widgets.Layout(width="640px"))
    return ChartExplorer({"claimant": menu}, casualty_chart)


class ItineraryExplorer(ChartExplorer):
    """A day slider over a journey in the events: the map shows the route so far with the day's place marked, and
    the line above it lists the day's events and the distance covered (straight lines between the places).

    ``explorer.day`` can be set from code (an ISO date); ``explorer.stops`` is the route up to that day.
    """

    def __init__(self, first: str, last: str, title: str, box=(100, 135, 20, 45), center=(117, 33), scale: int = 900):
        events = load_events()
        self.events = events[(events["date"] >= first) & (events["date"] <= last) & (events["date_precision"] == "day")
                             & (events["place_ids"].str.len() > 0)]
        self.box, self.center, self.scale, self.title = box, center, scale, title
        on_map = set(load_places().query(f"{box[0]} <= lon <= {box[1]} and {box[2]} <= lat <= {box[3]}")["place_id"])
        self.day_places: dict[str, list[str]] = {}
        for day, ids in zip(self.events["date"], self.events["place_ids"]):
            self.day_places.setdefault(day, [])
            self.day_places[day] += [p for p in split_list(ids) if p in on_map and p not in self.day_places[day]]
        days = sorted(self.day_places)
        self.day = widgets.SelectionSlider(options=[(format_partial_date(d), d) for d in days], value=days[0],
                                           description="Day:", continuous_update=False,
                                           layout=widgets.Layout(width="520px"))
        self.stops: list[str] = []
        super().__init__({"day": self.day}, self._draw)

    def route_until(self, day: str) -> list[str]:
        """The places in the order visited, up to and including ``day``, without standing still."""
        route: list[str] = []
        for d in sorted(self.day_places):
            if d > day:
                break
            route += [p for p in self.day_places[d] if not route or route[-1] != p]
        return route

    def _draw(self, day):
        self.stops = self.route_until(day)
        here = self.day_places[day][-1] if self.day_places[day] else self.stops[-1]
        return places_map(self.stops, self.title, f"{format_partial_date(day)}: the route so far (straight lines)",
                          countries=EAST_CHINA_COUNTRIES, box=self.box, center=self.center, scale=self.scale,
                          route=True, highlight=here, width=520, height=420)

    def distance(self) -> float:
        """Kilometres covered along the route so far, as straight lines between the places."""
        places = load_places().set_index("place_id")
        points = [(places.loc[p, "lat"], places.loc[p, "lon"]) for p in self.stops]
        return sum(distance_km(a, b) for a, b in zip(points, points[1:]))

    def status(self) -> str:
        day = self.day.value
        today = self.events[self.events["date"] == day]
        items = "".join(f"<li>{html.escape(t)} <code>{e}</code></li>" for e, t in zip(today["event_id"], today["title"]))
        return (f"<b>{format_partial_date(day)}</b>: {len(today)} event(s) in the data<ul>{items}</ul>"
                f"Distance so far: <b>{self.distance():,.0f} km</b> in straight lines between the places "
                "(computed from their coordinates, not a figure from the sources).")


def itinerary_explorer(first: str = "1972-02-21", last: str = "1972-02-28",
                       title: str = "Nixon's visit to China, day by day") -> ItineraryExplorer:
    """Lesson 03: Nixon's week in China (or any journey in the events between two dates), with a day slider."""
    return ItineraryExplorer(first, last, title)


#: What the close-reading explorer can set side by side, and the words it can mark.
READINGS = {
    "sides": ("The Shanghai Communiqué: each side's own statements", lambda mark: side_by_side(highlight=mark)),
    "taiwan": ("Taiwan in the communiqués of 1972 and 1979 and the Taiwan Relations Act",
               lambda mark: compare_documents(highlight=mark)),
}
MARKS = ["Taiwan", "acknowledge", "one China", "hegemony", "normaliz", "recogni", "peaceful"]


def close_reading_explorer() -> ChartExplorer:
    """Lesson 03: documents side by side, with a menu of what to compare and a menu of words to mark."""
    compare = widgets.Dropdown(options=[(label, key) for key, (label, _) in READINGS.items()], value="sides",
                               description="Compare:", layout=widgets.Layout(width="560px"))
    mark = widgets.Dropdown(options=MARKS, value="Taiwan", description="Mark:", layout=widgets.Layout(width="240px"))
    return ChartExplorer({"compare": compare, "mark": mark}, lambda compare, mark: READINGS[compare][1]([mark]))


class TriangleExplorer(ChartExplorer):
    """One menu per pair (amity or enmity) and the triangle they make: the configuration and each power's position.

    ``explorer.controls["us_prc"].value = "amity"`` sets a pair from code; ``explorer.shape`` is the configuration.
    """

    def __init__(self, relations: dict[str, str] | None = None):
        start = relations or {"us_ussr": "enmity", "us_prc": "enmity", "ussr_prc": "amity"}
        menus = {pair: widgets.Dropdown(options=[(r, r) for r in RELATIONS], value=start[pair],
                                        description=f"{POWERS[a]}–{POWERS[b]}:", style={"description_width": "initial"},
                                        layout=widgets.Layout(width="330px"))
                 for pair, (a, b) in PAIRS.items()}
        self.shape = None
        super().__init__(menus, self._draw)

    def _draw(self, **relations):
        self.shape = configuration(relations)
        return triangle_chart(relations)

    def status(self) -> str:
        return f"Configuration: <b>{self.shape.name}</b>." if self.shape else ""


def triangle_explorer(relations: dict[str, str] | None = None) -> TriangleExplorer:
    """Set each pair's relation and see the strategic triangle's configuration: ``triangle_explorer()``."""
    return TriangleExplorer(relations)


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=0, classes="rp-table")


class TriangleHistory(ChartExplorer):
    """Lesson 05: a year slider over the coded years; the year's triangle, the path of all years, and the events
    behind each pair's coding that year. ``history.year.value = 1972`` moves it from code."""

    def __init__(self, year: int = 1972, coding: pd.DataFrame | None = None):
        self.coding = _coding(coding)
        self.history = _history(self.coding)  # computed once: a redraw only picks a year
        self.events = load_events().set_index("event_id")
        years = self.coding["year"].astype(int)
        self.year = widgets.IntSlider(value=year, min=int(years.min()), max=int(years.max()), step=1,
                                      description="Year:", continuous_update=False, layout=widgets.Layout(width="520px"))
        self.charts = YearCharts(self.history)
        super().__init__({"year": self.year}, self.charts.chart)
        # the events come after the chart they explain
        self.widget.children = (self.widget.children[0], self.output, self.status_line)

    def status(self) -> str:
        why = _justification(self.coding, self.year.value, self.events)
        return f"<b>Why {self.year.value} is coded this way</b>" + _table_html(why)


def triangle_history(year: int = 1972) -> TriangleHistory:
    """The coded years 1949–1980 one at a time, with the events behind each coding: ``triangle_history()``."""
    return TriangleHistory(year)


class TriangleSensitivity(ChartExplorer):
    """Lesson 05: pick one coding decision, reverse it, and see which years change configuration.

    ``sensitivity.decision.value = ("us_ussr", 1963)`` picks one from code; ``sensitivity.changed`` is the table.
    """

    def __init__(self, coding: pd.DataFrame | None = None):
        self.coding = _coding(coding)
        self.as_coded = _history(self.coding)  # computed once: a redraw only reverses one decision
        chosen = decisions(self.coding)
        options = [(f"{POWERS[PAIRS[r.pair][0]]}–{POWERS[PAIRS[r.pair][1]]}, {r.year}: {r.relation} ({r.event_ids})",
                    (r.pair, int(r.year))) for r in chosen.itertuples()]
        self.decision = widgets.Dropdown(options=options, value=("us_ussr", 1963), description="Reverse:",
                                         style={"description_width": "initial"}, layout=widgets.Layout(width="560px"))
        self.changed = pd.DataFrame()
        super().__init__({"decision": self.decision}, self._draw)

    def _draw(self, decision):
        pair, year = decision
        self.changed = sensitivity(pair, year, self.coding)
        shown = {"as coded": self.as_coded, f"{pair} {year} reversed": _history(_flip(self.coding, pair, year))}
        return configuration_chart(shown, title=f"Reversing one decision: {pair} in {year}")

    def status(self) -> str:
        # never empty: reversing one relation changes how many pairs are friendly, so the year's configuration too
        years = self.changed["year"].tolist()
        span = f"{years[0]}" if len(years) == 1 else f"{len(years)} years, {years[0]}–{years[-1]}"
        shown = self.changed.rename(columns={"configuration_as_coded": "as coded", "pivot_as_coded": "pivot as coded",
                                             "configuration_if_reversed": "if reversed",
                                             "pivot_if_reversed": "pivot if reversed"})
        for column in ("pivot as coded", "pivot if reversed"):
            shown[column] = shown[column].map(lambda p: POWERS.get(p, "none"))
        return f"Reversing this decision changes <b>{span}</b>." + _table_html(shown)


def triangle_sensitivity() -> TriangleSensitivity:
    """Reverse one coding decision and see which years change: ``triangle_sensitivity()``."""
    return TriangleSensitivity()
