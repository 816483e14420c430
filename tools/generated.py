"""Generated sections inside hand-written Markdown files, between an HTML-comment start and end marker."""


def replace_section(text: str, start: str, end: str, body: str) -> str:
    """``text`` with whatever stands between ``start`` and ``end`` replaced by ``body``."""
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}\n{end}{tail}"
