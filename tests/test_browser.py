"""Every notebook, as a student sees it: JupyterLab in headless Chromium, Run All Cells, then look.

The browser may talk to the local Jupyter server only; any other request is blocked and fails the test,
so this also proves the charts and widgets need no network. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tools.run_notebooks import WIDGET_VIEW
from tools.lessons import all_notebooks

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VEGA = "application/vnd.vegalite.v5+json"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():  # a missing browser must fail, not skip: CI installs it
    pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package", pytrace=False)

from playwright.sync_api import sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the notebooks, so Run All and autosave never touch the repository."""
    root = tmp_path_factory.mktemp("lab")
    for folder in ("notebooks", "exercises", "solutions"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield base, token
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
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


@pytest.mark.parametrize("notebook", all_notebooks(), ids=str)
def test_run_all_cells_in_jupyterlab(lab, browser, notebook):
    base, token = lab
    charts_expected, widgets_expected = _expected(ROOT / notebook)
    blocked: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, timezone_id="America/Los_Angeles")

    def only_local(route):
        url = route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{notebook}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.click(".jp-MenuBar >> text=Run")
    page.click(".lm-Menu-content >> text=Run All Cells")
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
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"{Path(notebook).stem}.png"), full_page=True)

    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, f"error output in {notebook}: {errors.first.inner_text()[:500]}"
    body = page.inner_text("body")
    for broken in ("Error displaying widget", "Loading widget...", "Error loading script", "Javascript Error"):
        assert broken not in body, f"{notebook} shows {broken!r}"

    vega_outputs = page.locator(f".jp-OutputArea-output[data-mime-type='{VEGA}']")
    drawn = page.locator(f".jp-OutputArea-output[data-mime-type='{VEGA}'] svg.marks, "
                         f".jp-OutputArea-output[data-mime-type='{VEGA}'] canvas.marks")
    assert vega_outputs.count() >= charts_expected, f"{notebook}: {vega_outputs.count()} of {charts_expected} charts shown"
    assert drawn.count() == vega_outputs.count(), f"{notebook}: {vega_outputs.count() - drawn.count()} charts did not draw"
    widget_views = page.locator(".jp-OutputArea-output .jupyter-widgets.widget-container, "
                                ".jp-OutputArea-output .jupyter-widgets.widget-inline-hbox")
    assert page.locator(".jp-OutputArea-output .jupyter-widgets").count() >= widgets_expected
    if widgets_expected:
        assert widget_views.count() > 0, f"{notebook}: no widget rendered"
    assert not blocked, f"{notebook} tried to reach the network: {blocked[:5]}"
    context.close()
