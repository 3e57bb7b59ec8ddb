"""The shipped suppression example parses as the README documents it."""

from __future__ import annotations

import re
from pathlib import Path

from enrichment_pipeline.core.export.suppression import load_suppression_list

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "data" / "suppression.example.csv"


def test_the_example_holds_one_address_and_one_domain() -> None:
    assert load_suppression_list(EXAMPLE) == {"jane.doe@dealer.example", "competitor.example"}


def test_the_readme_shows_the_example_as_shipped() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```csv\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    shown = [line.strip() for line in block.group(1).splitlines() if line.strip()]
    assert shown == EXAMPLE.read_text(encoding="utf-8").splitlines()


def test_urls_and_mailto_become_domains_and_addresses(tmp_path: Path) -> None:
    listed = tmp_path / "suppression.csv"
    listed.write_text(
        "Email_or_Domain\nMAILTO:Sales@Dealer.example\nhttps://www.Other.example/contact\n\n",
        encoding="utf-8",
    )
    assert load_suppression_list(listed) == {"sales@dealer.example", "other.example"}
