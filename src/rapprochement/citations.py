"""Footnotes for the lessons' prose: citation marks that name rows of ``data/``, and the References they generate.

An author writes a mark after the sentence it supports, naming one or more ids of the data:

    ... on Zhenbao Island in the Ussuri River.[@ev059]
    ... "approximately 1500".[@s2; @ss012]

``python -m rapprochement.citations --write notebooks/*.ipynb`` (``make references``) turns every mark into a
numbered superscript link, ``<sup>[3](#ref-ev059)</sup>``, which JupyterLab, GitHub and nbconvert all draw as a
footnote number without an extension, and rewrites the lesson's last cell, *References*: one numbered note per
cited id, in order of first citation, and a bibliography of every source behind them, in Chicago
notes-bibliography style. Running it again renumbers; the rendered marks are read back as well as written.

A sentence of prose that has a year, a number or quotation marks states a fact and must carry a mark. A sentence
that is deliberately uncited (a question to students, a date in an instruction) says so with an HTML comment,
which readers never see: ``Try the years 1956 to 1969.<!-- uncited: instruction -->``. Headings, the References
cell and the items under a *Further reading* heading (themselves references) are not checked.

``python -m rapprochement.citations --check notebooks/*.ipynb`` lists every problem; the tests run the same check.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from .data import TABLES, UNVERIFIED, load_table, parse_partial_date

#: The tables a mark may cite, each with what its rows are called in a note.
CITABLE: dict[str, str] = {
    "events": "Event",
    "sino_soviet": "Figure",
    "trade": "Figure",
    "troops": "Figure",
    "un_votes": "Figure",
    "recognition": "Figure",
    "excerpts": "Excerpt",
    "documents": "Document",
    "people": "Person",
    "places": "Place",
    "sources": "Source",
}

REFERENCES_TAG = "references"
REFERENCES_HEADING = "## References"
GENERATED_NOTE = ("<!-- Generated from the citation marks above by `python -m rapprochement.citations --write` "
                  "(make references). Do not edit by hand: edit the marks or data/, then regenerate. -->")

# An author's mark: [@id] or [@id; @id]. A rendered mark: <sup>[1](#ref-id),[2](#ref-id)</sup>.
AUTHOR_MARK = re.compile(r"\[(@[^\]]*)\]")
RENDERED_MARK = re.compile(r"<sup>((?:\[\d+\]\(#ref-[^)\s]+\),?\s*)+)</sup>")
RENDERED_LINK = re.compile(r"\[\d+\]\(#ref-([^)\s]+)\)")
UNCITED = re.compile(r"<!--\s*uncited:?(.*?)-->", re.S)
COMMENT = re.compile(r"<!--.*?-->", re.S)
ID_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


class CitationError(ValueError):
    """A mark that cannot be rendered: it names an id that is not in data/, or is malformed."""


@dataclass(frozen=True)
class Cited:
    """One citable row: which table it is in, and the row itself."""

    table: str
    row: dict

    @property
    def source_ids(self) -> list[str]:
        raw = self.row.get("source_ids") or self.row.get("source_id") or ""
        return [part.strip() for part in raw.split(";") if part.strip()]


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Cited]:
    """Every citable id in data/, unverified rows included (so that citing one gives a clear message)."""
    found: dict[str, Cited] = {}
    for table in CITABLE:
        key = TABLES[table][1]
        for row in load_table(table, include_unverified=True).to_dict("records"):
            if row[key] in found:
                raise CitationError(f"the id {row[key]!r} is used in both {found[row[key]].table} and {table}")
            found[row[key]] = Cited(table, row)
    return found


def _ids_of(mark_text: str) -> list[str]:
    """The ids inside an author's mark ``@a; @b``."""
    parts = [part.strip() for part in mark_text.split(";")]
    if not parts or any(not p.startswith("@") or not ID_SHAPE.match(p[1:]) for p in parts):
        raise CitationError(f"a citation mark is written [@id] or [@id; @id], not [{mark_text}]")
    return [p[1:] for p in parts]


