"""The Dagster UI in a real browser: our assets on the graph, a completed materialisation with
its metadata, a check that says why rows were rejected, and a run named after the user's file.

One `dagster dev` for every check (it is the slow part); the system Chromium drives the UI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from enrichment_pipeline_tests.fixtures.dagster_ui import (
    ASSET_NAMES,
    CHROMIUM_ARGS,
    chromium_path,
    demo_ui,
    open_ui,
    show_asset_graph,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_ui_shows_our_assets_and_a_completed_materialisation(tmp_path: Path) -> None:
    browser_binary = chromium_path()
    if browser_binary is None:
        pytest.skip("Chromium is not installed (sudo apt-get install chromium, or ENRICH_CHROMIUM)")
    from playwright.sync_api import expect, sync_playwright

    with demo_ui(tmp_path) as ui, sync_playwright() as playwright:
        assert ui.run["status"] == "SUCCESS", ui.server.tail()
        browser = playwright.chromium.launch(executable_path=browser_binary, args=CHROMIUM_ARGS)
        try:
            page = open_ui(browser, ui.url)

            show_asset_graph(page, ui.url)
            for name in ASSET_NAMES:
                expect(page.get_by_text(name, exact=True).first).to_be_visible()

            # The export's latest materialisation, with the funnel and the report link.
            page.goto(f"{ui.url}/assets/enriched_export?view=events", wait_until="load")
            expect(page.get_by_text(f"Partition {ui.partition}").first).to_be_visible()
            expect(page.get_by_text("materialized in run").first).to_be_visible()
            expect(page.get_by_text(str(ui.report)).first).to_be_visible()
            expect(page.get_by_text("email ready to send").first).to_be_visible()

            # The user-facing description is what the asset page shows.
            page.goto(f"{ui.url}/assets/enriched_export", wait_until="load")
            expect(page.get_by_text("Your results: the enriched spreadsheet").first).to_be_visible()

            # The rejected rows' check says how many rows could not be used, and why.
            page.goto(f"{ui.url}/assets/rejected_records?view=checks", wait_until="load")
            page.get_by_text("rejection_rate", exact=True).first.click()
            expect(
                page.get_by_text("2 of 26 rows (8%) could not be used; most common:").first
            ).to_be_visible()

            # The run list names the file the run is for.
            page.goto(f"{ui.url}/runs", wait_until="load")
            expect(page.get_by_text("Success").first).to_be_visible()
            expect(
                page.get_by_text("enrich/source_file: florida_dealers_sample.csv").first
            ).to_be_visible()
        finally:
            browser.close()
    assert ui.report.exists()
