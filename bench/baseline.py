"""The plain-Python baseline the pipeline is measured against.

What a team writes before ticketflow: `json.loads` per line, `sqlite3` row inserts into the
original system's three tables (`ticket`, `activity_history`, `ticket_details`), then the
time-in-status report as one query in SQLite. It reads JSON lines (plain or gzip).
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

SCHEMA = """
create table ticket (
    ticket_id integer primary key, issue_type text, status text, performed_at text,
    priority integer, requestor integer, agent_id integer
);
create table activity_history (
    ticket_id integer, status text, performed_at text, requestor integer, agent_id integer
);
create table ticket_details (
    ticket_id integer primary key, shipping_address text, shipment_date text, category text,
    group_type text
);
"""

REPORT_QUERY = """
with changes as (
    select ticket_id, status, performed_at,
           lead(performed_at) over (partition by ticket_id order by performed_at) as next_at
    from activity_history
    where status is not null
),
as_of as (select max(performed_at) as at from activity_history)
select status,
       count(*) as intervals,
       avg(strftime('%s', coalesce(next_at, (select at from as_of))) - strftime('%s', performed_at))
           as mean_seconds
from changes
group by status
order by status
"""

BATCH = 10_000


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


def _iso(performed_at: str) -> str:
    return datetime.strptime(performed_at, "%d-%m-%Y %H:%M:%S %z").strftime("%Y-%m-%d %H:%M:%S")


def run(source: Path, database: Path) -> list[tuple]:
    """Load `source` into a fresh SQLite file at `database` and return the report rows."""
    database.unlink(missing_ok=True)
    con = sqlite3.connect(database)
    con.executescript(SCHEMA)
    history: list[tuple] = []
    tickets: list[tuple] = []
    details: list[tuple] = []

    def flush() -> None:
        con.executemany("insert into activity_history values (?, ?, ?, ?, ?)", history)
        con.executemany(
            "insert into ticket values (?, ?, ?, ?, ?, ?, ?) on conflict (ticket_id) do update"
            " set status = coalesce(excluded.status, status), performed_at = excluded.performed_at,"
            " priority = coalesce(excluded.priority, priority),"
            " agent_id = coalesce(excluded.agent_id, agent_id)",
            tickets,
        )
        con.executemany("insert or replace into ticket_details values (?, ?, ?, ?, ?)", details)
        history.clear()
        tickets.clear()
        details.clear()

    for line in _lines(source):
        if not line.strip():
            continue
        record = json.loads(line)
        activity = record.get("activity") or {}
        ticket_id = record["ticket_id"]
        at = _iso(record["performed_at"])
        status = activity.get("status")
        requestor = activity.get("requester_id", activity.get("requester"))
        agent_id = activity.get("agent_id")
        history.append((ticket_id, status, at, requestor, agent_id))
        if status is not None or activity.get("new_ticket"):
            tickets.append(
                (
                    ticket_id,
                    activity.get("issue_type"),
                    status,
                    at,
                    activity.get("priority"),
                    requestor,
                    agent_id,
                )
            )
        if activity.get("new_ticket"):
            details.append(
                (
                    ticket_id,
                    activity.get("shipping_address"),
                    activity.get("shipment_date"),
                    activity.get("category"),
                    activity.get("group"),
                )
            )
        if len(history) >= BATCH:
            flush()
    flush()
    con.commit()
    rows = con.execute(REPORT_QUERY).fetchall()
    con.close()
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m bench.baseline ACTIVITIES.jsonl[.gz] OUT.sqlite", file=sys.stderr)
        return 2
    for status, intervals, mean_seconds in run(Path(argv[0]), Path(argv[1])):
        print(f"{status}\t{intervals}\t{mean_seconds:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
