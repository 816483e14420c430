"""Build the static edition: one HTML page per lesson and exercise set, readable with no kernel and no network.

    python tools/site.py [--out site] [--jobs 2]      # what `make site` runs

Each notebook is executed on a fresh kernel with its widgets' state kept, then written as a page in which:

* every chart is an inline SVG drawn by vl-convert (no Vega, no CDN), in a ``role="img"`` element whose
  accessible name is the chart's description, followed by its data as a table a reader can open;
* every widget shows its initial state (the chart it draws at first, and its controls with their starting values)
  with a note to run the notebook in JupyterLab for interaction;
* no page loads anything from another site: remote scripts and styles are removed, links between notebooks
  point to their pages.

Pages are for projecting in class, uploading to a learning-management system, or reading on a phone.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.lessons import read_order  # noqa: E402
from tools.run_notebooks import execute  # noqa: E402

VEGA_LITE = "application/vnd.vegalite.v5+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTE = ("Interactive in JupyterLab: this page shows the control as it starts. Run the notebook to use it.")

STYLE = """
body { max-width: 60rem; margin: 0 auto; padding: 0 1rem 3rem; font-family: system-ui, sans-serif; line-height: 1.5;
       color: #1a1a1a; background: #fff; }
a { color: #0b57a6; }
.rp-chart { margin: 1rem 0; overflow-x: auto; }
.rp-chart svg { max-width: 100%; height: auto; }
.rp-widget { border-left: 4px solid #0072B2; padding: 0.25rem 0.75rem; margin: 1rem 0; }
.rp-note { font-style: italic; }
.rp-site-nav { margin: 1rem 0; }
details table { border-collapse: collapse; font-size: 0.85rem; }
details td, details th { border: 1px solid #999; padding: 2px 6px; text-align: left; vertical-align: top; }
.jp-RenderedHTMLCommon a, a { text-decoration: underline !important; }
/* code colours with at least 4.5:1 contrast on the code background (JupyterLab's own fall short for some) */
.highlight span { color: #1a1a1a !important; }
.highlight .k, .highlight .kn, .highlight .kc, .highlight .kd, .highlight .ow { color: #6f1fa0 !important; }
.highlight .s, .highlight .s1, .highlight .s2, .highlight .sd, .highlight .sa, .highlight .si, .highlight .se { color: #a31515 !important; }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs, .highlight .cp { color: #3d5c3d !important; }
.highlight .m, .highlight .mi, .highlight .mf, .highlight .mh, .highlight .mo { color: #005a32 !important; }
"""


def _table_html(spec: dict) -> str:
    from rapprochement.charts import chart_table

    table = chart_table(spec)
    if table.empty:
        return ""
    return ("<details><summary>The chart's data as a table</summary>"
            + table.to_html(index=False, border=0, escape=True, na_rep="") + "</details>")


def chart_html(spec: dict) -> str:
    """A chart as inline SVG with its description as the accessible name, and its data table below."""
    import vl_convert

    from rapprochement.charts import chart_description

    description = chart_description(spec)
    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return (f'<figure class="rp-chart"><div role="img" aria-label="{html.escape(description, quote=True)}">{svg}</div>'
            f"<figcaption>{html.escape(description)}</figcaption>{_table_html(spec)}</figure>")


def _static(data: dict) -> dict | None:
    """The static form of one output's data, or None to keep it as it is."""
    if VEGA_LITE in data:
        return {"text/html": chart_html(data[VEGA_LITE])}
    return None


def _controls(model: dict) -> str:
    """One control as a list item: its label and starting value (a menu's chosen label, a range's two ends)."""
    state = model.get("state", {})
    label = (state.get("description") or state.get("_model_name", "control").replace("Model", "")).rstrip(": ")
    labels = state.get("_options_labels")
    if labels and isinstance(state.get("index"), int) and 0 <= state["index"] < len(labels):
        value = labels[state["index"]]
    else:
        value = state.get("value", "")
    if isinstance(value, list):
        value = " to ".join(str(v) for v in value)
    return f"<li>{html.escape(str(label))}: {html.escape(str(value))}</li>"


def widget_html(model_id: str, models: dict) -> str:
    """A widget's initial state: what its Output areas and HTML panes show, and a list of its controls."""
    parts, controls = [], []

    def walk(mid: str) -> None:
        model = models.get(mid)
        if model is None:
            return
        state, name = model.get("state", {}), model.get("model_name", model.get("state", {}).get("_model_name", ""))
        if name == "OutputModel":
            for out in state.get("outputs", []):
                data = out.get("data", {})
                static = _static(data)
                if static:
                    parts.append(static["text/html"])
                elif "text/html" in data:
                    parts.append(data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"]))
        elif name in ("HTMLModel", "LabelModel"):
            if state.get("value"):
                parts.append(f"<div>{state['value']}</div>")
        elif name in ("ButtonModel", "FileUploadModel"):
            controls.append(f"<li>{html.escape(str(state.get('description') or 'button'))} (a button)</li>")
        elif "value" in state or "index" in state:
            controls.append(_controls(model))
        for child in state.get("children", []):
            walk(child.replace("IPY_MODEL_", ""))

    walk(model_id)
    listed = f"<ul aria-label='Controls'>{''.join(controls)}</ul>" if controls else ""
    return f'<div class="rp-widget"><p class="rp-note">{NOTE}</p>{listed}{"".join(parts)}</div>'


def make_static(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Replace charts by SVG and widgets by their initial state, in place."""
    models = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\]\(((?:\.\./)?(?:notebooks|exercises|solutions)?/?[\w-]+)\.ipynb\)",
                                 lambda m: f"]({_page_link(m.group(1))})", cell.source)
            continue
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                out["data"] = {"text/html": widget_html(data[WIDGET_VIEW]["model_id"], models)}
                out["metadata"] = {}
            else:
                static = _static(data)
                if static:
                    out["data"], out["metadata"] = static, {}
    nb.metadata.pop("widgets", None)
    return nb


def page_name(path: str | Path) -> str:
    """The page of a notebook: a lesson keeps its stem, an exercise set ends in ``_exercises``."""
    path = Path(str(path))
    return path.stem + ("_exercises" if path.parent.name == "exercises" else "") + ".html"


def _page_link(target: str) -> str:
    return page_name(target + ".ipynb")


def page(path: Path, title: str) -> str:
    """The finished HTML of one notebook's page."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = make_static(execute(path, store_widget_state=True))
    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    soup = BeautifulSoup(body, "html.parser")
    for tag in soup.find_all(["script", "link"]):
        tag.decompose()  # nothing from a CDN, and no script is needed to read the page
    if soup.html is not None:
        soup.html["lang"] = "en"
    if soup.title is not None:
        soup.title.string = title
    style = soup.new_tag("style")
    style.string = STYLE
    soup.head.append(style)
    nav = BeautifulSoup('<nav class="rp-site-nav" aria-label="Site"><a href="index.html">All lessons and exercises'
                        "</a></nav>", "html.parser")
    soup.body.insert(0, nav)
    for img in soup.find_all("img"):
        if not img.get("alt") or img["alt"].startswith("No description"):
            img["alt"] = ""  # only decorative images are left; charts are SVG with their own names
    return str(soup)


def pages() -> list[tuple[Path, str]]:
    """Every lesson and exercise set, in teaching order, with its title."""
    found = []
    for lesson in read_order()["lesson"]:
        found.append((ROOT / lesson["notebook"], lesson["title"]))
        if lesson.get("exercises"):
            found.append((ROOT / lesson["exercises"], f"Exercises: {lesson['title']}"))
    return found


def _build_one(args: tuple[Path, str, Path]) -> Path:
    path, title, out = args
    target = out / page_name(path)
    target.write_text(page(path, title), encoding="utf-8")
    return target


def index_html(entries: list[tuple[Path, str]]) -> str:
    items = "".join(f'<li><a href="{page_name(path)}">'
                    f"{html.escape(title)}</a></li>" for path, title in entries)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>US–China rapprochement, 1969–1979: lessons</title>'
            f"<style>{STYLE}</style></head><body><main><h1>US–China rapprochement: the static edition</h1>"
            "<p>Every lesson and exercise set as a page, executed, with every chart drawn and its data as a table. "
            "The controls are shown as they start; run the notebooks in JupyterLab to use them.</p>"
            f"<ul>{items}</ul></main></body></html>")


def build(out: Path, jobs: int = 2) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    entries = pages()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        written = list(pool.map(_build_one, [(p, t, out) for p, t in entries]))
    (out / "index.html").write_text(index_html(entries), encoding="utf-8")
    return [out / "index.html", *written]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    for path in build(args.out, args.jobs):
        print(f"{path}: {path.stat().st_size / 1000:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
