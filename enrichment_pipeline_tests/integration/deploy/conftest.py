from enrichment_pipeline_tests.fixtures.web.plugin import fixture_web  # noqa: F401
