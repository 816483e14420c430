"""The static edition (`make site`), opened from disk in Chromium with the network blocked, and audited by axe-core."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tools import site
from tools.browser import find_browser
from tools.run_notebooks import VEGA_LITE

CHROMIUM = find_browser()
if CHROMIUM is None:  # a missing browser must fail, not skip
    raise RuntimeError("no Chromium or Chrome: run `python3 tools/browser.py`")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, site.build(out, jobs=2)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                           "--disable-component-update", "--disable-sync", "--no-first-run",
                                           "--proxy-server=http://127.0.0.1:9"])
        yield chromium
        chromium.close()


def _open(browser, path: Path):
    """A page opened from disk; every request that is not for a local file is refused and recorded."""
    page = browser.new_page()
    remote: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, remote


def test_every_lesson_and_exercise_set_has_a_page_listed_in_the_index(built):
    out, written = built
    names = {p.name for p in written}
    assert "index.html" in names and len(names) == 1 + len(site.pages())
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in written[1:]:
        assert f'href="{path.name}"' in index


def test_no_page_refers_to_another_site(built):
    _, written = built
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "cdn." not in text and "<link" not in text, path.name


@pytest.mark.parametrize("number", range(len(site.pages()) + 1))
def test_page_draws_every_chart_offline_names_it_and_passes_axe(built, browser, number):
    _, written = built
    path = written[number]
    page, remote = _open(browser, path)
    try:
        figures = page.locator(".rp-chart [role=img]")
        for n in range(figures.count()):
            figure = figures.nth(n)
            box = figure.locator("svg").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, f"chart {n} of {path.name} did not draw"
            assert figure.locator("svg path, svg rect, svg line, svg text").count() > 5
            assert len(figure.get_attribute("aria-label") or "") > 20  # its description is its accessible name
        if path.stem in {p.stem for p, _ in site.pages() if p.parent.name == "notebooks"}:
            lesson = nbformat.read(site.ROOT / "notebooks" / f"{path.stem}.ipynb", as_version=4)
            stored = sum(VEGA_LITE in o.get("data", {}) for c in lesson.cells for o in c.get("outputs", []))
            assert figures.count() >= stored > 0  # the lesson's charts, plus those its widgets draw first
        violations = Axe().run(page).response["violations"]
        serious = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert not serious, f"{path.name}: {serious}"
        assert not remote, f"{path.name} asked the network for {remote[:3]}"
    finally:
        page.close()


def test_widgets_show_their_first_state_and_say_how_to_use_them(built):
    out, _ = built
    text = (out / "00_start_here.html").read_text(encoding="utf-8")
    assert site.NOTE in text and '<ul aria-label="Controls"><li>Thread: All threads</li>' in text


def test_a_page_with_a_remote_script_would_fail_the_offline_check(built, browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<html lang="en"><head><title>x</title><script src="https://cdn.example.org/vega.js"></script>'
                   "</head><body><main><p>x</p></main></body></html>", encoding="utf-8")
    page, remote = _open(browser, bad)
    page.close()
    assert remote == ["https://cdn.example.org/vega.js"]
