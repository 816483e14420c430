"""Nothing in the package or the notebooks reads from the network at run time."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.network_guard import GUARD
from tools.lessons import all_notebooks

ROOT = Path(__file__).resolve().parents[1]
NETWORK_CALL = re.compile(r"(urlopen|requests\.|httpx|urlretrieve|read_(csv|json|excel|html)\(\s*['\"]https?://|"
                          r"alt\.UrlData|data\.vega|cdn\.jsdelivr)")


def test_the_guard_really_blocks():
    with pytest.raises(RuntimeError, match="network|lookup"):
        urllib.request.urlopen("http://example.org", timeout=1)
    with pytest.raises(RuntimeError, match="network|lookup"):
        socket.create_connection(("93.184.215.14", 80), timeout=1)


@pytest.mark.parametrize("path", sorted((ROOT / "src").rglob("*.py")), ids=lambda p: p.name)
def test_package_code_makes_no_network_calls(path):
    assert not NETWORK_CALL.search(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", all_notebooks(), ids=str)
def test_notebook_runs_with_the_network_blocked(notebook):
    path = ROOT / notebook
    nb = nbformat.read(path, as_version=4)
    assert not NETWORK_CALL.search("\n".join(c.source for c in nb.cells if c.cell_type == "code"))
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
