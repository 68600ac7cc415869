"""The benchmark stays runnable: its baseline computes the right numbers, and a tiny run works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from bench.baseline import run as run_baseline

ROOT = Path(__file__).resolve().parent.parent


def _record(at: str, ticket_id: int, activity: dict) -> str:
    return json.dumps(
        {
            "performed_at": at,
            "ticket_id": ticket_id,
            "performer_type": "user",
            "performer_id": 1,
            "activity": activity,
        }
    )


def test_baseline_time_in_status(tmp_path: Path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(
        "\n".join(
            [
                # ticket 1: Open for 100 s, then Pending until the last activity (200 s).
                _record("01-05-2026 10:00:00 +0000", 1, {"new_ticket": True, "status": "Open"}),
                _record("01-05-2026 10:01:40 +0000", 1, {"status": "Pending"}),
                # ticket 2: a note only; the last activity of the file fixes as_of.
                _record("01-05-2026 10:05:00 +0000", 2, {"note": {"id": 9, "type": 0}}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    rows = run_baseline(source, tmp_path / "b.sqlite")
    assert rows == [("Open", 1, 100.0), ("Pending", 1, 200.0)]


def test_bench_runs_at_tiny_size(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    result = subprocess.run(
        [
            sys.executable,
            *("-m", "bench.run", "--activities", "3000,6000", "--output", str(output)),
            *("--daily", "3000", "--days", "3"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    for stage in ("generate", "read_json", "load", "dbt build", "report", "baseline"):
        assert text.count(f"| {stage} |") == 3, stage  # two sizes, plus the growth table
    assert "loader / read_json" in text
    assert "bytes per input byte" in text
    for stage in ("load the last day", "incremental build", "full rebuild"):
        assert f"| {stage} |" in text, stage
    assert "warm `ticketflow build` fixed cost" in text
    assert "## Growth" in text
    assert "At 6," in text  # the verdicts are taken at the largest size
    assert len(re.findall(r"^- .+: .+, (met|NOT met)$", text, re.MULTILINE)) == 8
    assert text.rstrip().endswith((ROOT / "bench" / "limits.md").read_text().strip())


def test_bench_refuses_bad_sizes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--activities", "ten"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "--activities must be comma-separated integers, got 'ten'" in result.stderr
