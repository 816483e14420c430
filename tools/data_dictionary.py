"""The data dictionary in data/README.md, generated from data/datapackage.json so the two never disagree.

    python -m tools.data_dictionary --write
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tools.generated import replace_section

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = ROOT / "data" / "datapackage.json"
README = ROOT / "data" / "README.md"
START, END = "<!-- dictionary:start -->", "<!-- dictionary:end -->"


def dictionary() -> str:
    """One section per table: what it holds, its key, and a row per field."""
    package = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    parts = []
    for resource in package["resources"]:
        schema = resource["schema"]
        key = f" Primary key: `{schema['primaryKey']}`." if "primaryKey" in schema else ""
        parts += [f"### `{resource['path']}`", "", resource["description"] + key, "",
                  "| Field | Type | Required | Meaning |", "|---|---|---|---|"]
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            meaning = field["description"]
            if "enum" in constraints:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in constraints["enum"]) + "."
            required = "yes" if constraints.get("required") else ""
            parts.append(f"| `{field['name']}` | {field['type']} | {required} | {meaning} |")
        parts.append("")
    return "\n".join(parts).rstrip()


def with_dictionary(text: str) -> str:
    """README text with the generated section replaced by the current one."""
    return replace_section(text, START, END, dictionary())


if __name__ == "__main__":
    if "--write" in sys.argv:
        README.write_text(with_dictionary(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(dictionary())
