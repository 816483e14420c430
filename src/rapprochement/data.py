"""Loading the collection's shared data, with the checks a reader needs to trust it.

Every table lives in the repository's ``data/`` folder and is described in ``data/datapackage.json``.
Notebooks call ``load_events()`` and friends; nobody writes ``'../data/...'`` paths.
"""

from __future__ import annotations

import calendar
import difflib
import os
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .messages import StudentInputError, choose_from, friendly

#: Table name -> (file name in data/, primary-key column).
TABLES: dict[str, tuple[str, str | None]] = {
    "events": ("events.csv", "event_id"),
    "sources": ("sources.csv", "source_id"),
    "people": ("people.csv", "person_id"),
    "roles": ("roles.csv", None),
    "places": ("places.csv", "place_id"),
    "documents": ("documents.csv", "document_id"),
    "trade": ("trade_us_china.csv", "figure_id"),
    "troops": ("us_troops_vietnam.csv", "figure_id"),
    "un_votes": ("un_votes_china.csv", "figure_id"),
    "recognition": ("recognition_counts.csv", "figure_id"),
    "sino_soviet": ("sino_soviet_indicators.csv", "figure_id"),
    "split_themes": ("split_themes.csv", "event_id"),
    "channels": ("channels.csv", "event_id"),
    "normalization_actors": ("normalization_actors.csv", "event_id"),
    "excerpts": ("excerpts.csv", "excerpt_id"),
    "glossary": ("glossary.csv", "term_id"),
    "triangle": ("triangle.csv", None),  # key: year and pair
}

#: Lesson 01's reading of the Sino-Soviet split: four strands, each with a reader's label.
SPLIT_THEMES: dict[str, str] = {
    "ideology": "Ideology",
    "aid_and_technology": "Aid and technology",
    "borders": "Borders",
    "third_countries": "Third countries",
}

#: Lesson 02: the ways Washington and Beijing sent each other word, 1969–1971.
CHANNELS: dict[str, str] = {
    "public": "Public signals",
    "warsaw": "Warsaw ambassadorial talks",
    "pakistan": "Pakistan (Yahya Khan)",
    "romania": "Romania (Ceaușescu)",
    "paris": "Paris (Walters and Huang Zhen)",
}

#: Lesson 04: whose decisions and circumstances the road to normalization ran through, 1973–1980.
ACTORS: dict[str, str] = {
    "washington": "Washington",
    "beijing": "Beijing",
    "taipei": "Taipei",
    "moscow": "Moscow",
    "congress": "Congress (and the courts)",
}

#: Groupings of events beyond their thread: the column a lesson groups by -> (table in data/, labels).
#: Each table joins ``event_id`` to one group, with a ``note`` saying why; it is the collection's reading.
GROUPINGS: dict[str, tuple[str, dict[str, str]]] = {
    "theme": ("split_themes", SPLIT_THEMES),
    "channel": ("channels", CHANNELS),
    "actor": ("normalization_actors", ACTORS),
}

#: The threads of the story, in the order the timeline shows them, with a reader's label.
THREADS: dict[str, str] = {
    "sino_soviet": "Sino-Soviet alliance and split",
    "us_china": "US–China: hostility to opening",
    "normalization": "Road to normalization",
    "taiwan": "Taiwan",
    "vietnam": "Vietnam and Indochina",
    "detente": "Soviet–American détente",
    "leadership": "Leaders in Beijing and Washington",
}

_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class DataError(RuntimeError):
    """The data folder is missing or a file in it breaks the rules in ``data/datapackage.json``."""


def data_dir() -> Path:
    """Where the data lives: ``$RAPPROCHEMENT_DATA`` if set, else the ``data/`` folder of this repository."""
    override = os.environ.get("RAPPROCHEMENT_DATA")
    candidates = [Path(override)] if override else []
    here = Path(__file__).resolve()
    candidates += [parent / "data" for parent in here.parents]
    candidates += [parent / "data" for parent in [Path.cwd(), *Path.cwd().parents]]
    for candidate in candidates:
        if (candidate / "datapackage.json").is_file():
            return candidate
    raise DataError(
        "Cannot find the data/ folder of the collection. Install the helper package from the repository "
        "with `pip install -e .` (the README's `make lab` does this), or set RAPPROCHEMENT_DATA to the folder."
    )


def parse_partial_date(text: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """Turn ``1972``, ``1972-02`` or ``1972-02-21`` into (first day, last day, precision).

    >>> parse_partial_date("1972-02")[1].date()
    datetime.date(1972, 2, 29)
    """
    match = _ISO_PARTIAL.match(str(text).strip())
    if not match:
        raise ValueError(f"not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD): {text!r}")
    year, month, day = match.groups()
    y = int(year)
    if day:
        first = pd.Timestamp(int(year), int(month), int(day))
        return first, first, "day"
    if month:
        m = int(month)
        return pd.Timestamp(y, m, 1), pd.Timestamp(y, m, calendar.monthrange(y, m)[1]), "month"
    return pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31), "year"


