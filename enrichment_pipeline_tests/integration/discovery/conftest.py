"""One loopback web for the discovery integration tests: the labelled eval world + search APIs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from enrichment_pipeline.core.discovery import MatchInput
from enrichment_pipeline_tests.fixtures.discovery.eval_set import (
    DiscoveryWorld,
    build_discovery_world,
)
from enrichment_pipeline_tests.fixtures.search import SearchApis
from enrichment_pipeline_tests.fixtures.web import FixtureWeb
from enrichment_pipeline_tests.fixtures.web.faults import SlowResponse

SLOW_HOST = "slow-dealer-site.com"


@dataclass
class DiscoveryWeb:
    web: FixtureWeb
    world: DiscoveryWorld
    apis: SearchApis
    records: list[MatchInput]  # one per world case, in case order

    def cases(self, scenario: str) -> list[tuple[int, MatchInput]]:
        """(case index, record) of every case of a scenario."""
        return [
            (i, self.records[i])
            for i, case in enumerate(self.world.cases)
            if case.scenario == scenario
        ]

    def reset_apis(self) -> None:
        for api in (self.apis.searxng, self.apis.brave, self.apis.google):
            api.fail_next(0)
            api.broken_json = False


@pytest.fixture(scope="session")
def discovery_web() -> Iterator[DiscoveryWeb]:
    world = build_discovery_world()
    web = FixtureWeb()
    web.start()
    try:
        apis = world.install(web)
        web.add_fault_host(SLOW_HOST, SlowResponse(delay_s=1.5))
        yield DiscoveryWeb(web, world, apis, world.records())
    finally:
        web.stop()


@pytest.fixture
def dweb(discovery_web: DiscoveryWeb) -> Iterator[DiscoveryWeb]:
    """The session web with the search APIs' scripted failures cleared after each test."""
    discovery_web.reset_apis()
    yield discovery_web
    discovery_web.reset_apis()
