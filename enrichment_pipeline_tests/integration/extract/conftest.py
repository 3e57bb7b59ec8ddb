"""Fixture-web fixtures for the extraction integration tests."""

from enrichment_pipeline_tests.fixtures.web.plugin import fixture_web, web_config  # noqa: F401
