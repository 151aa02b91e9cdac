"""Durations as options take them: ``30s``, ``5m``, ``1h``, ``250ms``, or a number of seconds."""

from __future__ import annotations

import math

import click

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def seconds(text: str, option: str) -> float:
    """``text`` in seconds; a click error naming ``option`` when it is not a duration."""
    value = text.strip().lower()
    for unit in ("ms", "s", "m", "h"):
        if value.endswith(unit):
            number, scale = value[: -len(unit)], UNITS[unit]
            break
    else:
        number, scale = value, 1
    try:
        result = float(number) * scale
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a duration such as 30s, 5m or 1h", param_hint=option) from None
    if result < 0 or not math.isfinite(result):
        raise click.BadParameter("a duration must be a finite length of time, not negative", param_hint=option)
    return result
