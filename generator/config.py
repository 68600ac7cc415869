"""Generator configuration: every valid value and the ticket workflow.

`DEFAULTS` is the default configuration (the original system's `system_config.py`). A user TOML
file overrides any part of it: sections merge key by key, and so do the per-status tables of
`workflow.transitions` and `workflow.dwell`; any other value given replaces the default whole
(a `[values.groups]` table is the complete list of groups). `load_config` validates the result
and raises `ConfigError` with one line naming the offending key.

Weighted tables (`values.groups`, `values.priorities`, ...) map a value to a relative weight.
`workflow.transitions.<status>` maps each next status to its probability (they sum to 1); a
status with no transitions (an empty table, `Closed` by default) ends the ticket's workflow.
`workflow.dwell.<status>` is the time spent in a status before the next transition: log-normal
with `median_minutes` and `sigma`, times `priority_factors.<priority>` when given.

An override file, for example:

    [workflow.transitions.Resolved]   # reopen one resolved ticket in five
    Closed = 0.8
    Open = 0.2

    [values.groups]                   # the complete list of groups, with weights
    support = 3
    billing = 1
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

OPEN = "Open"
PENDING = "Pending"
RESOLVED = "Resolved"
CLOSED = "Closed"
WAITING_ON_CUSTOMER = "Waiting for Customer"
WAITING_ON_THIRD_PARTY = "Waiting for Third Party"
SOLVED = frozenset({RESOLVED, CLOSED})

DEFAULTS: dict[str, Any] = {
    "account": {
        "id": 1000001,
        "utc_offset_minutes": -360,
        "first_ticket_id": 1,
    },
    "values": {
        "statuses": [
            OPEN,
            PENDING,
            RESOLVED,
            CLOSED,
            WAITING_ON_CUSTOMER,
            WAITING_ON_THIRD_PARTY,
        ],
        "priorities": {"1": 30, "2": 45, "3": 17, "4": 8},
        "sources": {"1": 42, "2": 20, "3": 15, "7": 14, "9": 4, "10": 5},
        "groups": {
            "technical support": 35,
            "billing": 20,
            "refund": 12,
            "shipping": 20,
            "escalations": 8,
            "sales": 5,
        },
        "categories": {
            "Phone": 30,
            "Laptop": 20,
            "Tablet": 15,
            "Accessories": 20,
            "Wearables": 10,
            "Software": 5,
        },
        "products": {"mobile": 40, "web": 30, "desktop": 20, "api": 10},
        "issue_types": {
            "Incident": 35,
            "Question": 30,
            "Problem": 15,
            "Refund": 10,
            "Feature Request": 10,
        },
        "note_types": {
            "0": "Reply",
            "1": "Forward",
            "2": "Reply to forward",
            "3": "Private note",
            "4": "Public note",
            "5": "Phone note",
            "6": "Broadcast note",
        },
        "sla_policies": {"Default SLA Policy": 70, "Premium Support": 30},
        "tags": {
            "vip": 10,
            "refund": 15,
            "delivery": 20,
            "bug": 20,
            "urgent": 10,
            "follow-up": 25,
        },
    },
    "people": {
        "agents_per_group": 8,
        "requesters": 20000,
    },
    "calendar": {
        "work_start_hour": 9,
        "work_end_hour": 18,
        "workdays": [0, 1, 2, 3, 4],
        "work_weight": 1.0,
        "evening_weight": 0.2,
        "night_weight": 0.04,
        "weekend_weight": 0.08,
        "agent_work_hours_share": 0.85,
    },
    "workflow": {
        "transitions": {
            OPEN: {
                PENDING: 0.18,
                WAITING_ON_CUSTOMER: 0.34,
                WAITING_ON_THIRD_PARTY: 0.08,
                RESOLVED: 0.40,
            },
            PENDING: {OPEN: 0.45, WAITING_ON_CUSTOMER: 0.2, RESOLVED: 0.35},
            WAITING_ON_CUSTOMER: {OPEN: 0.72, RESOLVED: 0.18, CLOSED: 0.10},
            WAITING_ON_THIRD_PARTY: {OPEN: 0.55, PENDING: 0.2, RESOLVED: 0.25},
            RESOLVED: {CLOSED: 0.9, OPEN: 0.1},
            CLOSED: {},
        },
        "dwell": {
            OPEN: {
                "median_minutes": 150,
                "sigma": 1.1,
                "priority_factors": {"1": 1.6, "2": 1.0, "3": 0.5, "4": 0.2},
            },
            PENDING: {
                "median_minutes": 300,
                "sigma": 1.0,
                "priority_factors": {"1": 1.5, "2": 1.0, "3": 0.6, "4": 0.3},
            },
            WAITING_ON_CUSTOMER: {"median_minutes": 720, "sigma": 1.2},
            WAITING_ON_THIRD_PARTY: {"median_minutes": 1440, "sigma": 0.9},
            RESOLVED: {"median_minutes": 2880, "sigma": 0.35},
        },
        "max_changes": 40,
    },
    "activity": {
        "agent_created_sources": [3, 10],
        "contacted_customer": 0.4,
        "shipping_address_known": 0.6,
        "unassigned_at_creation": 0.1,
        "automation_on_creation": 0.3,
        "sla_on_creation": 0.85,
        "sla_hours": {"1": 72, "2": 48, "3": 24, "4": 8},
        "public_reply_as_note": 0.15,
        "private_note": 0.3,
        "customer_follow_up": 0.15,
        "priority_change": 0.05,
        "group_change": 0.05,
        "reassignment": 0.08,
        "tags_added": 0.1,
        "reminder": 0.5,
    },
}

# Tables merged key by key with the user's file; any other value is replaced whole.
_MERGED = {
    (),
    ("account",),
    ("values",),
    ("people",),
    ("calendar",),
    ("workflow",),
    ("workflow", "transitions"),
    ("workflow", "dwell"),
    ("activity",),
}
# Merged tables whose keys are statuses (so new keys are allowed).
_OPEN_TABLES = {("workflow", "transitions"), ("workflow", "dwell")}
_PROBABILITIES = (
    "contacted_customer",
    "shipping_address_known",
    "unassigned_at_creation",
    "automation_on_creation",
    "sla_on_creation",
    "public_reply_as_note",
    "private_note",
    "customer_follow_up",
    "priority_change",
    "group_change",
    "reassignment",
    "tags_added",
    "reminder",
)
_PRIORITIES = (1, 2, 3, 4)
_USED_NOTE_TYPES = (0, 3, 4)


@dataclass(frozen=True)
class Weighted:
    """Values with cumulative weights, for drawing with `bisect`."""

    values: tuple[Any, ...]
    cumulative: tuple[float, ...]

    @property
    def total(self) -> float:
        return self.cumulative[-1]


@dataclass(frozen=True)
class Dwell:
    """Log-normal time in a status: `median_minutes * exp(sigma * N(0,1)) * factor[priority]`."""

    median_seconds: float
    sigma: float
    priority_factors: dict[int, float]


@dataclass(frozen=True)
class GeneratorConfig:
    """A validated configuration, ready for the generator."""

    account_id: int
    utc_offset_seconds: int
    first_ticket_id: int
    statuses: tuple[str, ...]
    priorities: Weighted
    sources: Weighted
    groups: Weighted
    categories: Weighted
    products: Weighted
    issue_types: Weighted
    note_types: dict[int, str]
    sla_policies: Weighted
    tags: Weighted
    agents_per_group: int
    requesters: int
    work_start_hour: int
    work_end_hour: int
    workdays: frozenset[int]
    hour_weights: tuple[float, float, float, float]
    agent_work_hours_share: float
    transitions: dict[str, Weighted]
    dwell: dict[str, Dwell]
    max_changes: int
    agent_created_sources: frozenset[int]
    probabilities: dict[str, float]
    sla_hours: dict[int, float]


def default_config() -> GeneratorConfig:
    """The default configuration, validated."""
    return build_config(DEFAULTS)


def load_config(path: Path | str | None) -> GeneratorConfig:
    """The defaults overridden by the TOML file at `path` (None: the defaults alone)."""
    if path is None:
        return default_config()
    path = Path(path)
    try:
        with path.open("rb") as handle:
            user = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text") from error
    try:
        return build_config(_without_removed_statuses(merge(DEFAULTS, user), user))
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from error


def merge(
    base: dict[str, Any], override: dict[str, Any], at: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`base` overridden by `override`; unknown keys in a fixed section are refused."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        path = (*at, key)
        if at in _MERGED and at not in _OPEN_TABLES and key not in base:
            raise ConfigError(f"{_name(path)}: unknown key")
        if path in _MERGED:
            if not isinstance(value, dict):
                raise ConfigError(f"{_name(path)}: expected a table")
            merged[key] = merge(base.get(key, {}), value, path)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _without_removed_statuses(merged: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """Drop the default workflow entries of statuses the user's `values.statuses` removed."""
    statuses = merged["values"]["statuses"]
    if not isinstance(statuses, list):
        return merged
    for table in ("transitions", "dwell"):
        given = user.get("workflow", {}).get(table, {})
        merged["workflow"][table] = {
            status: entry
            for status, entry in merged["workflow"][table].items()
            if status in statuses or status in given
        }
    return merged


