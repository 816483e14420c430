"""Every notebook, as a student sees it: JupyterLab in headless Chromium, Run All Cells, then look.

The browser may talk to the local Jupyter server only; any other request is blocked and fails the test,
so this also proves the charts and widgets need no network. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from tests.network_guard import GUARD
from tools.browser import find_browser
from tools.run_notebooks import VEGA_LITE as VEGA, WIDGET_VIEW
from tools.lessons import all_notebooks, read_order

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = find_browser()  # the same rule `make test` used to find or install it
NEWS_PROMPT = "official Jupyter news"  # JupyterLab's "Would you like to get notified about official Jupyter news?"

pytestmark = pytest.mark.browser

if CHROMIUM is None:  # a missing browser must fail, not skip
    pytest.fail("No Chromium or Chrome found: run `python3 tools/browser.py`, which installs or names one",
                pytrace=False)

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    base: str
    token: str
    network_log: Path  # every request the server tried to send off the machine

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.base}{path}?token={self.token}", timeout=20) as reply:
            return reply.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab as the collection starts it, on a copy of the notebooks (Run All and autosave never touch the
    repository), with the environment's own settings: nothing here turns off the news or the update check.

    Personal settings and config are swapped for empty folders, so a developer's own choices cannot hide a
    problem; the server runs behind the network guard, which logs any attempt to leave the machine.
    """
    root = tmp_path_factory.mktemp("lab")
    for folder in ("notebooks", "exercises", "solutions"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    port, token = _free_port(), secrets.token_hex(16)
    log = root / "network-attempts.log"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"), NETWORK_GUARD_LOG=str(log))
    start = GUARD + "\nimport sys\nfrom jupyterlab.labapp import main\nsys.exit(main())"
    server = subprocess.Popen(
        [sys.executable, "-c", start, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    lab = Lab(f"http://127.0.0.1:{port}", token, log)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            lab.get("/api/status")
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield lab
    server.terminate()
    server.wait(timeout=20)


def _attempts(lab: Lab) -> list[str]:
    return lab.network_log.read_text().splitlines() if lab.network_log.exists() else []


def test_jupyterlab_neither_asks_for_news_nor_checks_for_updates(lab):
    """The settings shipped in tools/offline/ are what this environment's JupyterLab reports."""
    reply = json.loads(lab.get("/lab/api/settings/@jupyterlab/apputils-extension:notification"))
    defaults = {key: spec.get("default") for key, spec in reply["schema"]["properties"].items()}
    composite = {**defaults, **reply["settings"]}
    hint = "run `python tools/install_lab_settings.py` in this environment (make does it for .venv/)"
    assert composite["fetchNews"] == "false", hint
    assert composite["checkForUpdates"] is False, hint
    # and the server itself has no news feed or update check to call, whatever a student sets
    assert '"news": {"disabled": true}' in lab.get("/lab").decode(), hint
    assert json.loads(lab.get("/lab/api/news")) == {"news": []}
    assert json.loads(lab.get("/lab/api/update")) == {"notification": None}
    assert not _attempts(lab), f"the JupyterLab server tried to reach the network: {_attempts(lab)[:3]}"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic",
                  # network off: everything but the local Jupyter server goes to a proxy that does not exist
                  "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"],
        )
        yield chromium
        chromium.close()


def _expected(path: Path) -> tuple[int, int]:
    """How many charts and widgets a run of the notebook displays, counted by running it headless."""
    from tools.run_notebooks import execute

    nb = execute(path)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    charts = sum(VEGA in o.get("data", {}) for o in outputs)
    widgets = sum(WIDGET_VIEW in o.get("data", {}) for o in outputs)
    return charts, widgets


def _chart_label(widget) -> str:
    """The description of the first chart inside a widget, or '' if it shows none."""
    labels = widget.locator(".chart-wrapper").evaluate_all("els => els.map(e => e.getAttribute('aria-label') || '')")
    return labels[0] if labels else ""


#: What a student opens: every lesson and exercise set. The solutions hold the same cells with answers filled in;
#: nbval and the no-network test run them on a fresh kernel, so the browser's time goes to what students see.
STUDENT_NOTEBOOKS = [path for path in all_notebooks() if not path.startswith("solutions/")]


@pytest.mark.parametrize("notebook", STUDENT_NOTEBOOKS, ids=str)
def test_run_all_cells_in_jupyterlab(lab, browser, notebook):
    base, token = lab.base, lab.token
    charts_expected, widgets_expected = _expected(ROOT / notebook)
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id="America/Los_Angeles",
                                  accept_downloads=True)
    page = context.new_page()
    shot = notebook.replace("/", "_").removesuffix(".ipynb")
    try:
        _run_and_inspect(page, base, token, notebook, shot, charts_expected, widgets_expected, outside)
    finally:
        context.close()
    assert not _attempts(lab), f"the JupyterLab server tried to reach the network: {_attempts(lab)[:3]}"


