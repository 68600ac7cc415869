"""The generator's output: data contract, workflow, determinism, daily export files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from ticketflow.generator import default_config, estimate_tickets, load_config, write_activities

TIME_FORMAT = "%d-%m-%Y %H:%M:%S %z"
TIME_PATTERN = re.compile(r"^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d \+0000$")
SOLVED = {"Resolved", "Closed"}
SAMPLE_TICKETS = 3000
SEED = 11


def parse_time(text: str) -> dt.datetime:
    assert TIME_PATTERN.match(text), text
    return dt.datetime.strptime(text, TIME_FORMAT)


def read_lines(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt") as handle:
        return [json.loads(line) for line in handle]


def read_export(path: Path) -> dict:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt") as handle:
        text = handle.read()
    assert "\n" not in text
    return json.loads(text)


def by_ticket(records: list[dict]) -> dict[int, list[dict]]:
    tickets: dict[int, list[dict]] = defaultdict(list)
    for record in records:
        tickets[record["ticket_id"]].append(record)
    return tickets


def status_changes(activities: list[dict]) -> list[str]:
    return [row["activity"]["status"] for row in activities if "status" in row["activity"]]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """3,000 tickets under the default configuration, as JSON lines."""
    path = tmp_path_factory.mktemp("sample") / "activities.jsonl"
    summary = write_activities(path, tickets=SAMPLE_TICKETS, seed=SEED, workers=2)
    records = read_lines(path)
    assert summary.activities == len(records)
    return records


def check_contract(record: dict, statuses: set[str]) -> None:
    """One activity against the data contract of SPEC.md."""
    assert set(record) <= {
        "performed_at",
        "ticket_id",
        "performer_type",
        "performer_id",
        "activity",
    }
    parse_time(record["performed_at"])
    assert type(record["ticket_id"]) is int
    assert record["performer_type"] in ("user", "system")
    if record["performer_type"] == "user":
        assert type(record["performer_id"]) is int
    else:
        assert "performer_id" not in record
    activity = record["activity"]
    assert isinstance(activity, dict) and activity
    if "status" in activity:
        assert activity["status"] in statuses
    if "priority" in activity:
        assert activity["priority"] in (1, 2, 3, 4)
    if "source" in activity:
        assert activity["source"] in (1, 2, 3, 7, 9, 10)
    for key in ("agent_id", "requester_id"):
        if key in activity:
            assert activity[key] is None or type(activity[key]) is int
    if "group" in activity:
        assert activity["group"] is None or isinstance(activity["group"], str)
    if "note" in activity:
        assert set(activity["note"]) == {"id", "type"}
        assert type(activity["note"]["id"]) is int
        assert activity["note"]["type"] in (0, 3, 4)
    if "shipment_date" in activity:
        dt.datetime.strptime(activity["shipment_date"], "%d %b, %Y")
        assert re.match(r"^\d\d [A-Z][a-z]{2}, \d{4}$", activity["shipment_date"])
    if "due_by" in activity:
        parse_time(activity["due_by"])
    if "automation" in activity:
        assert record["performer_type"] == "system"
        assert type(activity["automation"]["type"]) is int
        assert isinstance(activity["automation"]["rule"], str)
    if "added_tags" in activity:
        assert all(isinstance(tag, str) for tag in activity["added_tags"])
    if "new_ticket" in activity:
        assert activity["new_ticket"] is True


def test_every_record_matches_the_data_contract(sample: list[dict]) -> None:
    statuses = set(default_config().statuses)
    for record in sample:
        check_contract(record, statuses)
    kinds = Counter(
        (row["performer_type"], row["activity"]["note"]["type"])
        for row in sample
        if "note" in row["activity"]
    )
    assert {("user", 0), ("user", 3), ("user", 4), ("system", 0)} <= set(kinds)
    keys = Counter(key for row in sample for key in row["activity"])
    for key in ("priority", "group", "agent_id", "due_by", "sla_policy", "automation"):
        assert keys[key] > 0, key


def test_each_creation_row_carries_the_spec_sample_fields(
    sample: list[dict], spec_sample: Path
) -> None:
    spec = json.loads(spec_sample.read_text())
    creation = next(row for row in spec["activities_data"] if "status" in row["activity"])
    fields = {"requester_id" if key == "requester" else key for key in creation["activity"]}
    tickets = by_ticket(sample)
    assert len(tickets) == SAMPLE_TICKETS
    for activities in tickets.values():
        created = [row for row in activities if row["activity"].get("new_ticket")]
        assert len(created) == 1
        assert created[0] is activities[0]
        assert fields | {"new_ticket"} == set(created[0]["activity"])
        assert created[0]["activity"]["status"] == "Open"
        assert created[0]["performer_type"] == "user"


def test_customer_replies_are_by_the_requester(sample: list[dict]) -> None:
    customer_notes = 0
    for activities in by_ticket(sample).values():
        requester = activities[0]["activity"]["requester_id"]
        for row in activities[1:]:
            if row.get("performer_id") == requester:
                assert set(row["activity"]) in ({"note"}, {"status"})
                customer_notes += "note" in row["activity"]
    assert customer_notes > SAMPLE_TICKETS // 2


def test_timestamps_stay_in_the_window_and_never_go_backwards(sample: list[dict]) -> None:
    begin = dt.datetime(2026, 4, 1, 6, tzinfo=dt.UTC)
    end = begin + dt.timedelta(days=30)
    working = 0
    for activities in by_ticket(sample).values():
        times = [parse_time(row["performed_at"]) for row in activities]
        assert times == sorted(times)
        assert begin <= times[0] and times[-1] < end
        for row in activities:
            due_by = row["activity"].get("due_by")
            if due_by is not None:
                assert parse_time(due_by) > times[0]
        local = times[0] - dt.timedelta(hours=6)
        working += local.weekday() < 5 and 9 <= local.hour < 18
    assert working / SAMPLE_TICKETS > 0.6


def test_ticket_ids_grow_with_creation_time(sample: list[dict]) -> None:
    created = sorted(
        (row["ticket_id"], parse_time(row["performed_at"]))
        for row in sample
        if row["activity"].get("new_ticket")
    )
    assert [ticket for ticket, _ in created] == list(range(1, SAMPLE_TICKETS + 1))
    times = [time for _, time in created]
    assert times == sorted(times)


def test_reopened_unresolved_and_noted_shares_are_realistic(sample: list[dict]) -> None:
    reopened = unresolved = noted = 0
    for activities in by_ticket(sample).values():
        changes = status_changes(activities)
        reopened += any(a in SOLVED and b not in SOLVED for a, b in pairwise(changes))
        unresolved += changes[-1] not in SOLVED
        noted += any("note" in row["activity"] for row in activities)
    assert 0.04 <= reopened / SAMPLE_TICKETS <= 0.15
    assert 0.03 <= unresolved / SAMPLE_TICKETS <= 0.20
    assert noted / SAMPLE_TICKETS >= 0.9


CUSTOM_WORKFLOW = """
[values]
statuses = ["Open", "Escalated", "Resolved", "Closed"]
groups = { alpha = 1, beta = 1 }

