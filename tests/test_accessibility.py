"""Every chart the collection builds has a title, a description for screen readers, a table alternative, a preview
with that description as its alternative text, and colours that stay distinct for the common colour-vision
deficiencies (simulated with colorspacious: Machado et al. 2009, full severity)."""

from __future__ import annotations

import itertools
from pathlib import Path

import nbformat
import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE

import rapprochement as rp
from rapprochement import charts
from tools.run_notebooks import VEGA_LITE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")])
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")
DISTINCT = 10.0  # least CAM02-UCS colour difference between any two colours of a palette, as simulated


def _stored_specs():
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                if VEGA_LITE in output.get("data", {}):
                    yield path.name, output


BUILDERS = {
    "timeline_chart": lambda: rp.timeline_chart(),
    "timeline by channel": lambda: rp.timeline_chart(rp.load_grouped_events("channel"), rows="channel"),
    "casualty_chart": lambda: rp.casualty_chart(),
    "indicator_chart": lambda: rp.indicator_chart(),
    "votes_chart": lambda: rp.votes_chart(),
    "series_with_events": lambda: rp.series_with_events(),
    "figures_chart": lambda: rp.figures_chart("trade", colour="flow", title="US–China trade by who reported it"),
    "places_map": lambda: rp.places_map(["beijing", "shanghai"], "Two cities", route=True),
    "border_map": lambda: rp.border_map(),
    "itinerary_explorer": lambda: rp.itinerary_explorer().current,
    "channel_explorer": lambda: rp.channel_explorer().current,
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_gives_a_title_a_description_and_a_table(name):
    chart = BUILDERS[name]()
    spec = chart.to_dict()
    title = spec.get("title")
    assert title and (title.get("text") if isinstance(title, dict) else title), f"{name}: no title"
    assert len(spec.get("description", "")) > 40, f"{name}: no description for screen readers"
    assert not rp.chart_table(chart).empty, f"{name}: no table alternative"


def test_every_stored_chart_has_a_title_a_description_and_a_preview_carrying_it():
    count = 0
    for name, output in _stored_specs():
        spec = output["data"][VEGA_LITE]
        assert spec.get("title") and len(spec.get("description", "")) > 40, name
        assert "image/png" in output["data"], f"{name}: a chart without its preview"
        assert output["metadata"]["image/png"]["alt"] == charts.chart_description(spec), \
            f"{name}: the preview's alternative text is not the chart's description (run `make notebooks`)"
        count += 1
    assert count >= 10


def _simulated(colour: str, deficiency: str) -> np.ndarray:
    rgb = np.array([int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255
    return np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}, "sRGB1"), 0, 1)


def least_difference(colours) -> tuple[float, str]:
    """The smallest simulated difference between two colours of a palette, and where it is."""
    worst = (float("inf"), "")
    for deficiency in DEFICIENCIES:
        for a, b in itertools.combinations(dict.fromkeys(c.upper() for c in colours), 2):
            d = deltaE(_simulated(a, deficiency), _simulated(b, deficiency), input_space="sRGB1")
            worst = min(worst, (float(d), f"{a} and {b} under {deficiency}"))
    return worst


def _ranges(node):
    """Every colour range a spec's scales use."""
    if isinstance(node, dict):
        scale = node.get("scale")
        if isinstance(scale, dict) and isinstance(scale.get("range"), list) \
                and all(isinstance(c, str) and c.startswith("#") for c in scale["range"]):
            yield scale["range"]
        for value in node.values():
            yield from _ranges(value)
    elif isinstance(node, list):
        for item in node:
            yield from _ranges(item)


@pytest.mark.parametrize("rows", charts.ROWS)
def test_each_groupings_colours_stay_distinct_for_colour_blind_readers(rows):
    difference, where = least_difference(charts.ROWS[rows][1].values())
    assert difference >= DISTINCT, where


def test_every_colour_scale_in_the_stored_charts_stays_distinct():
    ranges = [tuple(r) for _, output in _stored_specs() for r in _ranges(output["data"][VEGA_LITE]) if len(r) > 1]
    assert ranges
    for colours in set(ranges):
        difference, where = least_difference(colours)
        assert difference >= DISTINCT, where


def test_the_colour_check_catches_red_against_green():
    assert least_difference(["#D00000", "#00A000"])[0] < DISTINCT
