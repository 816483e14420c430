"""The shared data: valid against its Frictionless descriptor, and true to the rules a schema cannot state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from frictionless import Package, system

import rapprochement as rp
from rapprochement import citations
from rapprochement.data import TABLES, parse_partial_date

DATA = Path(rp.data_dir())
ROOT = DATA.parent
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"]}


def table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / TABLES[name][0], dtype=str, keep_default_na=False)


def split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def test_frictionless_validates_every_table_with_keys():
    with system.use_context(trusted=True):
        report = Package(str(DATA / "datapackage.json")).validate()
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors][:10]
    assert report.valid, "\n".join(problems)


def test_descriptor_describes_every_table_and_names_licences_and_sources():
    described = {r["path"] for r in DESCRIPTOR["resources"]}
    assert {file for file, _ in TABLES.values()} <= described
    assert {p.name for p in DATA.glob("*.csv")} == described, "every CSV in data/ is described, and only those"
    assert DESCRIPTOR["licenses"] and DESCRIPTOR["sources"]
    for resource in DESCRIPTOR["resources"]:
        assert resource.get("description") and resource["schema"]["fields"]
        assert all(f.get("description") for f in resource["schema"]["fields"]), resource["name"]


def test_the_timeline_covers_1949_to_1980_with_enough_events():
    events = table("events")
    assert len(events) >= 120
    years = events["date"].str[:4].astype(int)
    assert years.min() == 1949 and years.max() == 1980
    assert set(events["thread"]) == set(rp.THREADS), "every thread has events"


def test_event_dates_parse_at_their_stated_precision_and_ends_follow_starts():
    for row in table("events").itertuples():
        first, _, precision = parse_partial_date(row.date)
        assert precision == row.date_precision, row.event_id
        if row.end_date:
            _, last, end_precision = parse_partial_date(row.end_date)
            assert end_precision == row.end_date_precision, row.event_id
            assert last >= first, f"{row.event_id} ends before it starts"
        else:
            assert row.end_date_precision == "", row.event_id


def test_every_list_of_ids_points_to_rows_that_exist():
    source_ids, place_ids = set(table("sources")["source_id"]), set(table("places")["place_id"])
    person_ids = set(table("people")["person_id"])
    for name in TABLES:
        frame = table(name)
        for cell in frame.get("source_ids", []):
            assert split(cell), f"{name}: a row without sources"
            assert set(split(cell)) <= source_ids, f"{name}: unknown sources {set(split(cell)) - source_ids}"
    for cell in table("events")["place_ids"]:
        assert set(split(cell)) <= place_ids, f"unknown places {set(split(cell)) - place_ids}"
    assert set(table("roles")["person_id"]) <= person_ids


def test_every_source_is_cited_somewhere():
    cited = {s for name in TABLES if "source_ids" in table(name) for cell in table(name)["source_ids"] for s in split(cell)}
    quoted = set(table("documents")["source_id"]) | set(table("excerpts")["source_id"])
    in_lessons = {i for lesson in sorted((ROOT / "notebooks").glob("*.ipynb"))
                  for i in citations.cited_ids(nbformat.read(lesson, as_version=4))}  # a lesson's footnote cites it
    uncited = set(table("sources")["source_id"]) - cited - quoted - in_lessons
    assert not uncited, f"sources nothing cites: {sorted(uncited)[:5]}"


def test_disputed_rows_say_how_the_sources_differ():
    for name in TABLES:
        frame = table(name)
        if "confidence" in frame:
            note = "confidence_note" if "confidence_note" in frame else "note" if "note" in frame else "notes"
            disputed = frame[frame["confidence"] == "disputed"]
            assert (disputed[note].str.len() > 20).all(), f"{name}: a disputed row without an explanation"


@pytest.mark.parametrize(
    "pattern, must_mention",
    [
        (r"Shanghai Communiqué", ["27 Feb", "28 Feb"]),
        (r"announce agreement to establish", ["15 Dec", "16 Dec"]),
    ],
)
def test_known_date_disagreements_are_recorded(pattern, must_mention):
    events = table("events")
    rows = events[events["title"].str.contains(pattern)]
    assert len(rows) == 1, pattern
    assert rows["confidence"].iloc[0] == "disputed"
    for text in must_mention:
        assert text in rows["confidence_note"].iloc[0], text


def test_conflicting_figures_are_kept_side_by_side_never_averaged():
    clash = table("sino_soviet")
    soviet_dead = clash[(clash["indicator"] == "clash_1969_killed") & (clash["side_counted"] == "Soviet")]
    chinese_dead = clash[(clash["indicator"] == "clash_1969_killed") & (clash["side_counted"] == "Chinese")]
    assert soviet_dead["claimant"].nunique() >= 1 and chinese_dead["claimant"].nunique() >= 2


def test_every_number_has_a_unit_and_says_whether_it_is_an_estimate():
    for name in ("trade", "troops", "un_votes", "recognition", "sino_soviet"):
        frame = table(name)
        assert (frame["unit"].str.len() > 0).all(), name
        assert set(frame["estimate"]) <= {"yes", "no"}, name


def test_places_have_plausible_coordinates():
    places = table("places")
    assert places["lat"].astype(float).between(-90, 90).all() and places["lon"].astype(float).between(-180, 180).all()
    beijing = places.set_index("place_id").loc["beijing"]
    assert abs(float(beijing["lat"]) - 39.9) < 0.2 and abs(float(beijing["lon"]) - 116.4) < 0.2


def test_people_carry_the_spellings_students_meet():
    people = table("people").set_index("person_id")
    assert people.loc["zhou-enlai", "name_wade_giles"] == "Chou En-lai"
    assert people.loc["mao-zedong", "name_wade_giles"] == "Mao Tse-tung"
    assert people.loc["deng-xiaoping", "name_wade_giles"] == "Teng Hsiao-p'ing"
    soviet = people[people["country"] == "USSR"]
    assert (soviet["name_russian"].str.len() > 0).all()
    chinese = people[people["country"].isin(["PRC", "ROC"])]
    assert (chinese["name_chinese"].str.len() > 0).all()


@pytest.mark.parametrize("row", table("documents").to_dict("records"), ids=lambda r: r["document_id"])
def test_documents_name_the_copy_they_were_checked_against(row):
    text = (DATA / "documents" / row["file"]).read_text(encoding="utf-8")
    header = text.split("\n---\n", 1)[0]
    for field in ("title:", "date:", "source:", "source_url:", "checked_against:", "rights:", "excerpted:"):
        assert re.search(rf"^{field}\s*\S", header, re.M), f"{row['file']}: header lacks {field}"
    assert len(rp.document_text(row["document_id"])) > 500


@pytest.mark.parametrize("row", table("documents").to_dict("records"), ids=lambda r: r["document_id"])
def test_documents_show_what_they_leave_out(row):
    """A text said to be complete has no gap marks; one said to mark its omissions shows them."""
    text = rp.document_text(row["document_id"])
    body = text.split("## Notes on the text", 1)[0]
    if row["excerpted"].startswith("no"):
        assert "[…]" not in body, f"{row['file']} is listed as complete but has gaps"
    if "marked […]" in row["excerpted"]:
        assert "[…]" in body, f"{row['file']} says its omissions are marked, but none is"
    assert "## Notes on the text" in text, f"{row['file']}: no notes on how the copies differ"


def test_data_dictionary_is_generated_from_the_descriptor():
    from tools.data_dictionary import README, with_dictionary

    text = README.read_text(encoding="utf-8")
    assert with_dictionary(text) == text, "run `python -m tools.data_dictionary --write`"


# --- every row rests on an authority (sources.csv `tier`; data/README.md) ------------------------------------

TIER_FIELD = next(f for f in RESOURCES["sources"]["schema"]["fields"] if f["name"] == "tier")
AUTHORITY_TIERS = set(TIER_FIELD["constraints"]["enum"]) - {"web"}
WEBSITE = re.compile(r"wiki|infobox|\.(com|org|net|cn|info)\b|web ?site|mirror|blog|content site|portal|baike",
                     re.IGNORECASE)
CLAIMANT_COLUMNS = ("claimant", "reported_by")


def rows_resting_on_web(frames: dict[str, pd.DataFrame], tiers: dict[str, str]) -> list[str]:
    """Each row (``table:row number``) whose sources are all web pages, leaving out rows marked unverified."""
    found = []
    for name, frame in frames.items():
        column = "source_ids" if "source_ids" in frame else "source_id" if "source_id" in frame else None
        if column is None:
            continue
        for number, row in frame.iterrows():
            if row.get("confidence") == rp.data.UNVERIFIED:
                continue
            if not any(tiers.get(s) in AUTHORITY_TIERS for s in split(row[column])):
                found.append(f"{name}:{number}")
    return found


def claimants_naming_a_website(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Claimant labels that name where a claim was read (a website, Wikipedia) instead of who made it."""
    return [f"{name}.{column}: {label!r}" for name, frame in frames.items() for column in CLAIMANT_COLUMNS
            if column in frame for label in set(frame[column]) if WEBSITE.search(label)]


