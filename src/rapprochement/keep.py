"""Keeping a student's work: Binder deletes a session after about ten idle minutes, and edits go with it.

``keep_your_work()`` shows two controls: *Save my answers* writes the answers checked so far to a JSON file next
to the notebook and offers it as a one-click download (a ``data:`` link, so it works with no network);
*Restore answers* reads such a file back and lists the answers so they can be pasted into the answer cells.
Nothing here ever writes into a student's cells.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from . import exercises


def _jsonable(value: Any) -> Any:
    """A JSON-friendly form of an answer (lists, text, numbers; anything else as its text)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if type(value).__name__ == "Series":
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return repr(value)


def saved_answers() -> dict:
    """What *Save my answers* writes: the assignment, when, and each checked answer."""
    return {"assignment": exercises.current_assignment(),
            "saved_at": dt.datetime.now().isoformat(timespec="seconds"),
            "answers": {q: _jsonable(a) for q, a in sorted(exercises.answers().items())}}


def save(folder: Path | None = None) -> tuple[Path, str]:
    """Write the answers to ``<assignment>_my_answers.json`` in ``folder`` (default: here); return it and a link."""
    content = json.dumps(saved_answers(), indent=1, ensure_ascii=False)
    path = (folder or Path.cwd()) / f"{exercises.current_assignment() or 'exercises'}_my_answers.json"
    path.write_text(content, encoding="utf-8")
    uri = "data:application/json;base64," + base64.b64encode(content.encode()).decode()
    link = (f'Saved {len(exercises.answers())} answers to <code>{html.escape(path.name)}</code>. '
            f'<a download="{html.escape(path.name)}" href="{uri}"><b>Download the file</b></a> and keep it.')
    return path, link


def restore(content: bytes) -> str:
    """Read a saved-answers file and list its answers as lines to paste back; a message if it is not one."""
    try:
        saved = json.loads(bytes(content).decode("utf-8"))
        answers = saved["answers"]
        if not isinstance(answers, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "That file is not a saved-answers file: choose the <code>..._my_answers.json</code> you downloaded."
    if saved.get("assignment") not in (None, exercises.current_assignment()):
        return f"That file holds answers to {html.escape(str(saved['assignment']))}, not to this exercise set."
    lines = [f"answer_{q[1:]} = {v!r}" for q, v in answers.items() if isinstance(q, str) and q.startswith("q")]
    body = html.escape("\n".join(lines)) or "(no answers in the file)"
    return (f"Answers saved on {html.escape(str(saved.get('saved_at', '?')))}. Paste each line into its answer cell "
            f"and run it:<pre>{body}</pre>")


def keep_your_work() -> widgets.VBox:
    """The *Save my answers* and *Restore answers* controls, with a line that says what happened."""
    wide = widgets.Layout(width="auto")  # room for the whole label
    button = widgets.Button(description="Save my answers", icon="download", button_style="info", layout=wide)
    upload = widgets.FileUpload(accept=".json", multiple=False, description="Restore answers", layout=wide)
    message = widgets.HTML("On Binder, save before you leave: your edits are lost after about 10 idle minutes.")

    def on_save(_button) -> None:
        try:
            message.value = save()[1]
        except OSError as error:
            message.value = f"Could not save here ({html.escape(str(error))}); use File → Download instead."

    def on_upload(change) -> None:
        files = change["new"]
        if files:
            message.value = restore(files[0]["content"])

    button.on_click(on_save)
    upload.observe(on_upload, names="value")
    return widgets.VBox([widgets.HBox([button, upload]), message])
