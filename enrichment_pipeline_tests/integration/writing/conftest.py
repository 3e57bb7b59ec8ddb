"""Fixtures for the writer integration tests: the real llama.cpp server (session-scoped)."""

from __future__ import annotations

from enrichment_pipeline_tests.fixtures.llm_server import llm_server

__all__ = ["llm_server"]