def build_config(raw: dict[str, Any]) -> GeneratorConfig:
    """Validate a configuration dictionary (shaped like `DEFAULTS`) into a `GeneratorConfig`."""
    account, values = raw["account"], raw["values"]
    people, calendar = raw["people"], raw["calendar"]
    workflow, activity = raw["workflow"], raw["activity"]

    statuses = _strings(values["statuses"], "values.statuses")
    if OPEN not in statuses:
        raise ConfigError(f'values.statuses: must include "{OPEN}" (the status of a new ticket)')
    known = set(statuses)
    transitions: dict[str, Weighted] = {}
    for status, table in _table(workflow["transitions"], "workflow.transitions").items():
        key = f"workflow.transitions.{_quote(status)}"
        if status not in known:
            raise ConfigError(f'workflow.transitions: unknown status "{status}"')
        table = _table(table, key)
        for target, probability in table.items():
            if target not in known:
                raise ConfigError(f'{key}: unknown status "{target}"')
            if target == status:
                raise ConfigError(f'{key}: "{status}" cannot move to itself')
            _probability(probability, f"{key}.{_quote(target)}")
        total = math.fsum(table.values())
        if table and abs(total - 1.0) > 1e-9:
            raise ConfigError(f"{key}: probabilities sum to {total:g}, not 1")
        if table:
            transitions[status] = _weighted(table, key, _label)
    dwell: dict[str, Dwell] = {}
    for status, table in _table(workflow["dwell"], "workflow.dwell").items():
        key = f"workflow.dwell.{_quote(status)}"
        if status not in known:
            raise ConfigError(f'workflow.dwell: unknown status "{status}"')
        table = _table(table, key)
        for name in table:
            if name not in ("median_minutes", "sigma", "priority_factors"):
                raise ConfigError(f"{key}.{name}: unknown key")
        median = _duration(table.get("median_minutes"), f"{key}.median_minutes")
        sigma = _non_negative(table.get("sigma", 0), f"{key}.sigma")
        factors = {
            _priority(code, f"{key}.priority_factors"): _non_negative(
                factor, f"{key}.priority_factors.{code}"
            )
            for code, factor in _table(
                table.get("priority_factors", {}), f"{key}.priority_factors"
            ).items()
        }
        dwell[status] = Dwell(median * 60.0, sigma, factors)
    for status in transitions:
        if status not in dwell:
            raise ConfigError(f'workflow.dwell: missing "{status}" (it has transitions)')

    note_types = {
        _integer(code, "values.note_types"): _string(name, f"values.note_types.{code}")
        for code, name in _table(values["note_types"], "values.note_types").items()
    }
    for code in _USED_NOTE_TYPES:
        if code not in note_types:
            raise ConfigError(f"values.note_types: missing {code} (the generator writes it)")

    offset = _integer(account["utc_offset_minutes"], "account.utc_offset_minutes")
    if not -14 * 60 <= offset <= 14 * 60:
        raise ConfigError(f"account.utc_offset_minutes: out of range (got {offset})")
    start_hour = _integer(calendar["work_start_hour"], "calendar.work_start_hour")
    end_hour = _integer(calendar["work_end_hour"], "calendar.work_end_hour")
    if not 0 <= start_hour < end_hour <= 24:
        raise ConfigError(
            "calendar.work_start_hour: must be before calendar.work_end_hour, within 0-24"
        )
    workdays = calendar["workdays"]
    if not isinstance(workdays, list) or not all(
        isinstance(day, int) and 0 <= day <= 6 for day in workdays
    ):
        raise ConfigError("calendar.workdays: expected a list of weekdays 0 (Monday) to 6")

    probabilities = {
        name: _probability(activity[name], f"activity.{name}") for name in _PROBABILITIES
    }
    sla_hours = {
        _priority(code, "activity.sla_hours"): _duration(hours, f"activity.sla_hours.{code}")
        for code, hours in _table(activity["sla_hours"], "activity.sla_hours").items()
    }
    priorities = _weighted(values["priorities"], "values.priorities", _priority)
    for code in priorities.values:
        if code not in sla_hours:
            raise ConfigError(f'activity.sla_hours: missing priority "{code}"')
    sources = activity["agent_created_sources"]
    if not isinstance(sources, list) or not all(isinstance(code, int) for code in sources):
        raise ConfigError("activity.agent_created_sources: expected a list of source codes")

    return GeneratorConfig(
        account_id=_positive(account["id"], "account.id"),
        utc_offset_seconds=offset * 60,
        first_ticket_id=_positive(account["first_ticket_id"], "account.first_ticket_id"),
        statuses=tuple(statuses),
        priorities=priorities,
        sources=_weighted(values["sources"], "values.sources", _integer),
        groups=_weighted(values["groups"], "values.groups", _label),
        categories=_weighted(values["categories"], "values.categories", _label),
        products=_weighted(values["products"], "values.products", _label),
        issue_types=_weighted(values["issue_types"], "values.issue_types", _label),
        note_types=note_types,
        sla_policies=_weighted(values["sla_policies"], "values.sla_policies", _label),
        tags=_weighted(values["tags"], "values.tags", _label),
        agents_per_group=_positive(people["agents_per_group"], "people.agents_per_group"),
        requesters=_positive(people["requesters"], "people.requesters"),
        work_start_hour=start_hour,
        work_end_hour=end_hour,
        workdays=frozenset(workdays),
        hour_weights=(
            _non_negative(calendar["work_weight"], "calendar.work_weight"),
            _non_negative(calendar["evening_weight"], "calendar.evening_weight"),
            _non_negative(calendar["night_weight"], "calendar.night_weight"),
            _non_negative(calendar["weekend_weight"], "calendar.weekend_weight"),
        ),
        agent_work_hours_share=_probability(
            calendar["agent_work_hours_share"], "calendar.agent_work_hours_share"
        ),
        transitions=transitions,
        dwell=dwell,
        max_changes=_max_changes(workflow["max_changes"]),
        agent_created_sources=frozenset(sources),
        probabilities=probabilities,
        sla_hours=sla_hours,
    )


