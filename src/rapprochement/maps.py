"""Maps drawn offline from the basemap shipped in ``data/basemap/`` (Natural Earth 1:110m via world-atlas).

The basemap shows today's borders: in 1969 Kazakhstan was part of the Soviet Union. Only the countries a map
needs are converted from TopoJSON to GeoJSON, with coordinates rounded, so a map adds little to a notebook.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import altair as alt
import pandas as pd

from .data import data_dir, load_places
from .messages import StudentInputError, friendly

#: The border region of the 1960s: China, its Soviet and Mongolian neighbours (ISO 3166 numeric codes).
BORDER_COUNTRIES = {"156": "China", "643": "Russia", "496": "Mongolia", "398": "Kazakhstan", "408": "North Korea"}

#: Places of the 1969 border conflict and its setting (place_id in data/places.csv).
BORDER_PLACES = ["zhenbao-island", "zhalanashkol-tielieketi", "ussuri-river", "amur-river",
                 "vladivostok", "lop-nur", "beijing"]


def _arc_points(topology: dict, index: int) -> list[list[float]]:
    """Decode one delta-encoded, quantised TopoJSON arc; a negative index means the arc reversed."""
    arc = topology["arcs"][index if index >= 0 else ~index]
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    x = y = 0
    points = []
    for dx, dy in arc:
        x, y = x + dx, y + dy
        points.append([round(x * sx + tx, 2), round(y * sy + ty, 2)])
    return points if index >= 0 else points[::-1]


def _ring(topology: dict, arcs: list[int]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in arcs:
        points = _arc_points(topology, index)
        ring.extend(points if not ring else points[1:])  # consecutive arcs share their end points
    return ring


@lru_cache(maxsize=None)
def _basemap() -> dict:
    return json.loads((data_dir() / "basemap" / "countries-110m.json").read_text(encoding="utf-8"))


def basemap_features(countries: dict[str, str] = BORDER_COUNTRIES, west: float = 60, east: float = 145,
                     south: float = 25, north: float = 60) -> list[dict]:
    """GeoJSON features of ``countries``, keeping only polygons that reach into the given box."""
    topology = _basemap()
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") not in countries:
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        kept = []
        for polygon in polygons:
            rings = [_ring(topology, ring) for ring in polygon]
            if any(west <= x <= east and south <= y <= north for x, y in rings[0]):
                kept.append(rings)
        if kept:
            features.append({"type": "Feature", "properties": {"name": countries[geometry["id"]]},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})
    return features


#: Countries drawn for a map of China's east (lesson 03), with the sea coast the itinerary follows.
EAST_CHINA_COUNTRIES = {"156": "China", "496": "Mongolia", "408": "North Korea", "410": "South Korea", "392": "Japan",
                        "158": "Taiwan"}


def _places(place_ids) -> pd.DataFrame:
    """The rows of data/places.csv for ``place_ids``, in that order, or a message naming the ids that do not exist."""
    places = load_places().set_index("place_id")
    if not isinstance(place_ids, (list, tuple)) or not place_ids or not all(isinstance(p, str) for p in place_ids):
        raise StudentInputError("place_ids should be a list of ids from load_places(), such as ['beijing', 'shanghai'].")
    unknown = [p for p in place_ids if p not in places.index]
    if unknown:
        raise StudentInputError(f"unknown place ids {unknown}; see load_places()['place_id'].")
    points = places.loc[list(place_ids), ["name", "alt_names", "kind", "lat", "lon", "note"]].reset_index()
    points["note"] = points["note"].str.slice(0, 200)
    return points


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points: a straight line, not the road or the flight path."""
    (lat1, lon1), (lat2, lon2) = (tuple(math.radians(v) for v in p) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@friendly
def places_map(place_ids, title: str, subtitle: str = "", countries: dict[str, str] = BORDER_COUNTRIES,
               box: tuple[float, float, float, float] = (60, 145, 25, 60), center=(110, 45), scale: int = 430,
               route: bool = False, highlight: str | None = None, width: int = 600, height: int = 420) -> alt.LayerChart:
    """Places from data/places.csv on the shipped basemap, labelled; ``route`` joins them in the order given
    (straight lines), ``highlight`` is a place id drawn larger. ``box`` is (west, east, south, north)."""
    points = _places(place_ids)
    west, east, south, north = box
    # The outlines travel as one GeoJSON string, which a saved notebook stores on a single line; as nested lists
    # they would take a line per coordinate and triple the notebook's size.
    outlines = json.dumps({"type": "FeatureCollection",
                           "features": basemap_features(countries, west, east, south, north)}, separators=(",", ":"))
    land = alt.Chart(alt.InlineData(values=outlines, format=alt.DataFormat(type="json", property="features"))).mark_geoshape(
        fill="#EEEEEE", stroke="#777777", strokeWidth=0.7).encode(tooltip=alt.Tooltip("properties.name:N", title="Country today"))
    points["stop"] = range(1, len(points) + 1)
    points["highlight"] = points["place_id"] == highlight
    tooltip = [alt.Tooltip("name:N", title="Place"), alt.Tooltip("alt_names:N", title="Other names"),
               alt.Tooltip("kind:N", title="Kind"), alt.Tooltip("note:N", title="Note")]
    marks = alt.Chart(points.drop_duplicates("place_id")).encode(longitude="lon:Q", latitude="lat:Q", tooltip=tooltip)
    dots = marks.mark_point(filled=True, color="#D55E00", stroke="black", strokeWidth=0.5).encode(
        size=alt.condition("datum.highlight", alt.value(220), alt.value(70)))
    labels = marks.mark_text(align="left", dx=7, dy=-4, fontSize=11, fontWeight="bold").encode(text="name:N")
    layers = [land]
    if route and len(points) > 1:
        layers.append(alt.Chart(points).mark_line(color="#0072B2", strokeWidth=2, strokeDash=[4, 3]).encode(
            longitude="lon:Q", latitude="lat:Q", order="stop:Q"))
    layers += [dots, labels]
    names = list(dict.fromkeys(points["name"]))
    description = f"Map ({subtitle or title}) with {len(names)} places marked: " + ", ".join(names) + "."
    if route and len(points) > 1:
        description += f" A line joins them in order: {' to '.join(points['name'])}."
    # The projection goes on the layered chart: set on one layer only, the points would be left unprojected.
    return alt.layer(*layers).project(type="mercator", center=list(center), scale=scale).properties(
        title=alt.Title(title, subtitle=subtitle) if subtitle else title, description=description, width=width, height=height)


@friendly
def border_map(place_ids: list[str] | None = None, width: int = 600, height: int = 420) -> alt.LayerChart:
    """The Sino-Soviet border region with the places of the 1969 clashes, labelled, from ``data/places.csv``."""
    return places_map(BORDER_PLACES if place_ids is None else place_ids, "Where the border war of 1969 was fought",
                      "Today's borders (Natural Earth); in 1969 Kazakhstan was part of the USSR. Rivers are marked at their mouths.",
                      width=width, height=height)
