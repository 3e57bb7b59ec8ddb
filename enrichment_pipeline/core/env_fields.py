"""Typed settings from environment variables, with errors that name the variable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# Environment variable -> (config field, parser of the stripped text).
EnvFields = Mapping[str, tuple[str, Callable[[str], Any]]]


def read_env_fields(env: Mapping[str, str], fields: EnvFields) -> dict[str, Any]:
    """Field values for the variables that are set (blank counts as unset).

    A value that does not parse raises `ValueError` naming the variable and the expected type:
    a configuration mistake should stop a run before it starts, not fall back silently.
    """
    values: dict[str, Any] = {}
    for variable, (name, parse) in fields.items():
        raw = (env.get(variable) or "").strip()
        if not raw:
            continue
        try:
            values[name] = parse(raw)
        except ValueError:
            raise ValueError(f"{variable}={raw!r} is not a valid {parse.__name__}") from None
    return values
