"""How far the data rests on authorities: sources by tier, the share of web pages, and rows still unverified.

    python3 -m tools.source_report

Standard library only, so it runs before any environment is set up.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def report() -> str:
    tiers = Counter(source["tier"] for source in rows("sources.csv"))
    total = sum(tiers.values())
    lines = [f"{total} sources: " + ", ".join(f"{tier} {n}" for tier, n in tiers.most_common()),
             f"web pages: {tiers['web']} of {total} = {tiers['web'] / total:.1%}"]
    for path in sorted(DATA.glob("*.csv")):
        unverified = sum(row.get("confidence") == "unverified" for row in rows(path.name))
        if unverified:
            lines.append(f"{path.name}: {unverified} rows unverified (kept out of the lessons)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