def marks_in(text: str) -> list[tuple[re.Match, list[str]]]:
    """Every citation mark in a cell's text, author's or rendered, in order, with the ids it names."""
    found = [(m, _ids_of(m.group(1))) for m in AUTHOR_MARK.finditer(text)]
    found += [(m, RENDERED_LINK.findall(m.group(1))) for m in RENDERED_MARK.finditer(text)]
    return sorted(found, key=lambda pair: pair[0].start())


# --- Formatting, Chicago notes-bibliography ---------------------------------------------------------------------

def chicago_date(text: str) -> str:
    """``1972-03-03`` -> ``March 3, 1972``; ``1972-03`` -> ``March 1972``; empty -> ``n.d.``"""
    if not text:
        return "n.d."
    first, _, precision = parse_partial_date(text)
    if precision == "day":
        return f"{MONTHS[first.month - 1]} {first.day}, {first.year}"
    if precision == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    return str(first.year)


def _md(text: str) -> str:
    """Text safe inside Markdown: characters that would start emphasis, links or HTML are escaped."""
    return re.sub(r"([\\*_\[\]<>`])", r"\\\1", str(text).strip())


def _title(text: str) -> str:
    """A title in Chicago's double quotation marks, with quotation marks inside it made single."""
    inner = str(text).strip().replace("“", "‘").replace("”", "’")
    inner = re.sub(r'"([^"]*)"', r"‘\1’", inner)
    return _md(inner)


def _stop(text: str) -> str:
    """``text`` ended with a full stop, unless it already ends a sentence."""
    return text if text.endswith((".", "?", "!")) else text + "."


def short_source(source: dict) -> str:
    """A source as a short note cites it: ``Author, “Title.”``"""
    return f"{_md(source['author'])}, “{_stop(_title(source['title']))}”"


def bibliography_entry(source: dict) -> str:
    """A source in full, as a bibliography lists it: ``Author. “Title.” Publisher, Date. <URL>.``"""
    published = ", ".join(part for part in (_md(source["publisher"]), chicago_date(source["date"])) if part)
    parts = [_stop(_md(source["author"])), f"“{_stop(_title(source['title']))}”", _stop(published)]
    if source.get("url"):
        parts.append(f"<{source['url']}>.")
    return " ".join(parts)


def _figure(row: dict) -> str:
    """A series figure in words: what, when, how much, and who says so."""
    if row.get("value") not in (None, ""):
        amount = row["value"]
    elif row.get("value_low") not in (None, ""):
        amount = f"{row['value_low']}–{row['value_high']}"
    else:  # the UN votes table counts yes, no and abstentions
        amount = f"{row.get('yes')} yes, {row.get('no')} no, {row.get('abstain')} abstaining"
    label = next(row[k] for k in ("indicator", "measure", "motion", "flow", "recognises") if row.get(k))
    period = chicago_date(str(row.get("date") or row.get("year")))
    if row.get("date_end"):
        period = f"{period} to {chicago_date(row['date_end'])}"
    claimant = f"; claimant: {_md(row['claimant'])}" if row.get("claimant") else ""
    return (f"`{label}`, {period}: {_md(amount)} {_md(row['unit'])}; reported by "
            f"{_md(row['reported_by'])}{claimant}")


def _what(cited: Cited) -> str:
    """The row a note cites, described in its own words."""
    row, table = cited.row, cited.table
    if table == "events":
        return f"“{_title(row['title'])},” {chicago_date(row['date'])}"
    if table == "excerpts":
        return f"{_md(row['author'])}, “{_title(row['title'])},” {chicago_date(row['date'])}"
    if table == "documents":
        return f"“{_title(row['short_title'])},” {chicago_date(row['date'])}, text in data/documents/{row['file']}"
    if table in ("people", "places"):
        return _md(row["name"])
    return _figure(row)