NOTE_COLUMNS = ("confidence_note", "note", "notes")
# the sites this data was once read on, by name as well as by address
SITE_NAMES = re.compile(r"OmniAtlas|HistoryMaps|Grokipedia|LiquiSearch|piglix|worddisk|encyclopediahub", re.IGNORECASE)


def notes_naming_a_website(frames: dict[str, pd.DataFrame]) -> list[str]:
    """Notes of rows the lessons show (tooltips, tables) that credit a claim to a website instead of an authority."""
    return [f"{name}:{number}.{column}" for name, frame in frames.items() for column in NOTE_COLUMNS if column in frame
            for number, row in frame.iterrows()
            if row.get("confidence") != rp.data.UNVERIFIED and (WEBSITE.search(row[column]) or SITE_NAMES.search(row[column]))]


def all_tables() -> dict[str, pd.DataFrame]:
    return {name: table(name) for name in TABLES if name != "sources"}


def source_tiers() -> dict[str, str]:
    return dict(zip(table("sources")["source_id"], table("sources")["tier"]))


def test_the_tiers_that_count_as_authorities_are_the_documented_ones():
    assert TIER_FIELD["constraints"]["required"]
    assert AUTHORITY_TIERS == {"archival", "memoir", "press", "scholarly", "reference"}


