"""Exercise checks: instant feedback for students, hashed answer keys, and the verdict function the grader uses.

A student notebook calls ``start("00_start_here")`` once, then ``check("q0_1", answer_0_1)`` after each answer.
Expected answers live in ``keys/<assignment>.json`` only as salted SHA-256 digests, together with digests of
common mistakes and the feedback each deserves, so the key never shows an answer in readable form.

Question kinds: ``date``, ``number``, ``name``, ``choice`` (an id from ``data/``), ``order`` (ids in order),
``set`` (ids in any order) and ``text`` (a short written argument: recorded with its rubric, not auto-graded).

No check ever raises: whatever a student passes, they get a :class:`Feedback` that says what to fix.
:func:`verdict` is the comparison itself; the grader (``grade.py``) calls it outside the student's kernel, so a
student who replaces ``check`` or the hashing in their notebook changes only what their own notebook shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import numbers
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from .glossary import fold, spellings
from .messages import Problem, describe

KINDS = ("date", "number", "name", "choice", "order", "set", "text")
#: What a question practises: the historical-thinking skills of the Stanford History Education Group's "Reading
#: Like a Historian", or a data skill. The instructor guide shows which lessons practise which.
SKILLS = ("sourcing", "contextualization", "close reading", "corroboration", "data: finding a record",
          "data: counting and filtering", "data: ordering by date", "data: reading a chart", "data: comparing figures")
#: Environment variable: where ``question`` writes the hashed key (``make exercises`` sets it).
KEY_OUT = "RAPPROCHEMENT_KEY_OUT"

_questions: dict[str, dict] = {}  # the loaded key: question id -> hashed spec
_answers: dict[str, Any] = {}  # the last answer checked per question, for "save my answers"
_assignment: str | None = None


# --- feedback ---------------------------------------------------------------------------------------------

@dataclass
class Feedback:
    """What a check says. ``status`` is correct, incorrect, unanswered, recorded or invalid."""

    question: str
    status: str
    message: str
    points: float | None = 0.0
    max_points: float | None = None

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        mark = {"correct": "✔ Correct", "recorded": "✎ Recorded", "unanswered": "… Not answered yet"}
        return f"{self.question}: {mark.get(self.status, '✘ Not yet')}. {self.message}".strip()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {"correct": "#009E73", "recorded": "#0072B2", "unanswered": "#999999"}.get(self.status, "#D55E00")
        return (f'<div role="status" style="border-left:4px solid {colour};padding:4px 8px;">'
                f"{html.escape(str(self))}</div>")


# --- normalising answers ----------------------------------------------------------------------------------

class _Wrong(Exception):
    """An answer of the wrong kind; the message says what to give instead."""


def _digest(question: str, text: str) -> str:
    """Salted digest of a normalised answer: the key stores these, never the answers."""
    return hashlib.sha256(f"rapprochement:{question}:{text}".encode()).hexdigest()[:20]


_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")


def _as_date(value: Any) -> str:
    """An ISO date string (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) from text, a date or a timestamp."""
    if isinstance(value, dt.datetime) or type(value).__name__ in ("Timestamp", "datetime64"):
        try:
            value = value.date() if hasattr(value, "date") else dt.date.fromisoformat(str(value)[:10])
        except (ValueError, TypeError, OverflowError):
            raise _Wrong("that timestamp could not be read as a date; write the date as text, 'YYYY-MM-DD'.")
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise _Wrong(f"a date is expected, written as text such as '1972-02-21'; you gave {describe(value)}.")
    text = value.strip()
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
        parts = [int(p) for p in text.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            raise _Wrong(f"{text!r} is not a real date; check the month and day.")
        return text
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise _Wrong(f"{text!r} is not a date this check can read; write it as 'YYYY-MM-DD', e.g. '1972-02-21'.")


def _as_number(value: Any, decimals: int) -> float:
    if isinstance(value, bool) or value is None:
        raise _Wrong(f"a number is expected; you gave {describe(value)}.")
    if isinstance(value, str):
        hint = " without the quotes" if re.fullmatch(r"\s*-?[\d.,]+\s*", value) else ""
        raise _Wrong(f"a number is expected, not text; you gave {describe(value)}. Write the number{hint}.")
    if type(value).__name__ in ("DataFrame", "Series"):
        raise _Wrong(f"a single number is expected, not a table; you gave {describe(value)}. "
                     "len(table) counts its rows.")
    if not isinstance(value, numbers.Real):
        raise _Wrong(f"a number is expected; you gave {describe(value)}.")
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        raise _Wrong("the answer is not a finite number (NaN or infinity): check the calculation.")
    if abs(number) > 1e15:
        raise _Wrong("that number is far too large for this question: check the calculation.")
    return round(number, decimals)


def _fmt_number(number: float, decimals: int) -> str:
    return f"{number:.{decimals}f}"


def _as_text(value: Any, what: str = "text") -> str:
    if not isinstance(value, str):
        raise _Wrong(f"{what} is expected, in quotes; you gave {describe(value)}.")
    if not value.strip():
        raise _Wrong(f"the answer is empty: write the {what} between the quotes.")
    return value


def _as_ids(value: Any) -> list[str]:
    """A list of ids from a list, tuple, set, Series or a comma-separated string."""
    if isinstance(value, str):
        items = [v for v in re.split(r"[,;\s]+", value) if v]
    elif type(value).__name__ == "Series" or isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    elif type(value).__name__ == "DataFrame":
        raise _Wrong("a list of ids is expected, not a whole table; take its id column, e.g. table['event_id'].")
    else:
        raise _Wrong(f"a list of ids is expected, such as ['ev001', 'ev002']; you gave {describe(value)}.")
    if not items:
        raise _Wrong("the list is empty: put the ids between the brackets.")
    if not all(isinstance(i, str) for i in items):
        raise _Wrong("every id should be text in quotes, such as 'ev001'.")
    return [i.strip().lower() for i in items]


# --- the key ----------------------------------------------------------------------------------------------

def _key_path(assignment: str) -> Path:
    return Path(str(resources.files("rapprochement") / "keys" / f"{assignment}.json"))


def start(assignment: str, show_save: bool = True):
    """Load the questions of ``assignment`` (e.g. ``"00_start_here"``) and show the "keep your work" buttons."""
    global _assignment
    path = _key_path(assignment)
    if os.environ.get(KEY_OUT):  # `make exercises` is writing this key: the questions come from question(...)
        key = {"questions": {}}
    elif not path.is_file():
        return Problem(f"no exercise set called {assignment!r}; check the name in the first cell.")
    else:
        key = json.loads(path.read_text(encoding="utf-8"))
    _questions.clear()
    _questions.update(key["questions"])
    _answers.clear()
    _assignment = assignment
    if show_save:
        from .keep import keep_your_work

        return keep_your_work()
    return None


def question(qid: str, kind: str, answer: Any, points: float = 1, mistakes: dict | None = None,
             decimals: int = 0, accept: str = "exact", rubric: list[str] | None = None, min_words: int = 0,
             prompt: str = "", skill: str = "") -> None:
    """Declare a question and its answer (solution notebooks only, inside ``### BEGIN HIDDEN`` blocks).

    ``mistakes`` maps a plausible wrong answer to the feedback it deserves. ``accept="either"`` on a ``name``
    question also accepts the person's other spellings (pinyin or Wade–Giles). The answer is hashed at once;
    when ``make exercises`` runs the notebook, the hashed spec is also written to the package's key file.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    if skill not in SKILLS:
        raise ValueError(f"skill must be one of {SKILLS}")
    spec: dict[str, Any] = {"kind": kind, "points": None if kind == "text" else points, "prompt": prompt, "skill": skill}
    normal = lambda v: _normalise(qid, spec, v)  # noqa: E731
    if kind == "number":
        spec["decimals"] = decimals
    if kind == "text":
        spec.update(rubric=rubric or [], min_words=min_words, rubric_points=points)
    elif kind in ("order", "set"):
        ids = _as_ids(answer)
        spec["size"] = len(ids)
        spec["members"] = sorted(_digest(qid, i) for i in ids)
        spec["answer"] = [_digest(qid, ",".join(ids if kind == "order" else sorted(ids)))]
        if kind == "order":
            spec["positions"] = [_digest(qid, f"{n}:{i}") for n, i in enumerate(ids)]
    else:
        answers = [normal(answer)]
        if kind == "name" and accept == "either":
            answers += [fold(s) for s in spellings(str(answer))]
        spec["answer"] = sorted({_digest(qid, a) for a in answers})
    spec["mistakes"] = {_digest(qid, normal(wrong)): feedback for wrong, feedback in (mistakes or {}).items()}
    _questions[qid] = spec
    out = os.environ.get(KEY_OUT)
    if out:
        path = Path(out)
        key = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"questions": {}}
        key["questions"][qid] = spec
        path.write_text(json.dumps(key, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _normalise(qid: str, spec: dict, value: Any) -> str:
    kind = spec["kind"]
    if kind == "date":
        return _as_date(value)
    if kind == "number":
        return _fmt_number(_as_number(value, spec.get("decimals", 0)), spec.get("decimals", 0))
    if kind == "name":
        return fold(_as_text(value, "a name"))  # as the glossary compares: case, accents, hyphens, spaces ignored
    if kind == "choice":
        return _as_text(value, "an id").strip().lower()
    if kind in ("order", "set"):
        ids = _as_ids(value)
        return ",".join(ids if kind == "order" else sorted(ids))
    return _as_text(value)


# --- checking ---------------------------------------------------------------------------------------------

def check(qid: Any, answer: Any = Ellipsis) -> Feedback:
    """Check ``answer`` to question ``qid`` and say at once whether it is right, and if not, what kind of wrong."""
    try:
        feedback = _check(qid, answer)
    except Exception as error:  # a check must never show a student a traceback
        feedback = Feedback(str(qid), "invalid", f"this answer could not be checked ({type(error).__name__}). "
                                                 "Check what you typed; if it looks right, tell your instructor.")
    return feedback


def _check(qid: Any, answer: Any) -> Feedback:
    if not isinstance(qid, str) or qid not in _questions:
        if not _questions:
            return Feedback(str(qid), "invalid", "run the notebook's first code cell (the one with start(...)) first.")
        known = ", ".join(sorted(_questions))
        return Feedback(str(qid), "invalid", f"there is no question {qid!r} here; the questions are {known}.")
    if answer is not Ellipsis:
        _answers[qid] = answer
    return verdict(qid, _questions[qid], answer)


def verdict(qid: str, spec: dict, answer: Any) -> Feedback:
    """The feedback ``answer`` earns against the hashed ``spec``: what ``check`` shows and the grader scores.

    A pure function of its arguments (no notebook state), so the grader calls it in its own process with the key
    it read itself and a value handed back from the sandbox; ``Ellipsis`` means the cell still holds ``...``.
    """
    points = spec.get("points")
    if answer is Ellipsis:
        return Feedback(qid, "unanswered", "Replace the ... in the answer cell with your answer, run it, then run this cell.",
                        0.0 if points is not None else None, points)
    if spec["kind"] == "text":
        return _check_text(qid, spec, answer)
    try:
        normal = _normalise(qid, spec, answer)
    except _Wrong as wrong:
        return Feedback(qid, "invalid", f"Wrong type: {wrong}", 0.0, points)
    digest = _digest(qid, normal)
    if digest in spec["answer"]:
        return Feedback(qid, "correct", "", points, points)
    if digest in spec["mistakes"]:
        return Feedback(qid, "incorrect", spec["mistakes"][digest], 0.0, points)
    hint = _diagnose(qid, spec, answer, normal)
    return Feedback(qid, "incorrect", hint, 0.0, points)


def _diagnose(qid: str, spec: dict, answer: Any, normal: str) -> str:
    """Say what kind of wrong, without giving the answer away."""
    kind = spec["kind"]
    if kind == "date":
        day = dt.date.fromisoformat(normal) if len(normal) == 10 else None
        if day:
            for shift in (-1, 1):
                if _digest(qid, (day + dt.timedelta(days=shift)).isoformat()) in spec["answer"]:
                    return ("Off by one day. Check the time zone: Washington is 13 hours behind Beijing "
                            "(EST, UTC−5, against UTC+8), so one moment can fall on two dates.")
            days = [(day.replace(day=1) + dt.timedelta(days=d)) for d in range(31)]
            if any(d.month == day.month and _digest(qid, d.isoformat()) in spec["answer"] for d in days):
                return "Right month, wrong day: look at the event's date and its sources again."
        elif any(_digest(qid, f"{normal}-{m:02d}-{d:02d}") in spec["answer"] for m in range(1, 13) for d in range(1, 32)) \
                or any(_digest(qid, f"{normal}-{d:02d}") in spec["answer"] for d in range(1, 32)):
            return "Right period, but the question wants the full date, 'YYYY-MM-DD'."
        return "Not this date. Find the event in the timeline or in load_events() and read its date."
    if kind == "number":
        decimals = spec.get("decimals", 0)
        value = float(answer)  # unrounded: 0.0959 must still be found as 95.9 in thousandths
        for factor, unit in ((1000, "thousands"), (1 / 1000, "thousands"), (1e6, "millions"), (1e-6, "millions"),
                             (100, "per cent"), (0.01, "per cent")):
            if _digest(qid, _fmt_number(round(value * factor, decimals), decimals)) in spec["answer"]:
                return f"Check the unit: your number is off by a factor of {factor:g} ({unit}). Read the table's unit column."
        return "Not this number. Check which rows you counted or which column you used."
    if kind == "name":
        if any(_digest(qid, fold(s)) in spec["answer"] for s in spellings(str(answer))):
            return ("Right person, other spelling: this question asks for the pinyin form used today, "
                    "not the Wade–Giles form of 1970s US documents (or the other way round; read the question).")
        return "Not this name. Look it up with rp.lookup(...) and check the spelling."
    if kind == "choice":
        return "Not this one. Open the document or event with that id and check whether it really supports the claim."
    members = set(spec["members"])
    ids = normal.split(",")
    hits = sum(_digest(qid, i) in members for i in ids)
    if kind == "set":
        extra = len(ids) - hits
        return f"{hits} of {spec['size']} right" + (f", and {extra} that do not belong." if extra else ".")
    if len(ids) != spec["size"] or hits != spec["size"]:
        return f"The list should hold exactly the {spec['size']} ids given in the question, each once."
    placed = sum(_digest(qid, f"{n}:{i}") in set(spec["positions"]) for n, i in enumerate(ids))
    return f"All the right events, but only {placed} of {spec['size']} in the right place. Compare their dates."


def _check_text(qid: str, spec: dict, answer: Any) -> Feedback:
    rubric = "; ".join(spec.get("rubric", []))
    if not isinstance(answer, str) or not answer.strip():
        return Feedback(qid, "invalid", f"Write your argument as text between the quotes. It will be read against this "
                                        f"rubric: {rubric}", None, None)
    words = len(answer.split())
    if words < spec.get("min_words", 0):
        return Feedback(qid, "invalid", f"Only {words} words: write at least {spec['min_words']}. Rubric: {rubric}",
                        None, None)
    return Feedback(qid, "recorded", f"Your {words}-word answer is saved for your instructor, who will mark it "
                                     f"against this rubric ({spec.get('rubric_points')} points): {rubric}", None, None)


def questions() -> dict[str, dict]:
    """The loaded questions (hashed specs), by id."""
    return dict(_questions)


def answers() -> dict[str, Any]:
    """The last answer checked for each question in this session."""
    return dict(_answers)


def current_assignment() -> str | None:
    return _assignment
