"""What the report measures: the metrics (columns of `marts.fct_ticket_metrics`), the
dimensions they are broken down by, and the labels of priorities and status categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PRIORITY_NAMES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}


@dataclass(frozen=True)
class Metric:
    """One reported metric: a column of `marts.fct_ticket_metrics` and the tickets it covers."""

    column: str
    label: str
    kind: Literal["status", "duration", "count"]
    scope: str  # SQL predicate on fct_ticket_metrics: the tickets the statistics are over
    scope_label: str


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
    Metric(
        "first_response_seconds",
        "Time to first response",
        "duration",
        "first_response_seconds is not null",
        "tickets with a first response",
    ),
    Metric(
        "resolution_seconds",
        "Time to resolution",
        "duration",
        "resolution_seconds is not null",
        "tickets resolved or closed now",
    ),
    Metric("reopen_count", "Reopens", "count", "true", "all tickets"),
)
METRIC_BY_COLUMN = {metric.column: metric for metric in METRICS}
DIMENSIONS = (("priority", "Priority"), ("group", "Group"), ("agent", "Agent"))


def priority_label(priority: int | None) -> str:
    if priority is None:
        return "(none)"
    name = PRIORITY_NAMES.get(priority)
    return f"{priority} {name}" if name else str(priority)


BACKLOG_CATEGORIES = (
    ("open", "Open"),
    ("pending", "Pending"),
    ("waiting_on_customer", "Waiting on Customer"),
    ("waiting_on_third_party", "Waiting on Third Party"),
    ("other", "Other"),
)
