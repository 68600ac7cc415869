"""The distribution stands alone: `pip install .` into a fresh venv, then the whole pipeline
runs in an empty directory, with the dbt project found inside the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# What a clean clone does not have: the checkout's own environment and outputs.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git", ".venv", "data", "target", "logs", "build", "*.egg-info", "__pycache__", ".*_cache"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with ticketflow installed (not editable) from a copy of the checkout."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=NOT_IN_A_CLONE)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(source)],
        check=True,
        capture_output=True,
    )
    shutil.rmtree(source)  # nothing may lean on the source tree once installed
    return venv


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def test_only_the_ticketflow_name_is_installed(installed: Path) -> None:
    top_level = {path.name for path in site_packages(installed).iterdir()}
    assert "ticketflow" in top_level
    assert not {"generator", "loader", "dbt_project"} & top_level
    project = site_packages(installed) / "ticketflow" / "dbt_project"
    assert (project / "dbt_project.yml").is_file()
    assert (project / "profiles.yml").is_file()
    assert (project / "dbt_project" / "models" / "marts" / "_marts__models.yml").is_file()


def test_run_in_an_empty_directory(installed: Path, tmp_path: Path) -> None:
    version = subprocess.run(
        [str(installed / "bin" / "ticketflow"), "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("ticketflow ")
    result = subprocess.run(
        [str(installed / "bin" / "ticketflow"), "run", "-n", "200", "-o", "x.jsonl", "-r", "x.txt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": f"{installed / 'bin'}:/usr/bin:/bin", "HOME": str(installed.parent)},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "x.txt").read_text().startswith("Ticket report\n")
    assert (tmp_path / "x.html").is_file() and (tmp_path / "x.csv").is_file()
    assert (tmp_path / "data" / "warehouse.duckdb").is_file()
    assert (tmp_path / "data" / "serve.duckdb").is_file()
    # dbt's artifacts go beside the working database, never into the installed package.
    assert (tmp_path / "data" / "target" / "run_results.json").is_file()
    assert not (site_packages(installed) / "ticketflow" / "dbt_project" / "target").exists()
