"""The glossary: one lookup for every name under every spelling, and no name in the lessons or the data left out."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import rapprochement as rp
from rapprochement import exercises
from rapprochement.data import ACTORS, load_table
from rapprochement.glossary import entries, find, fold, spellings
from rapprochement.messages import Problem

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("spelling, entry_id", [
    ("Peking", "beijing"), ("Formosa", "taiwan"), ("Quemoy", "jinmen"), ("Damansky", "zhenbao-island"),
    ("Kuomintang", "kuomintang"), ("Guomindang", "kuomintang"), ("KMT", "kuomintang"), ("Canton", "guangzhou"),
    ("Chou En-lai", "zhou-enlai"), ("chou enlai", "zhou-enlai"), ("周恩来", "zhou-enlai"), ("Mao Tse-tung", "mao-zedong"),
    ("Kissinger", "henry-kissinger"), ("Shanghai Communique", "shanghai-communique"), ("PRC", "prc"),
])
def test_any_spelling_finds_its_entry(spelling, entry_id):
    entry = rp.lookup(spelling)
    assert entry.entry_id == entry_id and entry.definition
    assert spelling in entry.all_spellings() or fold(spelling) in {fold(s) for s in entry.all_spellings()}


def test_a_spelling_no_entry_has_gets_a_friendly_answer_with_close_spellings():
    answer = rp.lookup("Pekinng")
    assert isinstance(answer, Problem) and "Close spellings" in str(answer)
    assert isinstance(rp.lookup(42), Problem) and "as text" in str(rp.lookup(42))
    assert "Beijing" in rp.lookup("Peking")._repr_html_()


def test_people_and_places_are_found_from_their_own_tables_not_copied():
    glossary = load_table("glossary")
    people, places = load_table("people"), load_table("places")
    assert not set(glossary["term_id"]) & (set(people["person_id"]) | set(places["place_id"]))
    ids = {e.entry_id for e in entries()}
    assert set(people[people["confidence"] != "unverified"]["person_id"]) <= ids
    assert set(rp.load_places()["place_id"]) <= ids


def test_every_entry_has_a_definition_and_sources():
    for entry in entries():
        assert entry.definition and entry.source_ids, entry.entry_id


def test_name_checks_accept_and_reject_spellings_as_the_glossary_does():
    spec = {"kind": "name", "points": 1, "mistakes": {}}
    spec["answer"] = [exercises._digest("qx", fold("Zhou Enlai"))]
    for same in ["Zhou Enlai", "zhou en-lai", "ZHOU ENLAI", "Zhōu Ēnlái"]:
        assert exercises.verdict("qx", spec, same).correct, same
    other = exercises.verdict("qx", spec, "Chou En-lai")  # the glossary's other spelling: right person, not accepted
    assert not other.correct and "other spelling" in other.message
    assert "Chou En-lai" in spellings("Zhou Enlai")


# --- names the lessons and the data use ------------------------------------------------------------------

ACRONYM = re.compile(r"\b([A-Z]{2,5})\b")
WADE_GILES = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+-[a-z]+\b")  # "Chou En-lai", "Teng Hsiao-ping"
BOLD = re.compile(r"\*\*([^*]+?)\*\*")
NOT_NAMES = re.compile(r"^(YYYY|MM|DD|README|CHANNELS|[IVXLC]+)$")  # date formats, a file, a constant, volume numbers
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# bold text that is not a name: how-to labels, run-in headings and questions
NOT_TERMS = re.compile(rf"^(Question \d|lesson \d|notebook \d|\d+ ({MONTHS})|({MONTHS})|\d{{4}}(–\d{{4}})?$|Charts|Controls|"
                       r"Estimated time|Hover|In public|Keep your work|Learning objectives|On Binder|Predict first|"
                       r"Questions|Recognition|Run a cell|"
                       r"Run everything|Shift \+ Enter|The communiqué|When something|Your turn|\"|[a-z])")


def _markdown():
    for path in sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")]):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and "references" not in cell.metadata.get("tags", []):
                yield path.name, re.sub(r"<[^>]+>|\[@[^\]]+\]", "", cell.source)


def _variants(phrase: str) -> list[str]:
    """A bold phrase and the names inside it: "Jinmen (Quemoy)", "TASS statement", "Zhou Enlai's toast"."""
    phrase = re.sub(r"\s+", " ", phrase).strip().rstrip(".:")
    parts = [phrase, *re.split(r" / |\(|\)", phrase), phrase.split("'s ")[0], phrase.rsplit(" ", 1)[0]]
    return [p.strip() for p in parts if p.strip()]


def names_missing_from_the_glossary(texts) -> list[str]:
    missing = set()
    for name, text in texts:
        for match in ACRONYM.finditer(text):
            acronym = match.group(1)
            before = [w.strip(",;:") for w in text[:match.start()].split()[-1:]] or [""]
            after = [w.strip(",;:.") for w in text[match.end():].split()[:1]] or [""]
            if NOT_NAMES.match(acronym) or any(find(v) for v in (acronym, f"{before[0]} {acronym}", f"{acronym} {after[0]}")):
                continue
            missing.add(f"{name}: {acronym}")
        for match in WADE_GILES.findall(text):
            if not find(match):
                missing.add(f"{name}: {match}")
        for bold in BOLD.findall(text):
            if not NOT_TERMS.match(bold.strip()) and not any(find(v) for v in _variants(bold)):
                missing.add(f"{name}: {bold.strip()}")
    return sorted(missing)


def test_every_name_in_the_lessons_is_in_the_glossary():
    assert names_missing_from_the_glossary(_markdown()) == []


def test_the_name_check_finds_a_name_the_glossary_lacks():
    found = names_missing_from_the_glossary([("x.ipynb", "The **Ostpolitik** of the FRG, and Teng Hsiao-pong.")])
    assert found == ["x.ipynb: FRG", "x.ipynb: Ostpolitik", "x.ipynb: Teng Hsiao-pong"]


def test_every_name_in_the_data_is_in_the_glossary():
    missing = [label for label in ACTORS.values() if not any(find(v) for v in _variants(label))]
    missing += [t for t in load_table("documents")["short_title"] if not any(find(v) for v in _variants(t))]
    mapped = set(rp.load_places()["place_id"])  # unverified places stay out of the lessons and of the glossary
    missing += [i for cell in load_table("events")["place_ids"] for i in rp.split_list(cell) if i in mapped and not find(i)]
    missing += [p for p in load_table("roles")["person_id"] if not find(p)]
    assert missing == []
