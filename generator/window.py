"""The generation window: account-local days in UTC, working hours, timestamp formatting."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from functools import cache

from .config import GeneratorConfig

DAY = 86400
HOUR = 3600
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Window:
    """`days` account-local days from local midnight of `start`, as UTC epoch seconds.

    `begin` is the first second, `end` the first second after the window. The account's UTC
    offset is fixed (no daylight saving), so every local day is 86,400 seconds long.
    """

    start: dt.date
    days: int
    utc_offset_seconds: int

    @property
    def begin(self) -> int:
        midnight = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC)
        return int(midnight.timestamp()) - self.utc_offset_seconds

    @property
    def end(self) -> int:
        return self.begin + self.days * DAY

    def day(self, index: int) -> dt.date:
        """The local date of day `index` of the window."""
        return self.start + dt.timedelta(days=index)


@dataclass(frozen=True)
class Hours:
    """Per-hour tables of the window, in local time.

    `cumulative[h]` is the cumulative creation weight up to the end of window hour h (used to
    place creations, weighted toward working hours); `next_work[h]` is the first working hour
    at or after hour h (used to push agent actions into working hours), or -1 if none.
    """

    cumulative: tuple[float, ...]
    is_work: tuple[bool, ...]
    next_work: tuple[int, ...]


def working_hours(window: Window, config: GeneratorConfig) -> Hours:
    """The hour tables of `window` under `config`'s calendar."""
    work, evening, night, weekend = config.hour_weights
    weights, is_work = [], []
    for hour in range(window.days * 24):
        local = window.day(hour // 24)
        clock = hour % 24
        workday = local.weekday() in config.workdays
        working = workday and config.work_start_hour <= clock < config.work_end_hour
        if working:
            weight = work
        elif not workday:
            weight = weekend
        elif 7 <= clock < 22:
            weight = evening
        else:
            weight = night
        weights.append(weight)
        is_work.append(working)
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    next_work, upcoming = [0] * len(is_work), -1
    for hour in range(len(is_work) - 1, -1, -1):
        if is_work[hour]:
            upcoming = hour
        next_work[hour] = upcoming
    return Hours(tuple(cumulative), tuple(is_work), tuple(next_work))


def creation_second(hours: Hours, fraction: float) -> float:
    """Seconds after the window begins at which `fraction` of the creation weight is reached."""
    cumulative = hours.cumulative
    total = cumulative[-1]
    if total <= 0:
        return fraction * len(cumulative) * HOUR
    target = fraction * total
    hour = bisect.bisect_right(cumulative, target)
    hour = min(hour, len(cumulative) - 1)
    before = cumulative[hour - 1] if hour else 0.0
    width = cumulative[hour] - before
    within = (target - before) / width if width > 0 else 0.0
    return (hour + within) * HOUR


@cache
def _clock() -> tuple[str, ...]:
    return tuple(
        f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d} +0000"
        for second in range(DAY)
    )


class Stamper:
    """Formats epoch seconds as `%d-%m-%Y %H:%M:%S +0000`, fast (cached per day)."""

    def __init__(self) -> None:
        self._clock = _clock()
        self._days: dict[int, str] = {}

    def __call__(self, epoch: int) -> str:
        day, second = divmod(epoch, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
            prefix = self._days[day] = f"{date.day:02d}-{date.month:02d}-{date.year:04d} "
        return prefix + self._clock[second]


@cache
def shipment_date(day: int) -> str:
    """UTC day number `day` (epoch // 86400) as Freshdesk writes shipment dates: `21 Apr, 2017`."""
    date = dt.date(1970, 1, 1) + dt.timedelta(days=day)
    return f"{date.day:02d} {_MONTHS[date.month - 1]}, {date.year}"
