"""Friendly answers to wrong input.

Functions that students call never show them a traceback from our code. When an argument is wrong they
return a :class:`Problem`, which a notebook displays as a short message saying what to fix.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from typing import Any, Callable, Iterable


class StudentInputError(ValueError):
    """Raised inside our code for input a student can fix; turned into a :class:`Problem` at the boundary."""


class Problem:
    """A message for the student, shown in place of the chart or table they asked for.

    It is falsy, so ``if chart:`` works, and it prints as plain text outside a notebook.
    """

    def __init__(self, message: str):
        self.message = message

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"Not quite: {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return (
            '<div role="alert" style="border-left:4px solid #E69F00;padding:4px 8px;">'
            f"<b>Not quite:</b> {html.escape(self.message)}</div>"
        )


def friendly(func: Callable) -> Callable:
    """Turn a :class:`StudentInputError` raised by ``func`` into a displayed :class:`Problem`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return func(*args, **kwargs)
        except StudentInputError as error:
            return Problem(str(error))

    return wrapper


def describe(value: Any) -> str:
    """A short, student-readable description of a value's type (``a number``, ``None``, ...)."""
    if value is None:
        return "None (nothing)"
    if isinstance(value, bool):
        return f"True/False ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"the text {value[:40]!r}" if value else "an empty text ''"
    if isinstance(value, BaseException):
        return f"an error object ({type(value).__name__})"
    return f"a {type(value).__name__}"


def _normal(text: str) -> str:
    """Fold case, spaces, hyphens and underscores so 'Sino Soviet' matches 'sino_soviet'."""
    return re.sub(r"[\s_\-–]+", "_", text.strip().casefold())


def choose_from(value: Any, options: Iterable[str], what: str) -> str:
    """Return ``value`` if it is one of ``options`` (ignoring case and spaces), else explain what to fix."""
    options = list(options)
    if not isinstance(value, str) or not value.strip():
        raise StudentInputError(f"{what} should be one of {', '.join(options)}; you gave {describe(value)}.")
    key = _normal(value)
    for option in options:
        if _normal(option) == key:
            return option
    close = difflib.get_close_matches(value.strip(), options, n=1, cutoff=0.6)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise StudentInputError(f"there is no {what} called {value!r}.{hint} Choose from: {', '.join(options)}.")


def as_list(value: Any, message: str) -> list:
    """``value`` as a non-empty list: one name becomes a list of one; anything else gets ``message``."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise StudentInputError(message)
    return list(value)


def whole_number(value: Any, what: str, low: int, high: int) -> int:
    """Return ``value`` as an int within ``[low, high]``, accepting '1969' typed as text."""
    if isinstance(value, bool) or value is None:
        raise StudentInputError(f"{what} should be a year such as {low}; you gave {describe(value)}.")
    if isinstance(value, str):
        text = value.strip()
        # str.isdigit() also accepts superscripts such as '²', which int() cannot read: only ASCII digits count
        if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()):
            raise StudentInputError(f"{what} should be a year written with digits, such as {low}; you gave {describe(value)}.")
        value = int(text)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise StudentInputError(f"{what} should be a whole year such as {low}; you gave {describe(value)}.")
        value = int(value)
    if not isinstance(value, int):
        raise StudentInputError(f"{what} should be a year such as {low}; you gave {describe(value)}.")
    if not low <= value <= high:
        raise StudentInputError(f"{what} should be between {low} and {high}; you gave {value}.")
    return value
