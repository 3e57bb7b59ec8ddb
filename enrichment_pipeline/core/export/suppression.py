"""The suppression list: emails or domains that must never be exported (opt-outs, customers).

`data/suppression.csv` holds one email address or domain per line (a header line and `#`
comments are allowed; only the first column is read).
"""

from __future__ import annotations

import csv
from pathlib import Path


def load_suppression_list(path: Path) -> set[str]:
    if not path.exists():
        return set()
    entries: set[str] = set()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if not row:
                continue
            value = row[0].strip().lower()
            if (
                not value
                or value.startswith("#")
                or value in {"email", "domain", "email_or_domain"}
            ):
                continue
            value = value.removeprefix("mailto:")
            if "@" not in value:
                value = value.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
            entries.add(value)
    return entries
