"""What the report shows and how it names things: the breakdown dimensions, the backlog's age
buckets, the labels of priorities, status categories and data values.

The status categories themselves come from the marts and the seed (`queries`), not from here."""

from __future__ import annotations

import re
from dataclasses import dataclass

PRIORITY_NAMES = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to"})
AGENTS_SEED = "seeds.ticketflow_agents"  # optional (agent_id, name): agents' names


@dataclass(frozen=True)
class Dimension:
    """A breakdown of the period's tickets: `key` in report.csv, `column` of the period's
    tickets (fct_ticket_metrics joined to dim_tickets), the title a person reads."""

    key: str
    column: str
    title: str
    none_label: str


# In report order; groups and agents are ranked, the others are breakdowns.
DIMENSIONS = (
    Dimension("group", "group_name", "Group", "(no group)"),
    Dimension("agent", "agent_id", "Agent", "(unassigned)"),
    Dimension("priority", "priority", "Priority", "(none)"),
    Dimension("channel", "source", "Channel", "(unknown)"),
    Dimension("ticket_type", "ticket_type", "Ticket type", "(none)"),
    Dimension("issue_type", "issue_type", "Issue type", "(none)"),
    Dimension("product", "product", "Product", "(none)"),
)
RANKED = ("group", "agent")

# The backlog's age buckets: (key, label, upper bound in days; None: no bound). A ticket
# created before the exports has an unknown age: its own bucket, never a guessed one.
AGE_BUCKETS = (
    ("under_1d", "under 1 day", 1),
    ("1_3d", "1-3 days", 3),
    ("3_7d", "3-7 days", 7),
    ("7_30d", "7-30 days", 30),
    ("over_30d", "over 30 days", None),
)
UNKNOWN_AGE = ("before_exports", "before the exports")

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def clean_label(value: object) -> str:
    """A value from the data as one line: control characters (newlines, tabs) become one
    space, so a name can never break a table row; surrounding spaces are dropped."""
    return _CONTROL.sub(" ", str(value)).strip()


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
