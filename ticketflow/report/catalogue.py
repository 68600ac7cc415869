"""What the report measures: the metrics (columns of `marts.fct_ticket_metrics`), the
dimensions they are broken down by, and the labels of priorities and status categories.

The status categories themselves come from the marts and the seed (`queries`), not from here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PRIORITY_NAMES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to"})


@dataclass(frozen=True)
class Metric:
    """One reported metric: a column of `marts.fct_ticket_metrics` and the tickets it covers."""

    column: str
    label: str
    kind: Literal["status", "duration", "count"]
    scope: str  # SQL predicate on fct_ticket_metrics: the tickets the statistics are over
    scope_label: str
    # Measured from creation, so null for tickets created before the exports: the SQL
    # predicate of the tickets it would otherwise cover, and so leaves out (None: not so).
    left_out: str | None = None


FIRST_RESPONSE = Metric(
    "first_response_seconds",
    "Time to first response",
    "duration",
    "first_response_seconds is not null",
    "tickets with a first response",
    left_out="not is_created_in_window and first_response_at is not null",
)
RESOLUTION = Metric(
    "resolution_seconds",
    "Time to resolution",
    "duration",
    "resolution_seconds is not null",
    "tickets resolved or closed now",
    left_out="not is_created_in_window and is_resolved",
)
METRICS = (
    Metric("seconds_open", "Time Open", "status", "seconds_open > 0", "tickets that were Open"),
    Metric(
        "seconds_waiting_on_customer",
        "Time Waiting on Customer",
        "status",
        "seconds_waiting_on_customer > 0",
        "tickets that waited on the customer",
    ),
    Metric(
        "seconds_pending",
        "Time Pending (waiting for response)",
        "status",
        "seconds_pending > 0",
        "tickets that were Pending",
    ),
    Metric(
        "seconds_waiting_on_third_party",
        "Time Waiting on Third Party",
        "status",
        "seconds_waiting_on_third_party > 0",
        "tickets that waited on a third party",
    ),
    FIRST_RESPONSE,
    RESOLUTION,
    Metric("reopen_count", "Reopens", "count", "true", "all tickets"),
)
DIMENSIONS = (("priority", "Priority"), ("group", "Group"), ("agent", "Agent"))


def priority_label(priority: int | None) -> str:
    if priority is None:
        return "(none)"
    name = PRIORITY_NAMES.get(priority)
    return f"{priority} {name}" if name else str(priority)


def category_label(category: str) -> str:
    """A status category as a person reads it: 'waiting_on_customer' -> 'Waiting on Customer'."""
    words = category.split("_")
    return " ".join(
        word if i > 0 and word in SMALL_WORDS else word.capitalize() for i, word in enumerate(words)
    )
