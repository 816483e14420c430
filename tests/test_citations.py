"""Footnotes in the lessons: every mark names a row of data/, every factual sentence has one, References are fresh."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapprochement import citations
from tools.lessons import read_order

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [lesson["notebook"] for lesson in read_order()["lesson"]]


def _copy(tmp_path: Path, lesson: str, edit=None) -> Path:
    """A copy of a committed lesson, with ``edit(nb)`` applied to it."""
    nb = nbformat.read(ROOT / lesson, as_version=4)
    if edit:
        edit(nb)
    path = tmp_path / Path(lesson).name
    nbformat.write(nb, path)
    return path


# --- The committed lessons -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_is_fully_cited_and_its_references_are_fresh(lesson):
    assert citations.problems(ROOT / lesson) == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_ends_with_its_generated_references(lesson):
    nb = nbformat.read(ROOT / lesson, as_version=4)
    last = nb.cells[-1]
    assert citations.is_references_cell(last) and last.metadata["tags"] == ["references"]
    cited = citations.cited_ids(nb)
    assert cited, f"{lesson} cites nothing"
    anchors = re.findall(r'<a id="ref-([^"]+)"></a>', last.source)
    assert anchors == cited, "one note per cited id, in order of first citation"
    assert "[missing source" not in last.source
    assert "### Bibliography" in last.source and "<https://" in last.source


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_footnote_mark_leads_to_its_note_in_the_static_edition(lesson):
    """nbconvert's HTML (any static edition) draws each mark as a linked superscript with a target."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_filename(str(ROOT / lesson))
    links = re.findall(r'<sup><a href="#ref-([^"]+)">(\d+)</a>', body)
    targets = set(re.findall(r'id="ref-([^"]+)"', body))
    assert links, "no footnote marks rendered"
    assert {target for target, _ in links} <= targets
    assert "[@" not in html.unescape(body), "an author's mark was left unrendered"


# --- The check fails where it should -------------------------------------------------------------------------

def test_a_mark_naming_no_row_is_reported_with_the_closest_ids(tmp_path):
    def break_mark(nb):
        cell = next(c for c in citations.prose_cells(nb) if "#ref-ev059)" in c.source)
        cell.source = cell.source.replace("#ref-ev059)", "#ref-ev0599)", 1)
    path = _copy(tmp_path, "notebooks/01_sino_soviet_split.ipynb", break_mark)
    found = citations.problems(path)
    assert any("[@ev0599] names no row of data/" in p and "ev059" in p for p in found), found


def test_an_authors_mark_naming_no_row_stops_the_write(tmp_path):
    def add(nb):
        nb.cells[0].source += "\n\nIn 1972 Nixon went to China.[@ev9999]"
    path = _copy(tmp_path, "notebooks/00_start_here.ipynb", add)
    with pytest.raises(citations.CitationError, match="ev9999"):
        citations.write(path)


def test_a_factual_sentence_without_a_mark_is_reported(tmp_path):
    def add(nb):
        nb.cells[0].source += "\n\nNixon landed in Beijing on 21 February 1972. Then he met Mao."
    path = _copy(tmp_path, "notebooks/00_start_here.ipynb", add)
    found = citations.problems(path)
    assert len(found) == 1 and "Nixon landed in Beijing on 21 February 1972." in found[0], found
    assert "Then he met Mao" not in found[0], "a sentence without a date, number or quotation needs no mark"


@pytest.mark.parametrize("sentence", ['Zhou called it "a good thing".', "About 60,000 people fled.",
                                      "The talks opened in 1955.", "Nineteen years later they fought.",
                                      "Thousands of specialists worked there."])
def test_a_year_a_figure_or_a_quotation_makes_a_sentence_factual(sentence):
    assert citations.uncited_sentences(sentence) == [sentence]


@pytest.mark.parametrize("sentence", ["Run the cell below.", "Pick one thread and ten years.", "Read lesson 01 first."])
def test_a_sentence_without_a_year_a_figure_or_a_quotation_needs_no_mark(sentence):
    assert citations.uncited_sentences(sentence) == []


def test_an_uncited_comment_exempts_its_sentence_but_must_say_why(tmp_path):
    ok = "Try the years 1956 to 1969.<!-- uncited: instruction -->"
    assert citations.uncited_sentences(ok) == []

    def add(nb):
        nb.cells[0].source += "\n\nTry the years 1956 to 1969.<!-- uncited -->"
    found = citations.problems(_copy(tmp_path, "notebooks/00_start_here.ipynb", add))
    assert found and all("must say why" in p for p in found), found


def test_citing_an_unverified_row_is_reported(tmp_path):
    unverified = next(i for i, c in citations.catalogue().items() if c.row.get("confidence") == "unverified")

    def add(nb):
        nb.cells[0].source += f"\n\nA figure.[@{unverified}]"
    found = citations.problems(_copy(tmp_path, "notebooks/00_start_here.ipynb", add))
    assert any(f"[@{unverified}] is marked unverified" in p for p in found), found


def test_stale_references_are_reported(tmp_path):
    def tamper(nb):
        nb.cells[-1].source = nb.cells[-1].source.replace("### Notes", "### Notes\n\n0. A note typed by hand.")
    found = citations.problems(_copy(tmp_path, "notebooks/00_start_here.ipynb", tamper))
    assert found == ["00_start_here.ipynb: its citation marks or References are not as generated; run "
                     "`make references` (python -m rapprochement.citations --write)"]