def _assert_opening_changed_no_cell(page, base, token, notebook):
    """Save the notebook as opened (in the server's copy) and compare its cells with the committed file.

    Only the cells are compared: JupyterLab also writes the running kernel's language_info, which differs
    whenever the student's Python is not the one that ran the notebook, and that is not ours to fix.
    """
    def contents(with_text: bool) -> dict:
        url = f"{base}/api/contents/{notebook}?content={int(with_text)}&token={token}"
        with urllib.request.urlopen(url, timeout=20) as reply:
            return json.load(reply)

    before = contents(False)["last_modified"]
    page.click("#jp-MainMenu .lm-MenuBar-itemLabel:text-is('File')")
    page.click(".lm-Menu-itemLabel:text-is('Save Notebook')")
    # Done when the server holds the new file. The tab's dirty mark says nothing (an unchanged notebook has
    # none), and the server writes in place, so a read during the save can find the file empty.
    deadline, model = time.time() + 20, None
    while model is None:
        assert time.time() < deadline, f"saving {notebook} did not finish"
        time.sleep(0.25)
        try:
            if contents(False)["last_modified"] != before:
                model = contents(True)
        except urllib.error.HTTPError:  # caught mid-write
            pass
    saved = nbformat.reads(json.dumps(model["content"]), as_version=4)
    committed = nbformat.read(ROOT / notebook, as_version=4)
    changed = [i for i, (a, b) in enumerate(zip(committed.cells, saved.cells))
               if (a.source, a.get("outputs")) != (b.source, b.get("outputs"))]
    assert len(saved.cells) == len(committed.cells) and not changed, \
        f"opening {notebook} changed cells {changed[:5]} (a chart without its PNG preview? run `make notebooks`)"


