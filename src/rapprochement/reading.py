"""Close reading: passages of the primary documents in data/documents/ side by side, the compared words marked.

    rp.side_by_side("shanghai-communique-1972", {"China": "The Chinese side", "United States": "The U.S. side"})
    rp.compare_documents(["shanghai-communique-1972", "joint-communique-1979"], containing="Taiwan")

Both return a :class:`SideBySide`, which a notebook shows as columns (HTML) and stores as plain text.
"""

from __future__ import annotations

import html
import re

from .data import document_text, load_table
from .messages import StudentInputError, as_list, choose_from, friendly


def paragraphs(document_id: str) -> list[str]:
    """The paragraphs of a document's text, without headings, editorial notes in italics or gap marks alone."""
    text = document_text(document_id)
    if not isinstance(text, str):  # a Problem: the id is unknown
        raise StudentInputError(text.message)
    text = text.split("\n## Notes", 1)[0]
    found = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(line.strip() for line in block.strip().splitlines())
        if not block or block.startswith("#") or re.fullmatch(r"\[…\]\s*\*[^*]*\*|\[…\]", block):
            continue
        found.append(block)
    return found


def _terms(highlight) -> list[str]:
    if highlight is None:
        return []
    if isinstance(highlight, str):
        highlight = [highlight]
    if not isinstance(highlight, (list, tuple)) or not all(isinstance(t, str) and t.strip() for t in highlight):
        raise StudentInputError("highlight should be a word or a list of words, such as ['acknowledges', 'one China'].")
    return [t.strip() for t in highlight]


class SideBySide:
    """Columns of passages, each with its label and source, the highlighted words marked."""

    def __init__(self, columns: dict[str, list[str]], highlight: list[str], title: str, sources: dict[str, str]):
        self.columns, self.highlight, self.title, self.sources = columns, highlight, title, sources

    def count(self, term: str) -> dict[str, int]:
        """How often ``term`` occurs in each column (case-insensitive)."""
        return {label: sum(p.lower().count(term.lower()) for p in ps) for label, ps in self.columns.items()}

    def _marked(self, text: str) -> str:
        escaped = html.escape(text)
        for term in sorted(self.highlight, key=len, reverse=True):
            escaped = re.sub(re.escape(html.escape(term)), lambda m: f"<mark>{m.group(0)}</mark>", escaped, flags=re.I)
        return escaped

    def _repr_html_(self) -> str:
        columns = "".join(
            f'<div style="flex:1;min-width:220px;padding:0 .6em;border-left:3px solid #0072B2">'
            f"<h4 style='margin:.2em 0'>{html.escape(label)}</h4>"
            + "".join(f"<p>{self._marked(p)}</p>" for p in passages)
            + f"<p style='font-size:85%;color:#555'>{html.escape(self.sources[label])}</p></div>"
            for label, passages in self.columns.items())
        counts = "; ".join(f"“{html.escape(t)}”: " + ", ".join(f"{html.escape(k)} {v}" for k, v in self.count(t).items())
                           for t in self.highlight)
        return (f"<div><b>{html.escape(self.title)}</b>"
                + (f"<br><span style='font-size:85%'>Marked words, times used: {counts}</span>" if counts else "")
                + f"<div style='display:flex;flex-wrap:wrap;gap:.6em;margin-top:.4em'>{columns}</div></div>")

    def __str__(self) -> str:
        parts = [self.title]
        for label, passages in self.columns.items():
            parts += [f"\n== {label} ({self.sources[label]}) =="] + passages
        return "\n".join(parts)

    __repr__ = __str__


def _source_line(document_id: str) -> str:
    row = load_table("documents").set_index("document_id").loc[document_id]
    return f"data/documents/{row['file']} ({row['date']})"


@friendly
def side_by_side(document_id: str = "shanghai-communique-1972", starts: dict[str, str] | None = None,
                 highlight=None, title: str = "") -> SideBySide:
    """One document's passages in columns: each column holds the passages that start with its phrase.

    The default sets the Shanghai Communiqué's Chinese and US statements side by side, as the two sides wrote them.
    """
    documents = load_table("documents")["document_id"]
    document_id = choose_from(document_id, list(documents), "document")
    starts = starts or {"China": "The Chinese side", "United States": "The U.S. side"}
    if not isinstance(starts, dict) or not all(isinstance(v, str) for v in starts.values()):
        raise StudentInputError("starts should be a dict of column label to opening words, such as "
                                "{'China': 'The Chinese side'}.")
    columns: dict[str, list[str]] = {label: [] for label in starts}
    for paragraph in paragraphs(document_id):
        # a paragraph may hold both sides' words: each column takes the part from its phrase to the next phrase
        found = sorted((m.start(), label) for label, start in starts.items()
                       for m in re.finditer(re.escape(start), paragraph, flags=re.I))
        for (at, label), (end, _) in zip(found, found[1:] + [(len(paragraph), "")]):
            columns[label].append(paragraph[at:end].strip())
    empty = [label for label, ps in columns.items() if not ps]
    if empty:
        raise StudentInputError(f"no passage of {document_id} contains the words given for {empty}.")
    name = load_table("documents").set_index("document_id").loc[document_id, "short_title"]
    return SideBySide(columns, _terms(highlight), title or f"{name}: each side's own words",
                      {label: _source_line(document_id) for label in columns})


@friendly
def compare_documents(document_ids=("shanghai-communique-1972", "joint-communique-1979", "taiwan-relations-act-1979"),
                      containing: str = "Taiwan", highlight=("acknowledge", "one China", "recogni"),
                      title: str = "") -> SideBySide:
    """The paragraphs of several documents that mention ``containing``, one column per document, oldest first."""
    documents = load_table("documents").set_index("document_id")
    document_ids = as_list(document_ids, "document_ids should be a list of ids from load_table('documents').")
    ids = [choose_from(d, list(documents.index), "document") for d in document_ids]
    if not isinstance(containing, str) or not containing.strip():
        raise StudentInputError("containing should be a word the passages must include, such as 'Taiwan'.")
    ids = sorted(ids, key=lambda d: documents.loc[d, "date"])
    columns = {documents.loc[d, "short_title"]: [p for p in paragraphs(d) if containing.lower() in p.lower()] for d in ids}
    sources = {documents.loc[d, "short_title"]: _source_line(d) for d in ids}
    return SideBySide(columns, _terms(highlight), title or f"Every passage that mentions “{containing}”", sources)