def test_an_unrendered_mark_is_stale_until_written(tmp_path):
    def add(nb):
        nb.cells[0].source += "\n\nThe PRC was proclaimed on 1 October 1949.[@ev001]"
    path = _copy(tmp_path, "notebooks/00_start_here.ipynb", add)
    assert any("not as generated" in p for p in citations.problems(path))
    assert citations.write(path) is True
    assert citations.problems(path) == []
    assert citations.write(path) is False, "writing twice changes nothing"


def test_the_command_line_check_exits_non_zero_on_a_problem(tmp_path):
    def add(nb):
        nb.cells[0].source += "\n\nIn 1971 Kissinger flew to Beijing."
    bad = _copy(tmp_path, "notebooks/00_start_here.ipynb", add)
    run = lambda path: subprocess.run([sys.executable, "-m", "rapprochement.citations", "--check", str(path)],
                                      capture_output=True, text=True, cwd=ROOT)
    assert run(ROOT / "notebooks/00_start_here.ipynb").returncode == 0
    failed = run(bad)
    assert failed.returncode == 1 and "In 1971 Kissinger flew to Beijing." in failed.stderr


# --- Rendering and numbering ---------------------------------------------------------------------------------

def _lesson(*paragraphs: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(p) for p in paragraphs]
    return nb


def test_marks_are_numbered_by_first_citation_and_a_repeated_id_keeps_its_number():
    nb = citations.rendered(_lesson("A.[@ev059] B.[@ev001; @ev059]", "C.[@s2]"))
    assert nb.cells[0].source == "A.<sup>[1](#ref-ev059)</sup> B.<sup>[2](#ref-ev001),[1](#ref-ev059)</sup>"
    assert nb.cells[1].source == "C.<sup>[3](#ref-s2)</sup>"
    assert citations.cited_ids(nb) == ["ev059", "ev001", "s2"]
    assert nb.cells[-1].metadata["tags"] == ["references"]


ALL_IDS = sorted(citations.catalogue())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ALL_IDS), min_size=1, max_size=3), min_size=1, max_size=6))
def test_rendering_reads_back_the_ids_it_wrote_and_is_stable(marks):
    source = " ".join(f"Fact {n}.[{'; '.join('@' + i for i in ids)}]" for n, ids in enumerate(marks))
    once = citations.rendered(_lesson(source))
    twice = citations.rendered(once)
    assert [c.source for c in once.cells] == [c.source for c in twice.cells]
    assert [ids for _, ids in citations.marks_in(once.cells[0].source)] == [list(dict.fromkeys(m)) for m in marks]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]\(#ref-", once.cells[0].source)]
    assert sorted(set(numbers)) == list(range(1, len(set(numbers)) + 1))


@pytest.mark.parametrize("mark", ["[@]", "[@ev059,ev060]", "[@ev059; ev060]", "[@ ev059 x]"])
def test_a_malformed_mark_is_explained(mark):
    with pytest.raises(citations.CitationError, match=r"written \[@id\] or \[@id; @id\]"):
        citations.marks_in(f"A fact.{mark}")


def test_every_citable_id_is_unique_across_tables_and_safe_in_a_link():
    ids = citations.catalogue()  # raises if two tables share an id
    assert all(citations.ID_SHAPE.match(i) for i in ids)
    assert {c.table for c in ids.values()} == set(citations.CITABLE)


# --- Sentences ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("It was 9 p.m. on 15 December. Then X.", ["It was 9 p.m. on 15 December.", "Then X."]),
    ("N. S. Khrushchev wrote in 1960. He said so.", ["N. S. Khrushchev wrote in 1960.", "He said so."]),
    ("It began in 1956.\u27e6cite\u27e7 The next.", ["It began in 1956.\u27e6cite\u27e7", "The next."]),
    ('He said "no." Then left.', ['He said "no."', "Then left."]),
    ('"We came. We saw." Then he left.', ['"We came. We saw."', "Then he left."]),
    ("**21 February.** Nixon landed. Then X.", ["**21 February.** Nixon landed.", "Then X."]),
])
def test_sentences_split_where_a_reader_would(text, expected):
    assert citations.sentences(text) == expected


def test_a_quotation_and_its_attribution_are_one_sentence():
    cell = '> "This was the week that changed the world."\n>\n> — Nixon, 27 February 1972[@ev099]'
    assert citations.uncited_sentences(cell) == []


def test_headings_code_links_and_further_reading_are_not_prose():
    cell = ("## 1969: the border war\n\nRun `rp.timeline(1969)` and see [lesson 01](01_x.ipynb).\n\n"
            "## Further reading\n\n- Chen Jian, *Mao's China* (2001).")
    assert citations.uncited_sentences(cell) == []


# --- Chicago style ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("iso, chicago", [("1972-03-03", "March 3, 1972"), ("1972-03", "March 1972"),
                                          ("1972", "1972"), ("", "n.d.")])
def test_dates_are_written_as_chicago_writes_them(iso, chicago):
    assert citations.chicago_date(iso) == chicago


def test_a_bibliography_entry_has_author_title_publisher_date_and_link():
    source = {"author": "Richard Nixon", "title": 'Toasts at a "Banquet" in Shanghai', "publisher": "APP",
              "date": "1972-02-27", "url": "https://www.presidency.ucsb.edu/x"}
    assert citations.bibliography_entry(source) == (
        "Richard Nixon. “Toasts at a ‘Banquet’ in Shanghai.” APP, February 27, 1972. "
        "<https://www.presidency.ucsb.edu/x>.")
    assert citations.short_source(source) == "Richard Nixon, “Toasts at a ‘Banquet’ in Shanghai.”"
    undated = dict(source, date="", url="", title="Who? What?")
    assert citations.bibliography_entry(undated) == "Richard Nixon. “Who? What?” APP, n.d."