def format_partial_date(text: str) -> str:
    """A reader's form of an ISO partial date: ``21 Feb 1972``, ``Feb 1972`` or ``1972``."""
    first, _, precision = parse_partial_date(text)
    if precision == "day":
        return f"{first.day} {first:%b %Y}"
    if precision == "month":
        return f"{first:%b %Y}"
    return f"{first:%Y}"


def _split(value) -> list[str]:
    """Split a semicolon-separated cell into a list, dropping blanks."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(";") if part.strip()]


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    file, key = TABLES[name]
    path = data_dir() / file
    if not path.is_file():
        raise DataError(f"{file} is missing from {path.parent}.")
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if table.empty:
        raise DataError(f"{file} has no rows.")
    if key is not None:
        duplicated = table[key][table[key].duplicated()].tolist()
        if duplicated:
            raise DataError(f"{file}: {key} values must be unique; repeated: {duplicated[:5]}")
    return table


#: Rows whose only sources are web pages are kept in data/ for the record with this confidence, and left out of
#: everything the lessons load: a fact shown to students rests on an authority (see data/README.md).
UNVERIFIED = "unverified"


@friendly
def load_table(name: str, include_unverified: bool = False) -> pd.DataFrame:
    """Load one table of ``data/`` by name (see ``TABLES``), as text columns; a fresh copy every call.

    Rows marked ``unverified`` (no authority found yet) are left out unless ``include_unverified`` is true.
    """
    name = choose_from(name, TABLES, "table")
    table = _read(name)
    if not include_unverified and "confidence" in table:
        table = table[table["confidence"] != UNVERIFIED].reset_index(drop=True)
    return table.copy()


def load_sources() -> pd.DataFrame:
    """Every source the collection cites, indexed by ``source_id``."""
    return load_table("sources").set_index("source_id", drop=False)


def load_events() -> pd.DataFrame:
    """The timeline of 1949–1980, one row per event, with parsed dates and the sources' titles.

    Added columns: ``start`` and ``end`` (first and last day the date can mean), ``date_label`` (as a reader
    writes it), ``year``, ``thread_label``, ``source_titles``.
    """
    events = load_table("events")
    bounds = events["date"].map(parse_partial_date)
    events["start"] = pd.to_datetime([b[0] for b in bounds])
    has_end = events["end_date"].str.len() > 0
    ends = events["end_date"].where(has_end, events["date"]).map(lambda d: parse_partial_date(d)[1])
    events["end"] = pd.to_datetime(list(ends))
    events["date_label"] = [
        format_partial_date(d) + (f" – {format_partial_date(e)}" if e else "")
        for d, e in zip(events["date"], events["end_date"])
    ]
    events["year"] = events["start"].dt.year
    events["thread_label"] = events["thread"].map(THREADS)
    titles = load_sources()["title"].to_dict()
    events["source_titles"] = events["source_ids"].map(
        lambda ids: "; ".join(titles.get(i, f"[unknown source {i}]") for i in _split(ids))
    )
    return events.sort_values(["start", "event_id"]).reset_index(drop=True)


@friendly
def load_grouped_events(by: str) -> pd.DataFrame:
    """The events of one grouping (see ``GROUPINGS``) with its column and ``<by>_note``: ``"theme"`` gives the
    events of the Sino-Soviet split by lesson 01's themes, ``"channel"`` the signals of 1969–1971 by channel
    (with ``sender`` and ``receiver``). Groupings are the collection's reading, not the sources'."""
    by = choose_from(by, GROUPINGS, "grouping")
    groups = load_table(GROUPINGS[by][0]).rename(columns={"note": f"{by}_note"})
    return load_events().merge(groups, on="event_id", how="inner").sort_values(["start", "event_id"]).reset_index(drop=True)


def load_split_events() -> pd.DataFrame:
    """Events of the Sino-Soviet split with lesson 01's ``theme`` (ideology, aid and technology, borders,
    third countries) and ``theme_note``; the themes are the collection's reading, not the sources'."""
    return load_grouped_events("theme")


def load_channel_events() -> pd.DataFrame:
    """Lesson 02: the messages, meetings and public signals of 1969–1971, with ``channel``, ``sender``,
    ``receiver`` and ``channel_note``."""
    return load_grouped_events("channel")


def load_people() -> pd.DataFrame:
    """The principal actors with their names in pinyin, Wade–Giles, characters and Russian."""
    return load_table("people")


def load_places() -> pd.DataFrame:
    """Every place an event names, with coordinates (``lat``, ``lon`` as numbers)."""
    places = load_table("places")
    places[["lat", "lon"]] = places[["lat", "lon"]].astype(float)
    return places


def load_triangle() -> pd.DataFrame:
    """Lesson 05: each pair of the strategic triangle (``us_ussr``, ``us_prc``, ``ussr_prc``) coded amity or enmity
    for every year 1949–1980, by the collection's own rule (``rp.triangle.coding_rule()``), with the events behind
    each decision; ``year`` as a number."""
    coding = load_table("triangle")
    coding["year"] = coding["year"].astype(int)
    return coding


#: The numeric series of data/, each a table with one figure per row and a ``figure_id``.
SERIES = ["trade", "troops", "un_votes", "recognition", "sino_soviet"]


@friendly
def load_series(name: str) -> pd.DataFrame:
    """A numeric series (``trade``, ``troops``, ``un_votes``, ``recognition``, ``sino_soviet``), numbers as numbers."""
    name = choose_from(name, SERIES, "series")
    table = load_table(name)
    for column in table.columns:
        if column in {"value", "value_low", "value_high", "yes", "no", "abstain", "count", "year"}:
            table[column] = pd.to_numeric(table[column].replace("", None))
    return table


#: The columns of people.csv that spell a person's name.
NAME_COLUMNS = ["name", "name_pinyin", "name_wade_giles", "name_chinese", "name_russian", "name_russian_latin"]


def normal_name(text: str) -> str:
    """A name folded for comparison: case, repeated spaces and typographic apostrophes ignored."""
    return re.sub(r"\s+", " ", text.strip().casefold().replace("’", "'"))


@friendly
def find_person(name: str) -> pd.DataFrame:
    """Look a person up by any spelling (pinyin, Wade–Giles, characters, Russian): ``find_person("Chou En-lai")``."""
    if not isinstance(name, str) or not name.strip():
        raise StudentInputError("give a name as text, for example find_person('Chou En-lai').")
    people = load_people()
    wanted = normal_name(name)
    hit = people[NAME_COLUMNS].apply(lambda col: col.map(normal_name) == wanted).any(axis=1)
    if not hit.any():
        every = sorted({s for col in NAME_COLUMNS for s in people[col] if s})
        close = difflib.get_close_matches(name.strip(), every, n=3, cutoff=0.6)
        hint = f" Close spellings: {', '.join(close)}." if close else ""
        raise StudentInputError(f"no person is spelled {name!r} in people.csv.{hint}")
    return people[hit]


@friendly
def document_text(document_id: str) -> str:
    """The text of a primary document in ``data/documents/`` (header stripped); excerpts mark their gaps ``[…]``."""
    documents = load_table("documents").set_index("document_id")
    document_id = choose_from(document_id, documents.index, "document")
    text = (data_dir() / "documents" / documents.loc[document_id, "file"]).read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1].strip() if text.startswith("---\n") else text


class Quotation:
    """A primary-source excerpt with its citation, shown as a block quote in a notebook."""

    def __init__(self, row: pd.Series, source: pd.Series):
        self.row, self.source = row, source

    def citation(self) -> str:
        row, source = self.row, self.source
        translated = "" if row["translation"] == "Not a translation" else f" Translation: {row['translation']}."
        return (f"{row['author']}, *{row['title']}*, {format_partial_date(row['date'])}. Original language: "
                f"{row['original_language']}.{translated} Quoted from: {source['publisher']}, {source['url']}.")

    def _repr_markdown_(self) -> str:
        quoted = "\n>\n".join(f"> {paragraph}" for paragraph in self.row["text"].split("\n\n"))
        label = "translation" if self.row["translation"] != "Not a translation" else "original English"
        return f"**{self.row['perspective']} source ({label}).** {self.row['context']}\n\n{quoted}\n\n— {self.citation()}"

    def __str__(self) -> str:
        return f"{self.row['text']}\n— {self.citation()}"

    __repr__ = __str__  # the plain-text form a notebook stores: the quotation, not a memory address


@friendly
def quotation(excerpt_id: str) -> Quotation:
    """A primary-source excerpt from ``data/excerpts.csv`` with its full citation: ``quotation("a1")``."""
    excerpts = load_table("excerpts").set_index("excerpt_id")
    excerpt_id = choose_from(excerpt_id, excerpts.index, "excerpt")
    row = excerpts.loc[excerpt_id]
    return Quotation(row, load_sources().loc[row["source_id"]])


def split_list(value) -> list[str]:
    """Public form of the semicolon-list splitter, for notebooks that explore ``actors`` or ``source_ids``."""
    return _split(value)
