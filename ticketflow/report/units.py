"""How the report writes values: durations in the two largest units, counts, shares, times."""

from __future__ import annotations

import math
from datetime import date, datetime

UNITS = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))


def format_duration(seconds: float | None) -> str:
    """Seconds as the two largest units: 187200 -> '2d 4h', 90 -> '1m 30s', None -> '-'."""
    if seconds is None:
        return "-"
    sign = "-" if seconds < 0 else ""
    total = math.floor(abs(seconds) + 0.5)
    index = _unit_index(total)
    if index + 1 < len(UNITS):
        step = UNITS[index + 1][1]
        total = (total + step // 2) // step * step
        index = _unit_index(total)
    unit, size = UNITS[index]
    parts = [f"{total // size}{unit}"]
    if index + 1 < len(UNITS):
        minor_unit, minor = UNITS[index + 1]
        if rest := total % size // minor:
            parts.append(f"{rest}{minor_unit}")
    return sign + " ".join(parts)


def _unit_index(total: int) -> int:
    return next((i for i, (_, size) in enumerate(UNITS) if total >= size), len(UNITS) - 1)


def format_hours(seconds: float | None) -> str:
    """A business-hours duration in hours, never days (24 business hours are not a day):
    86400 -> '24h', 171000 -> '47h 30m', under an hour as `format_duration`."""
    if seconds is None or abs(seconds) < 3_600:
        return format_duration(seconds)
    sign = "-" if seconds < 0 else ""
    minutes = math.floor(abs(seconds) / 60 + 0.5)
    hours, rest = divmod(minutes, 60)
    return f"{sign}{hours:,}h" + (f" {rest}m" if rest else "")


def format_count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def format_share(value: float | None) -> str:
    """A share as a percentage with one decimal: 0.9312 -> '93.1%', None -> '-'."""
    return "-" if value is None else f"{value * 100:.1f}%"


def format_time(moment: datetime | None) -> str:
    """A UTC instant."""
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC" if moment else "-"


def format_local_time(moment: datetime | None) -> str:
    """An account-local wall time, to the minute (the zone is stated once, in the header)."""
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


def format_date(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "-"
