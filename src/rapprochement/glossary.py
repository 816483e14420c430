"""Every name a student meets, under every spelling: ``rp.lookup("Peking")``, ``rp.lookup("Chou En-lai")``.

One index over three tables, none repeated in another: ``glossary.csv`` (organisations, documents, events, terms),
``people.csv`` (pinyin, Wade–Giles, characters, Russian) and ``places.csv`` (the names documents of the time used:
Peking, Formosa, Quemoy, Damansky...). Spellings are compared folded: case, accents, apostrophes, hyphens and spaces
are ignored, so "Chou En-lai", "chou enlai" and "CHOU EN LAI" are one name. Rows marked unverified are left out.
The exercise checks use the same index, so a name check accepts exactly the spellings this lookup knows.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
import unicodedata
from dataclasses import dataclass, field

from .data import NAME_COLUMNS, load_places, load_sources, load_table, split_list
from .messages import StudentInputError, friendly


def fold(text: str) -> str:
    """A spelling folded for comparison: no case, accents, apostrophes, hyphens, dots, commas or spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return re.sub(r"[\s'’‘`\-–—.·,]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


@dataclass
class Entry:
    """One glossary entry: a person, a place, an organisation, a document, an event or a term."""

    entry_id: str
    kind: str
    name: str
    spellings: list[str] = field(default_factory=list)
    definition: str = ""
    source_ids: list[str] = field(default_factory=list)
    note: str = ""

    def all_spellings(self) -> list[str]:
        return list(dict.fromkeys([self.name, *self.spellings]))

    def __str__(self) -> str:
        others = "; ".join(s for s in self.spellings if s != self.name)
        return f"{self.name} ({self.kind}). {self.definition}" + (f" Also written: {others}." if others else "")

    def _repr_html_(self) -> str:
        titles = load_sources()["title"].to_dict()
        sources = "; ".join(html.escape(titles.get(s, s)) for s in self.source_ids)
        others = ", ".join(html.escape(s) for s in self.spellings if s != self.name)
        return (f'<div role="note"><b>{html.escape(self.name)}</b> <i>({self.kind})</i><br>'
                f"{html.escape(self.definition)}"
                + (f"<br>Also written: {others}" if others else "")
                + (f"<br><small>Sources: {sources}</small>" if sources else "") + "</div>")


def _without_parentheses(name: str) -> list[str]:
    """ "Chinese Communist Party (CCP)" is also "Chinese Communist Party" and "CCP"."""
    inside = re.findall(r"\(([^)]+)\)", name)
    outside = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return [outside, *inside] if inside else []


@functools.lru_cache(maxsize=1)
def entries() -> tuple[Entry, ...]:
    """Every entry of the three tables (unverified rows left out), glossary terms first."""
    found: list[Entry] = []
    for row in load_table("glossary").itertuples():
        if row.confidence == "unverified":
            continue
        spellings = [*split_list(row.spellings), *_without_parentheses(row.name), row.chinese_simplified,
                     row.chinese_traditional, row.russian, row.russian_latin]
        found.append(Entry(row.term_id, row.kind, row.name, [s for s in spellings if s], row.definition,
                           split_list(row.source_ids), row.note))
    roles = load_table("roles").groupby("person_id")["role"].apply(list).to_dict()
    for row in load_table("people").itertuples():
        if row.confidence == "unverified":
            continue
        spellings = [getattr(row, c) for c in NAME_COLUMNS if getattr(row, c)]
        if row.country not in ("PRC", "ROC"):  # "Kissinger", "Brezhnev": Western and Russian surnames come last
            spellings.append(row.name.split()[-1])
        life = f"{row.born[:4] or '?'}–{row.died[:4]}" if row.died else f"born {row.born[:4]}" if row.born else ""
        held = "; ".join(roles.get(row.person_id, [])[:3])
        found.append(Entry(row.person_id, "person", row.name, spellings,
                           f"{row.name} ({life}), {row.country}" + (f": {held}." if held else "."),
                           split_list(row.source_ids)))
    for row in load_places().itertuples():
        spellings = [v for s in split_list(row.alt_names) for v in [s, *_without_parentheses(s)] if v]
        article = "an" if row.kind[:1] in "aeiou" else "a"
        found.append(Entry(row.place_id, "place", row.name, spellings,
                           f"{row.name}: {article} {row.kind} ({row.country_1970}).", split_list(row.source_ids)))
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in entries():
        for spelling in [entry.entry_id, *entry.all_spellings()]:
            index.setdefault(fold(spelling), entry)  # a glossary term keeps a spelling a later table repeats
    return index


def find(name: str) -> Entry | None:
    """The entry spelled ``name`` (any spelling, folded), or None."""
    return _index().get(fold(name)) if isinstance(name, str) and name.strip() else None


@friendly
def lookup(name: str) -> Entry:
    """Look up any person, place, organisation, document or term by any spelling: ``rp.lookup("Formosa")``."""
    if not isinstance(name, str) or not name.strip():
        raise StudentInputError("give a name as text, for example rp.lookup('Peking').")
    entry = find(name)
    if entry is None:
        every = sorted({s for e in entries() for s in e.all_spellings()})
        close = difflib.get_close_matches(name.strip(), every, n=3, cutoff=0.6)
        hint = f" Close spellings: {', '.join(close)}." if close else ""
        raise StudentInputError(f"the glossary has no entry spelled {name!r}.{hint}")
    return entry


def spellings(name: str) -> list[str]:
    """Every spelling of the entry ``name`` names (itself included), or [] when no entry has that spelling."""
    entry = find(name)
    return entry.all_spellings() if entry else []