def test_every_source_has_a_tier():
    tiers = table("sources")["tier"]
    assert tiers.isin(AUTHORITY_TIERS | {"web"}).all(), sorted(set(tiers) - AUTHORITY_TIERS - {"web"})


def test_every_row_rests_on_an_authority_not_on_web_pages_alone():
    assert rows_resting_on_web(all_tables(), source_tiers()) == []


def test_the_authority_check_catches_a_row_resting_on_web_pages_alone():
    frames, tiers = all_tables(), source_tiers()
    web_source = next(s for s, t in tiers.items() if t == "web")
    frames["events"].loc[3, "source_ids"] = web_source
    assert rows_resting_on_web(frames, tiers) == ["events:3"]
    frames["events"].loc[3, "confidence"] = rp.data.UNVERIFIED  # kept for the record, out of the lessons
    assert rows_resting_on_web(frames, tiers) == []


def test_no_claimant_is_a_website():
    assert claimants_naming_a_website(all_tables()) == []


def test_the_claimant_check_catches_a_website():
    frames = all_tables()
    frames["sino_soviet"].loc[0, "claimant"] = "Soviet sources as given in Wikipedia infobox versions"
    frames["troops"].loc[0, "reported_by"] = "historycentral.com"
    assert len(claimants_naming_a_website(frames)) == 2


def test_unverified_rows_stay_out_of_what_lessons_load():
    for name in TABLES:
        everything = rp.load_table(name, include_unverified=True)
        if "confidence" in everything:
            shown = rp.load_table(name)
            assert rp.data.UNVERIFIED not in set(shown["confidence"])
            assert len(shown) == (everything["confidence"] != rp.data.UNVERIFIED).sum()


def test_web_pages_are_under_15_percent_of_the_sources():
    tiers = table("sources")["tier"]
    assert (tiers == "web").mean() < 0.15, f"{(tiers == 'web').mean():.0%} of sources are web pages"


def test_the_source_report_gives_the_share_of_web_pages():
    from tools.source_report import report

    tiers = table("sources")["tier"]
    assert f"web pages: {(tiers == 'web').sum()} of {len(tiers)} = {(tiers == 'web').mean():.1%}" in report()


def test_no_note_credits_a_claim_to_a_website():
    assert notes_naming_a_website(all_tables()) == []


def test_the_note_check_catches_a_website():
    frames = all_tables()
    frames["events"].loc[0, "confidence_note"] = "7 Dec 1949 (China News Australia; Wikipedia) vs 8 Dec (OmniAtlas)"
    frames["places"].loc[0, "note"] = "Coordinates from tripomatic.com."
    assert notes_naming_a_website(frames) == ["events:0.confidence_note", "places:0.note"]