def note(identifier: str) -> str:
    """The note for one cited id: the row it names, where it is, and the short form of each of its sources."""
    cited = catalogue()[identifier]
    if cited.table == "sources":
        return f"Source `{identifier}` in [data/sources.csv](../data/sources.csv): {short_source(cited.row)}"
    sources = catalogue_sources()
    file = TABLES[cited.table][0]
    behind = "; ".join(short_source(sources[s]) if s in sources else f"[missing source {s}]"
                       for s in cited.source_ids)
    label = "Source" if len(cited.source_ids) == 1 else "Sources"
    return (f"{CITABLE[cited.table]} `{identifier}` in [data/{file}](../data/{file}): {_what(cited)}. "
            f"{label}: {behind}")


def catalogue_sources() -> dict[str, dict]:
    return {i: c.row for i, c in catalogue().items() if c.table == "sources"}


def sources_behind(identifiers: list[str]) -> list[str]:
    """Every source id the cited ids rest on (a cited source stands for itself), without repeats."""
    out: list[str] = []
    for identifier in identifiers:
        cited = catalogue()[identifier]
        for source_id in [identifier] if cited.table == "sources" else cited.source_ids:
            if source_id not in out:
                out.append(source_id)
    return out


def references_markdown(identifiers: list[str]) -> str:
    """The References cell: numbered notes in order of first citation, then the bibliography."""
    lines = [REFERENCES_HEADING, "", GENERATED_NOTE, ""]
    if not identifiers:
        return "\n".join(lines + ["This lesson cites nothing yet."])
    lines += ["Each number in the text leads to a note here: the row of the collection's data that the sentence "
              "rests on, and the sources of that row. The bibliography lists every source in full.", "",
              "### Notes", ""]
    lines += [f"{n}. <a id=\"ref-{identifier}\"></a>{note(identifier)}" for n, identifier in enumerate(identifiers, 1)]
    sources = catalogue_sources()
    entries = sorted((bibliography_entry(sources[s]) for s in sources_behind(identifiers) if s in sources),
                     key=lambda e: e.casefold().lstrip("\\“‘\"'"))
    lines += ["", "### Bibliography", ""] + [f"- {entry}" for entry in entries]
    return "\n".join(lines)


# --- Reading and writing lessons -------------------------------------------------------------------------------

def is_references_cell(cell) -> bool:
    return cell.cell_type == "markdown" and (REFERENCES_TAG in cell.metadata.get("tags", [])
                                             or cell.source.lstrip().startswith(REFERENCES_HEADING))


def prose_cells(nb) -> list:
    """The markdown cells whose sentences are checked and whose marks are numbered."""
    return [cell for cell in nb.cells if cell.cell_type == "markdown" and not is_references_cell(cell)]


def cited_ids(nb) -> list[str]:
    """Every id the lesson cites, in order of first citation."""
    order: list[str] = []
    for cell in prose_cells(nb):
        for _, ids in marks_in(cell.source):
            for identifier in ids:
                if identifier not in order:
                    order.append(identifier)
    return order


def rendered(nb) -> nbformat.NotebookNode:
    """A copy of the lesson with every mark rendered and numbered and its References cell regenerated."""
    nb = nbformat.from_dict(nb)
    known = catalogue()
    unknown = [i for i in cited_ids(nb) if i not in known]
    if unknown:
        raise CitationError("; ".join(_unknown_message(i) for i in unknown))
    order = cited_ids(nb)
    number = {identifier: n for n, identifier in enumerate(order, 1)}
    for cell in prose_cells(nb):
        pieces, last = [], 0
        for match, ids in marks_in(cell.source):
            links = ",".join(f"[{number[i]}](#ref-{i})" for i in dict.fromkeys(ids))  # each id once
            pieces += [cell.source[last:match.start()], f"<sup>{links}</sup>"]
            last = match.end()
        cell.source = "".join(pieces) + cell.source[last:]
    references = [cell for cell in nb.cells if is_references_cell(cell)]
    if references:
        cell = references[0]
        nb.cells = [c for c in nb.cells if not is_references_cell(c) or c is cell]
    else:
        cell = nbformat.v4.new_markdown_cell("")
        nb.cells.append(cell)
    cell.source = references_markdown(order)
    cell.metadata["tags"] = [REFERENCES_TAG]
    nb.cells.remove(cell)
    nb.cells.append(cell)  # the References always close the lesson
    return nb


