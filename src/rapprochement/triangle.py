"""The strategic triangle as a model: three powers, the relation of each pair, and the configuration they make.

Lowell Dittmer, "The Strategic Triangle: An Elementary Game-Theoretical Analysis" (World Politics, 1981), reads the
triangle of Washington, Moscow and Beijing from each pair's relation, amity or enmity. His abstract names three
configurations: the **ménage à trois** (good relations among all three), the **stable marriage** (one pair against
the third) and the **romantic triangle** (one pivot playing off two others). Three relations with two values each
give eight codings; the fourth shape, enmity all round, is called the **unit veto** in the literature that built on
Dittmer (a name not yet confirmed in an authority here). Positions use Yu-Shan Wu's names for the roles: *friend*
(ménage à trois), *pivot* and *wing* (romantic triangle), *partner* and *outcast* (stable marriage), *enemy* (unit
veto).

Every coding gives exactly one configuration (a property test checks all eight). ``configuration`` works for any
coding; a coded history is a table of ``year, pair, relation, basis, event_ids, note`` rows, where ``basis`` is
``event`` for a coding decision resting on that year's events and ``carried`` for a year that keeps the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pandas as pd

from .data import split_list
from .messages import StudentInputError, choose_from

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


# --- a coded history ----------------------------------------------------------------------------------------

def history(coding: pd.DataFrame) -> pd.DataFrame:
    """One row per year of a coding table (columns ``year``, ``pair``, ``relation``): the three relations, the
    configuration and each power's position."""
    rows = []
    for year, group in coding.groupby("year", sort=True):
        relations = dict(zip(group["pair"], group["relation"]))
        if set(relations) != set(PAIRS):
            raise StudentInputError(f"{year} does not code all three pairs ({', '.join(PAIRS)}).")
        shape = configuration(relations)
        rows.append({"year": int(year), **relations, "configuration": shape.name, "pivot": shape.pivot or "",
                     **{f"{p}_position": role for p, role in shape.positions.items()}})
    return pd.DataFrame(rows)


def decisions(coding: pd.DataFrame) -> pd.DataFrame:
    """The coding decisions: rows that rest on an event that year (``basis == "event"``); the rest carry one forward."""
    return coding[coding["basis"] == "event"].sort_values(["pair", "year"]).reset_index(drop=True)


def flip(coding: pd.DataFrame, pair: str, year: int) -> pd.DataFrame:
    """The coding with one decision reversed: ``pair``'s relation in ``year`` and every later year carried from it."""
    pair = choose_from(pair, PAIRS, "the pair")
    mine = coding[coding["pair"] == pair].sort_values("year")
    if int(year) not in set(mine.loc[mine["basis"] == "event", "year"].astype(int)):
        raise StudentInputError(f"{year} is not a coding decision for {pair}; the decisions are in decisions(...).")
    changed = coding.copy()
    following = mine[mine["year"].astype(int) >= int(year)]
    span = [int(year)]
    for row in following.iloc[1:].itertuples():
        if row.basis != "carried":
            break
        span.append(int(row.year))
    rows = (changed["pair"] == pair) & changed["year"].astype(int).isin(span)
    changed.loc[rows, "relation"] = changed.loc[rows, "relation"].map({"amity": "enmity", "enmity": "amity"})
    return changed


def sensitivity(coding: pd.DataFrame, pair: str, year: int) -> pd.DataFrame:
    """The years whose configuration changes when one coding decision is reversed, before and after."""
    before, after = history(coding), history(flip(coding, pair, year))
    merged = before[["year", "configuration", "pivot"]].merge(after[["year", "configuration", "pivot"]], on="year",
                                                              suffixes=("_as_coded", "_if_reversed"))
    return merged[(merged["configuration_as_coded"] != merged["configuration_if_reversed"])
                  | (merged["pivot_as_coded"] != merged["pivot_if_reversed"])].reset_index(drop=True)


def justification(coding: pd.DataFrame, year: int) -> pd.DataFrame:
    """For one year, each pair's relation and the events behind it (a carried row names the event that set it)."""
    rows = coding[coding["year"].astype(int) == int(year)]
    if rows.empty:
        raise StudentInputError(f"no coding for {year}; the coded years are {coding['year'].min()}–{coding['year'].max()}.")
    return rows.assign(event_ids=rows["event_ids"].map(split_list))[["pair", "relation", "basis", "event_ids", "note"]]
