"""The strategic triangle as a model: three powers, the relation of each pair, and the configuration they make.

Lowell Dittmer, "The Strategic Triangle: An Elementary Game-Theoretical Analysis" (World Politics, 1981), reads the
triangle of Washington, Moscow and Beijing from each pair's relation, amity or enmity. His abstract names three
configurations: the **ménage à trois** (good relations among all three), the **stable marriage** (one pair against
the third) and the **romantic triangle** (one pivot playing off two others). Three relations with two values each
give eight codings; the fourth shape, enmity all round, is called the **unit veto** in the literature that built on
Dittmer (a name not yet confirmed in an authority here). Positions use the role names credited to Yu-Shan Wu (1996)
in a table seen only in a web copy (not confirmed in an authority here): *friend* (ménage à trois), *pivot* and
*wing* (romantic triangle), *partner* and *outcast* (stable marriage), *enemy* (unit veto).

Every coding gives exactly one configuration (a property test checks all eight). ``configuration`` works for any
coding; a coded history is a table of ``year, pair, relation, basis, event_ids, note`` rows, where ``basis`` is
``event`` for a coding decision resting on that year's events and ``carried`` for a year that keeps the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pandas as pd

from .data import load_events, load_triangle, split_list
from .messages import StudentInputError, choose_from, friendly, whole_number

#: The three powers, in the order their corners are drawn.
POWERS: dict[str, str] = {"us": "United States", "ussr": "Soviet Union", "prc": "China (PRC)"}
#: The three pairs, as data/triangle.csv names them.
PAIRS: dict[str, tuple[str, str]] = {"us_ussr": ("us", "ussr"), "us_prc": ("us", "prc"), "ussr_prc": ("ussr", "prc")}
RELATIONS = ("amity", "enmity")
CONFIGURATIONS = ("ménage à trois", "romantic triangle", "stable marriage", "unit veto")


@dataclass(frozen=True)
class Configuration:
    """A configuration and each power's position in it."""

    name: str
    positions: dict[str, str]

    @property
    def pivot(self) -> str | None:
        return next((p for p, role in self.positions.items() if role == "pivot"), None)

    def describe(self) -> str:
        roles = ", ".join(f"{POWERS[p]}: {role}" for p, role in self.positions.items())
        return f"{self.name} ({roles})"


def _relation(value, pair: str) -> str:
    if isinstance(value, bool):
        return "amity" if value else "enmity"
    return choose_from(value, RELATIONS, f"the relation of {pair}")


def configuration(relations: dict[str, object]) -> Configuration:
    """The configuration for ``{"us_ussr": "enmity", "us_prc": "amity", "ussr_prc": "enmity"}`` (True means amity)."""
    if not isinstance(relations, dict) or set(relations) != set(PAIRS):
        raise StudentInputError(f"give the relation of each of the three pairs: {', '.join(PAIRS)}.")
    friendly = {pair for pair, value in relations.items() if _relation(value, pair) == "amity"}
    friends = {power: sum(power in PAIRS[pair] for pair in friendly) for power in POWERS}
    if len(friendly) == 3:
        return Configuration("ménage à trois", {p: "friend" for p in POWERS})
    if len(friendly) == 2:
        return Configuration("romantic triangle", {p: "pivot" if friends[p] == 2 else "wing" for p in POWERS})
    if len(friendly) == 1:
        return Configuration("stable marriage", {p: "partner" if friends[p] else "outcast" for p in POWERS})
    return Configuration("unit veto", {p: "enemy" for p in POWERS})


def every_coding() -> list[dict[str, str]]:
    """All eight ways to code the three pairs."""
    return [dict(zip(PAIRS, values)) for values in product(RELATIONS, repeat=3)]


def all_configurations() -> pd.DataFrame:
    """The eight codings of the three pairs, each with its configuration and every power's position."""
    rows = []
    for coding in every_coding():
        shape = configuration(coding)
        rows.append({**coding, "configuration": shape.name, **{POWERS[p]: role for p, role in shape.positions.items()}})
    return pd.DataFrame(rows)


# --- a coded history ----------------------------------------------------------------------------------------

#: The collection's coding rule (not Dittmer's): the kinds of event that decide a pair's relation in a year.
#: Key -> (relation, what counts). A year with none of these keeps the last decision ("carried"). Not counted:
#: talks, visits and meetings without a signed text or a joint text of leaders or foreign ministers (a text agreed by
#: ambassadors is not enough), an armistice, a measure lifted, a statement about third countries. If a year has events
#: of both kinds, the latest decides. Lesson 05 and data/README.md state the same rule in prose.
CLAUSES: dict[str, tuple[str, str]] = {
    "fighting": ("enmity", "the two states' forces fight each other"),
    "threat": ("enmity", "one threatens the other with force: in a message to its leader, a public warning, or an "
                         "act of its legislature"),
    "measure": ("enmity", "one takes a measure against the other: freezing its assets, an embargo, a blockade, a "
                          "boycott, detaining its diplomats or consuls"),
    "withdrawal": ("enmity", "one withdraws a promise or aid it had given the other, or gives notice to end a "
                             "treaty with it"),
    "summit_breaks_up": ("enmity", "a summit meeting of the two breaks up without agreement"),
    "open_break": ("enmity", "the two ruling parties break with each other in open polemics"),
    "relations": ("amity", "the two governments establish diplomatic relations or offices in each other's capitals"),
    "agreement": ("amity", "the two governments sign a treaty or agreement to which both are parties, or their "
                           "leaders (heads of state or government, or ruling-party leaders) or foreign ministers "
                           "issue a joint communiqué, statement or announcement"),
}
def coding_rule() -> pd.DataFrame:
    """The coding rule as a table: each kind of event that decides a year, and the relation it gives."""
    return pd.DataFrame([{"clause": key, "relation": relation, "an event counts when": text}
                         for key, (relation, text) in CLAUSES.items()])


