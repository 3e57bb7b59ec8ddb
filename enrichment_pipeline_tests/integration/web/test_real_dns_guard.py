"""Without a host map the resolver uses real name resolution; loopback answers are refused.

Only `localhost` (from /etc/hosts) and literal addresses are used: no test leaves the machine.
"""

from __future__ import annotations

import asyncio

import pytest

from enrichment_pipeline.core.web import FetchConfig, Fetcher, FetchResult
from enrichment_pipeline_tests.fixtures.web.plugin import SessionWeb


@pytest.mark.parametrize(
    "template",
    [
        "http://localhost:{port}/",
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f.0.0.1:{port}/",
        "http://127.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
    ],
)
def test_loopback_is_unreachable_without_the_host_map(
    fixture_web: SessionWeb, template: str
) -> None:
    url = template.format(port=fixture_web.port)
    before = len(fixture_web.log)

    async def go() -> tuple[FetchResult, bool]:
        async with Fetcher(FetchConfig(retries=0)) as fetcher:
            return await fetcher.fetch(url), await fetcher.resolves("localhost")

    result, resolvable = asyncio.run(go())
    assert result.error_kind == "blocked_address", result.error
    assert not resolvable
    assert len(fixture_web.log) == before