[workflow.transitions]
Open = { Escalated = 0.5, Resolved = 0.5 }
Escalated = { Open = 0.25, Resolved = 0.75 }
Resolved = { Open = 0.3, Closed = 0.7 }

[workflow.dwell.Escalated]
median_minutes = 60
sigma = 0.5
"""


@pytest.mark.parametrize("custom", [False, True], ids=["default", "custom"])
def test_statuses_and_transitions_follow_the_config(tmp_path: Path, custom: bool) -> None:
    config = default_config()
    if custom:
        (tmp_path / "config.toml").write_text(CUSTOM_WORKFLOW)
        config = load_config(tmp_path / "config.toml")
    path = tmp_path / "activities.jsonl"
    write_activities(path, tickets=4000, config=config, seed=5, days=60, workers=2)
    records = read_lines(path)
    observed: Counter[tuple[str, str]] = Counter()
    groups = set()
    for activities in by_ticket(records).values():
        changes = status_changes(activities)
        observed.update(pairwise(changes))
        groups.update(row["activity"]["group"] for row in activities if "group" in row["activity"])
    statuses = {status for pair in observed for status in pair}
    assert statuses == set(config.statuses)
    assert groups == set(config.groups.values)
    for status, table in config.transitions.items():
        exits = sum(count for (source, _), count in observed.items() if source == status)
        assert exits >= 300, status
        for target, share in zip(table.values, _shares(table.cumulative), strict=True):
            assert abs(observed[status, target] / exits - share) < 0.05, (status, target)


def _shares(cumulative: tuple[float, ...]) -> list[float]:
    return [b - a for a, b in pairwise((0.0, *cumulative))]


@pytest.mark.parametrize(
    ("name", "fmt", "daily"),
    [
        ("activities.jsonl", None, False),
        ("activities.json.gz", "export", False),
        ("days", None, True),
    ],
)
def test_same_seed_gives_the_same_bytes_whatever_the_workers(
    tmp_path: Path, name: str, fmt: str | None, daily: bool
) -> None:
    outputs = []
    for workers in (1, 2):
        output = tmp_path / str(workers) / name
        write_activities(output, tickets=2500, seed=3, workers=workers, fmt=fmt, daily=daily)
        files = sorted(output.iterdir()) if daily else [output]
        outputs.append([(path.name, path.read_bytes()) for path in files])
    assert outputs[0] == outputs[1]
    other = tmp_path / "other" / name
    write_activities(other, tickets=2500, seed=4, fmt=fmt, daily=daily)
    files = sorted(other.iterdir()) if daily else [other]
    assert outputs[0] != [(path.name, path.read_bytes()) for path in files]


@pytest.mark.parametrize("compressed", [False, True])
def test_daily_files_carry_the_window_and_count(tmp_path: Path, compressed: bool) -> None:
    summary = write_activities(
        tmp_path / "days", tickets=1500, seed=8, days=5, daily=True, gzip_daily=compressed
    )
    suffix = ".json.gz" if compressed else ".json"
    names = [f"activities_1000001_{day}_4_2026{suffix}" for day in range(1, 6)]
    assert sorted(path.name for path in (tmp_path / "days").iterdir()) == sorted(names)
    everything = []
    for day, name in enumerate(names):
        export = read_export(tmp_path / "days" / name)
        assert set(export) == {"activities_data", "metadata"}
        metadata = export["metadata"]
        start = dt.datetime(2026, 4, 1 + day, 6, tzinfo=dt.UTC)
        assert metadata["start_at"] == start.strftime(TIME_FORMAT.replace("%z", "+0000"))
        end = start + dt.timedelta(days=1, seconds=-1)
        assert metadata["end_at"] == end.strftime(TIME_FORMAT.replace("%z", "+0000"))
        assert metadata["activities_count"] == len(export["activities_data"]) > 0
        for record in export["activities_data"]:
            assert start <= parse_time(record["performed_at"]) <= end
        everything += export["activities_data"]
    assert len(everything) == summary.activities
    write_activities(tmp_path / "all.jsonl", tickets=1500, seed=8, days=5)
    lines = read_lines(tmp_path / "all.jsonl")
    key = json.dumps
    assert sorted(map(key, everything)) == sorted(map(key, lines))


def test_one_export_file_covers_the_window(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    summary = write_activities(path, tickets=300, seed=2, days=7, fmt="export", start="2026-01-05")
    export = read_export(path)
    assert export["metadata"] == {
        "start_at": "05-01-2026 06:00:00 +0000",
        "end_at": "12-01-2026 05:59:59 +0000",
        "activities_count": summary.activities,
    }
    assert len(export["activities_data"]) == summary.activities


def test_no_tickets_gives_an_empty_but_valid_export(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    write_activities(path, tickets=0, days=1, fmt="export")
    assert read_export(path) == {
        "activities_data": [],
        "metadata": {
            "start_at": "01-04-2026 06:00:00 +0000",
            "end_at": "02-04-2026 05:59:59 +0000",
            "activities_count": 0,
        },
    }


def test_estimate_tickets_hits_the_activity_target(tmp_path: Path) -> None:
    tickets = estimate_tickets(20_000, seed=9)
    summary = write_activities(tmp_path / "a.jsonl", tickets=tickets, seed=9)
    assert abs(summary.activities - 20_000) / 20_000 < 0.05


def test_daily_files_have_the_shape_of_real_freshdesk_files(
    tmp_path: Path, real_files: list[Path]
) -> None:
    real = real_files
    name = re.compile(r"^activities_\d+_([1-9]|[12]\d|3[01])_([1-9]|1[0-2])_\d{4}\.json$")
    write_activities(tmp_path, tickets=200, seed=1, days=2, start="2026-04-15", daily=True)
    ours = sorted(tmp_path.glob("activities_*.json"))
    assert [path.name.split("_", 2)[2] for path in ours] == ["15_4_2026.json", "16_4_2026.json"]
    for path in real[:2] + ours:
        assert name.match(path.name), path.name
    for theirs, mine in zip(real, ours, strict=False):
        expected, actual = read_export(theirs), read_export(mine)
        assert list(actual) == list(expected) == ["activities_data", "metadata"]
        assert list(actual["metadata"]) == list(expected["metadata"])
        assert actual["metadata"]["start_at"] == expected["metadata"]["start_at"]
        assert actual["metadata"]["end_at"] == expected["metadata"]["end_at"]
        for record in expected["activities_data"][:1] + actual["activities_data"][:1]:
            assert list(record)[:3] == ["performed_at", "ticket_id", "performer_type"]