def _coding(coding: pd.DataFrame | None) -> pd.DataFrame:
    if coding is None:
        return load_triangle()
    if not isinstance(coding, pd.DataFrame) or not {"year", "pair", "relation", "basis"} <= set(coding.columns):
        raise StudentInputError("give a coding table with the columns year, pair, relation and basis, such as "
                                "rp.load_triangle().")
    return coding


def _history(coding: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for year, group in coding.groupby("year", sort=True):
        relations = dict(zip(group["pair"], group["relation"]))
        if set(relations) != set(PAIRS):
            raise StudentInputError(f"{year} does not code all three pairs ({', '.join(PAIRS)}).")
        shape = configuration(relations)
        rows.append({"year": int(year), **relations, "configuration": shape.name, "pivot": shape.pivot or "",
                     **{f"{p}_position": role for p, role in shape.positions.items()}})
    return pd.DataFrame(rows)


def _year(coding: pd.DataFrame, year) -> int:
    years = coding["year"].astype(int)
    return whole_number(year, "the year", int(years.min()), int(years.max()))


def _flip(coding: pd.DataFrame, pair, year) -> pd.DataFrame:
    pair = choose_from(pair, PAIRS, "the pair")
    year = _year(coding, year)
    mine = coding[coding["pair"] == pair].sort_values("year")
    chosen = sorted(set(mine.loc[mine["basis"] == "event", "year"].astype(int)))
    if year not in chosen:
        raise StudentInputError(f"{year} is not a coding decision for {pair}: its decisions are in "
                                f"{', '.join(map(str, chosen))}.")
    span = [year]
    for row in mine[mine["year"].astype(int) > year].itertuples():
        if row.basis != "carried":
            break
        span.append(int(row.year))
    changed = coding.copy()
    rows = (changed["pair"] == pair) & changed["year"].astype(int).isin(span)
    changed.loc[rows, "relation"] = changed.loc[rows, "relation"].map({"amity": "enmity", "enmity": "amity"})
    return changed


@friendly
def history(coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per year (of ``data/triangle.csv`` unless a coding table is given): the three relations, the
    configuration and each power's position."""
    return _history(_coding(coding))


@friendly
def decisions(coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coding decisions: rows that rest on an event of that year (``basis == "event"``); the rest carry one."""
    coding = _coding(coding)
    return coding[coding["basis"] == "event"].sort_values(["pair", "year"]).reset_index(drop=True)


@friendly
def flip(pair: str, year: int, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """The coding with one decision reversed: ``pair``'s relation in ``year`` and every later year carried from it."""
    return _flip(_coding(coding), pair, year)


@friendly
def sensitivity(pair: str, year: int, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """The years whose configuration or pivot changes when one coding decision is reversed, before and after."""
    coding = _coding(coding)
    before, after = _history(coding), _history(_flip(coding, pair, year))
    merged = before[["year", "configuration", "pivot"]].merge(after[["year", "configuration", "pivot"]], on="year",
                                                              suffixes=("_as_coded", "_if_reversed"))
    return merged[(merged["configuration_as_coded"] != merged["configuration_if_reversed"])
                  | (merged["pivot_as_coded"] != merged["pivot_if_reversed"])].reset_index(drop=True)


def _justification(coding: pd.DataFrame, year: int, events: pd.DataFrame) -> pd.DataFrame:
    rows = coding[coding["year"].astype(int) == year]

    def named(ids: str) -> str:
        return "; ".join(f"{i}: {events.at[i, 'date_label']}, {events.at[i, 'title']}" if i in events.index else i
                         for i in split_list(ids))
    return pd.DataFrame({"pair": [f"{POWERS[PAIRS[p][0]]}–{POWERS[PAIRS[p][1]]}" for p in rows["pair"]],
                         "relation": rows["relation"].tolist(), "basis": rows["basis"].tolist(),
                         "events": [named(ids) for ids in rows["event_ids"]],
                         "note": rows["note"].tolist() if "note" in rows else ""}).reset_index(drop=True)


@friendly
def justification(year: int, coding: pd.DataFrame | None = None) -> pd.DataFrame:
    """For one year, each pair's relation and the events behind it, with their dates and titles (a carried row
    names the event of the decision it carries)."""
    coding = _coding(coding)
    return _justification(coding, _year(coding, year), load_events().set_index("event_id"))