def _unknown_message(identifier: str) -> str:
    close = difflib.get_close_matches(identifier, list(catalogue()), n=3, cutoff=0.7)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"[@{identifier}] names no row of data/{hint}"


# --- The check: every factual sentence carries a mark -----------------------------------------------------------

CITE_TOKEN, UNCITED_TOKEN = "\u27e6cite\u27e7", "\u27e6uncited\u27e7"
ABBREVIATIONS = {"p", "pp", "vol", "vols", "no", "nos", "ed", "eds", "e.g", "i.e", "cf", "dr", "mr", "mrs", "st",
                 "a.m", "p.m", "u.s", "u.n", "doc", "trans", "transl", "fig", "c", "ca", "jr", "gen", "lt", "col"}
YEAR_OR_NUMBER = re.compile(r"\d|\b(?:eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|"
                            r"seven|eigh|nine)ty|hundreds?|thousands?|millions?|billions?|dozens?)\b", re.I)
QUOTATION = re.compile(r"[\"“”«»]")
# The collection's own labels are not facts: "lesson 01", "notebook 00", "question 2", "exercise 1.3".
LABEL = re.compile(r"\b(?:lesson|notebook|question|exercise|exercises|part)s?\s+\d+(?:\.\d+)?\b", re.I)


def plain_text(source: str) -> str:
    """A cell's prose as a reader sees it, with marks and uncited-comments kept as tokens."""
    text = re.sub(r"^```.*?^```", "", source, flags=re.S | re.M)  # code blocks
    text = AUTHOR_MARK.sub(CITE_TOKEN, text)
    text = RENDERED_MARK.sub(CITE_TOKEN, text)
    text = UNCITED.sub(UNCITED_TOKEN, text)
    text = COMMENT.sub("", text)
    text = re.sub(r"`[^`]*`", "code", text)  # code spans: names and paths, not facts
    text = re.sub(r"<https?://[^>]+>", "link", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # keep a link's text, drop its target
    text = re.sub(r"<[^>]+>", "", text)  # other inline HTML
    return text


def units(source: str) -> list[str]:
    """The paragraphs, list items and table rows of a cell, each as one line of text; headings and the items
    under a *Further reading* heading left out."""
    found, current, skipping = [], [], False

    def close():
        if current:
            found.append(" ".join(current))
            current.clear()

    for line in plain_text(source).splitlines():
        stripped = re.sub(r"^\s*(?:>\s?)+", "", line).strip()
        if stripped.startswith("#"):
            close()
            skipping = bool(re.match(r"#+\s*further reading", stripped, re.I))
            continue
        if not stripped:
            close()
            continue
        if skipping:
            continue
        if re.match(r"^(?:[-*+]|\d+\.)\s+", stripped) or stripped.startswith("|"):
            close()
            stripped = re.sub(r"^(?:[-*+]|\d+\.)\s+", "", stripped)
        current.append(stripped)
    close()
    # A quotation's attribution ("— Author, date") is part of the quotation's sentence.
    merged: list[str] = []
    for unit in found:
        if merged and unit.startswith("—"):
            merged[-1] += " " + unit
        else:
            merged.append(unit)
    return merged


def sentences(unit: str) -> list[str]:
    """Split a paragraph into sentences. A mark or uncited-comment after the full stop belongs to the sentence
    before it; a full stop after an abbreviation or an initial ends nothing."""
    closers = f"[\"”’*_)\\]]|{CITE_TOKEN}|{UNCITED_TOKEN}"
    boundary = re.compile(rf"([.!?](?:{closers})*)\s+(?=[A-Z0-9\"“*_(‘{CITE_TOKEN[0]}]|—)")
    out, start = [], 0
    for match in boundary.finditer(unit):
        before = unit[start:match.start()].rsplit(None, 1)
        word = before[-1].strip("*_(\"“").lower() if before else ""
        closed = len(match.group(1)) > 1  # 'said "no."': a quotation mark after the stop ends the sentence
        if not closed and (word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        so_far = unit[start:match.end(1)]
        if so_far.count('"') % 2 or so_far.count("“") > so_far.count("”"):
            continue  # inside a quotation of several sentences: it ends where the quotation does
        if match.group(1).startswith(".") and unit[match.end():].startswith("—"):
            continue  # a quotation and its attribution are one sentence
        out.append(unit[start:match.end(1)].strip())
        start = match.end()
    out.append(unit[start:].strip())
    merged: list[str] = []
    for sentence in (s for s in out if s):
        if merged and re.fullmatch(r"(\*\*|\*|_)[^*_]+\1", merged[-1]):
            merged[-1] += " " + sentence  # a bold or italic label ("**21 February.**") belongs to what follows it
        else:
            merged.append(sentence)
    return merged


def is_factual(sentence: str) -> bool:
    """A sentence with a year, a number (in figures, or a word from "eleven" up) or quotation marks states a fact
    a reader may want to check."""
    text = LABEL.sub("", sentence.replace(CITE_TOKEN, "").replace(UNCITED_TOKEN, ""))
    return bool(YEAR_OR_NUMBER.search(text) or QUOTATION.search(text))


def uncited_sentences(source: str) -> list[str]:
    """The factual sentences of a cell that carry neither a mark nor an uncited-comment."""
    return [s for unit in units(source) for s in sentences(unit)
            if is_factual(s) and CITE_TOKEN not in s and UNCITED_TOKEN not in s]


def problems(path: Path) -> list[str]:
    """Everything wrong with a lesson's citations, each as a sentence that says what to fix."""
    nb = nbformat.read(path, as_version=4)
    found: list[str] = []
    known = catalogue()
    for index, cell in enumerate(nb.cells):
        if cell not in prose_cells(nb):
            continue
        where = f"{path.name}, cell {index}"
        try:
            marks = marks_in(cell.source)
        except CitationError as error:
            found.append(f"{where}: {error}")
            continue
        for _, ids in marks:
            for identifier in ids:
                if identifier not in known:
                    found.append(f"{where}: {_unknown_message(identifier)}")
                elif known[identifier].row.get("confidence") == UNVERIFIED:
                    found.append(f"{where}: [@{identifier}] is marked unverified in data/ (it rests on no "
                                 "authority yet); cite an authority instead")
        for comment in UNCITED.findall(cell.source):
            if not comment.strip():
                found.append(f"{where}: an uncited-comment must say why, e.g. <!-- uncited: instruction -->")
        for sentence in uncited_sentences(cell.source):
            shown = sentence if len(sentence) < 140 else sentence[:137] + "..."
            found.append(f"{where}: this sentence has a date, a number or a quotation but no citation mark; add "
                         f"[@id] after it, or <!-- uncited: why --> if it states no fact: {shown!r}")
    if not found:
        fresh = rendered(nb)
        if [c.source for c in fresh.cells] != [c.source for c in nb.cells]:
            found.append(f"{path.name}: its citation marks or References are not as generated; run "
                         "`make references` (python -m rapprochement.citations --write)")
    return found


def write(path: Path) -> bool:
    """Render the marks and regenerate the References of one lesson; true if the file changed."""
    nb = nbformat.read(path, as_version=4)
    fresh = rendered(nb)
    if [(c.source, c.metadata) for c in fresh.cells] == [(c.source, c.metadata) for c in nb.cells]:
        return False
    nbformat.write(fresh, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rapprochement.citations", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="render the marks and regenerate References")
    action.add_argument("--check", action="store_true", help="list every problem; exit 1 if there is one")
    args = parser.parse_args(argv)
    failures = 0
    for path in args.notebooks:
        if args.write:
            try:
                print(f"{path}: {'updated' if write(path) else 'up to date'}")
            except CitationError as error:
                print(f"{path}: {error}", file=sys.stderr)
                failures += 1
        else:
            for problem in problems(path):
                print(problem, file=sys.stderr)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
