"""Fixtures shared by the whole suite.

The loopback fixture web (`fixture_web`, `web_config`) is registered once here, so one session
server serves every test directory instead of one per conftest that imports it.
"""

pytest_plugins = ["enrichment_pipeline_tests.fixtures.web.plugin"]