def _run_and_inspect(page, base, token, notebook, shot, charts_expected, widgets_expected, outside):
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    # Chromium's proxy is a dead port, so any request to another host fails; we also record each one.
    page.on("request", lambda r: None if r.url.startswith((base, "ws://127.0.0.1", "data:", "blob:")) else outside.append(r.url))
    # a workspace of its own, reset, so no earlier test's open tabs or dialogs come back
    page.goto(f"{base}/lab/workspaces/{shot}/tree/{notebook}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-StatusBar-Item >> text=/Python 3.*Idle/", timeout=60_000)
    # As a student first sees it: the saved charts drawn, and the notebook not yet "modified".
    committed = sum(VEGA in o.get("data", {}) for c in nbformat.read(ROOT / notebook, as_version=4).cells
                    if c.cell_type == "code" for o in c.outputs)
    page.wait_for_function("n => document.querySelectorAll('.jp-RenderedVegaLite :is(svg.marks, canvas.marks)')"
                           ".length >= n", arg=committed, timeout=30_000)
    page.wait_for_timeout(1500)  # JupyterLab would add a PNG to a chart that lacks one just after drawing it
    page.screenshot(path=str(artifacts / f"{shot}-opened.png"))
    assert NEWS_PROMPT not in page.inner_text("body"), \
        "JupyterLab asks about Jupyter news: its shipped settings (tools/offline/) are not installed"
    _assert_opening_changed_no_cell(page, base, token, notebook)
    # Clear the stored outputs first, so every prompt reads [ ] until this run has executed its cell.
    page.click("#jp-MainMenu .lm-MenuBar-itemLabel:text-is('Edit')")
    page.click(".lm-Menu-itemLabel:text-is('Clear Outputs of All Cells')")
    page.wait_for_function("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]"
                           ".every(p => !/\\d/.test(p.textContent))", timeout=20_000)
    page.click("#jp-MainMenu .lm-MenuBar-itemLabel:text-is('Run')")
    page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
    # Done when every code cell shows an execution number and the kernel is idle again.
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        timeout=120_000,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(1500)  # let Vega finish drawing
    page.screenshot(path=str(artifacts / f"{shot}.png"), full_page=True)

    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"error output in {notebook}: {errors.first.inner_text()[:500]}"
    body = page.inner_text("body")
    for broken in ("Error displaying widget", "Loading widget...", "Error loading script", "Javascript Error"):
        assert broken not in body, f"{notebook} shows {broken!r}"

    charts = page.locator(".jp-OutputArea-output.jp-RenderedVegaLite")
    drawn = page.locator(".jp-OutputArea-output.jp-RenderedVegaLite :is(svg.marks, canvas.marks)")
    assert charts.count() >= charts_expected, f"{notebook}: {charts.count()} of {charts_expected} charts shown"
    assert drawn.count() == charts.count(), f"{notebook}: {charts.count() - drawn.count()} charts did not draw"
    labels = page.locator(".jp-RenderedVegaLite .chart-wrapper").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || '')")
    assert len(labels) >= charts.count() and all(len(label) > 40 for label in labels), \
        "every chart carries its description for screen readers"

    widgets = page.locator(".jp-OutputArea-output > .jupyter-widgets.widget-container")  # top-level views only
    assert widgets.count() >= widgets_expected, f"{notebook}: {widgets.count()} of {widgets_expected} widgets rendered"
    for i in range(widgets.count()):  # every widget responds: pick another menu entry, see the view change
        widget = widgets.nth(i)
        widget.scroll_into_view_if_needed()  # JupyterLab renders off-screen cells lazily, as a student scrolls
        page.wait_for_timeout(1000)
        menu = widget.locator("select").first
        if menu.count():
            # what it shows before the change, read before the change (a fast redraw would otherwise be missed)
            before, label = widget.inner_text(), _chart_label(widget)
            # with the keyboard alone, as a student who cannot use a mouse would: focus the menu, press End (or
            # Home, if the menu already shows its last entry)
            at_end = menu.evaluate("m => m.selectedIndex === m.options.length - 1")
            menu.focus()
            page.keyboard.press("Home" if at_end else "End")
            # the chart itself must be redrawn: its screen-reader description names what it shows
            page.wait_for_function(
                """([el, text, label]) => label
                     ? [...el.querySelectorAll('.chart-wrapper')].some(c => c.getAttribute('aria-label') !== label)
                     : el.innerText !== text""",
                arg=[widget.element_handle(), before, label], timeout=20_000)
            # a chart redrawn, or (the close-reading explorer) passages with the chosen words marked, or a message
            assert (widget.locator(":is(svg.marks, canvas.marks)").count() or widget.locator("mark").count()
                    or "Not quite" in widget.inner_text())
        save = widget.locator("button:has-text('Save my answers')")
        if save.count():  # the one-click save offers the answers as a download
            save.click()
            widget.locator("a[download]:has-text('Download the file')").wait_for(timeout=20_000)
            with page.expect_download() as download:
                widget.locator("a[download]").click()
            assert download.value.suggested_filename.endswith("_my_answers.json")
        widget.screenshot(path=str(artifacts / f"{shot}-widget-{i}.png"))
    assert not outside, f"{notebook} tried to reach the network: {outside[:5]}"


LESSONS = [lesson["notebook"] for lesson in read_order()["lesson"]]


@pytest.mark.parametrize("notebook", LESSONS, ids=str)
def test_a_footnote_mark_leads_to_its_note_in_jupyterlab(lab, browser, notebook):
    """JupyterLab draws each [@id] mark as a superscript number; clicking one scrolls to its note in References.

    JupyterLab's sanitizer turns the note's ``id`` into ``data-jupyter-id`` and resolves ``#ref-...`` links to it.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    shot = "footnotes-" + Path(notebook).stem
    try:
        page.goto(f"{lab.base}/lab/workspaces/{shot}/tree/{notebook}?reset&token={lab.token}")
        page.wait_for_selector(".jp-StatusBar-Item >> text=/Python 3.*Idle/", timeout=60_000)
        marks = page.locator(".jp-RenderedMarkdown sup > a[href^='#ref-']")
        marks.first.wait_for(timeout=20_000)
        assert marks.first.inner_text().strip() == "1", "the first mark is note 1"
        mark = marks.nth(min(3, marks.count() - 1))  # one a little way in, so the notes are far below it
        href = mark.get_attribute("href")
        note = page.locator(f"[data-jupyter-id='{href[1:]}'], [id='{href[1:]}']").first
        in_view = """el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"""
        # JupyterLab follows an in-page link only once every cell is ready; on a loaded machine a first click can
        # come too early, so the click is tried up to three times before the test fails
        for attempt in range(3):
            mark.click()
            try:
                page.wait_for_function(in_view, arg=note.element_handle(timeout=20_000), timeout=15_000)
                break
            except PlaywrightTimeout:
                if attempt == 2:
                    raise
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "test-artifacts" / f"{shot}.png"))
        assert href[len("#ref-"):] in note.locator("xpath=..").inner_text(), "the note names the id it explains"
    finally:
        context.close()