def _name(path: tuple[str, ...]) -> str:
    return ".".join(_quote(part) for part in path)


def _quote(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else f'"{key}"'


def _table(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{key}: expected a table")
    return value


def _string(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a non-empty string")
    return value


def _strings(value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{key}: expected a non-empty list of names")
    names = [_string(item, key) for item in value]
    if len(set(names)) != len(names):
        raise ConfigError(f"{key}: names must be unique")
    return names


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{key}: expected a number (got {value!r})")
    return float(value)


def _non_negative(value: Any, key: str) -> float:
    number = _number(value, key)
    if number < 0:
        raise ConfigError(f"{key}: must not be negative (got {value!r})")
    return number


def _duration(value: Any, key: str) -> float:
    if value is None:
        raise ConfigError(f"{key}: missing")
    number = _number(value, key)
    if number < 0:
        raise ConfigError(f"{key}: negative duration (got {value!r})")
    return number


def _probability(value: Any, key: str) -> float:
    number = _number(value, key)
    if not 0 <= number <= 1:
        raise ConfigError(f"{key}: probability must be between 0 and 1 (got {value!r})")
    return number


def _integer(value: Any, key: str) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected an integer (got {value!r})")
    return value


def _positive(value: Any, key: str) -> int:
    number = _integer(value, key)
    if number < 1:
        raise ConfigError(f"{key}: must be at least 1 (got {value!r})")
    return number


def _max_changes(value: Any) -> int:
    number = _positive(value, "workflow.max_changes")
    if number > 1000:
        raise ConfigError(f"workflow.max_changes: must be at most 1000 (got {number})")
    return number


def _priority(code: Any, key: str) -> int:
    if isinstance(code, str) and code.isdigit() and int(code) in _PRIORITIES:
        return int(code)
    raise ConfigError(f'{key}: "{code}" is not a priority (1-4)')


def _weighted(table: Any, key: str, convert: Callable[[str, str], Any]) -> Weighted:
    table = _table(table, key)
    if not table:
        raise ConfigError(f"{key}: expected at least one value")
    values, cumulative, total = [], [], 0.0
    for name, weight in table.items():
        values.append(convert(name, key))
        total += _non_negative(weight, f"{key}.{_quote(name)}")
        cumulative.append(total)
    if total <= 0:
        raise ConfigError(f"{key}: weights sum to 0")
    return Weighted(tuple(values), tuple(cumulative))


def _label(name: str, key: str) -> str:
    return name
