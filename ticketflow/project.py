"""Where the dbt project is, and what its profile says about the working database.

The dbt project (`dbt_project.yml`, `profiles.yml`, `dbt_project/`) is package data: an
installed ticketflow carries it in `ticketflow/dbt_project/`; a source checkout (an editable
install) keeps it at the repository root, one level above this package. Either way it is found
from this package's files, never from the current directory.

`profiles.yml` is the one place that states the working database's default path and its DuckDB
settings: plain `dbt` reads it, and `ticketflow.warehouse` renders the same entries.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined

from ticketflow.errors import TicketflowError

PACKAGE_DIR = Path(__file__).resolve().parent
PROFILE_NAME = "ticketflow"
PROFILE_TARGET = "duckdb"


class ProjectError(TicketflowError):
    """The dbt project or its profile is missing or unreadable (a broken installation)."""


@cache
def project_dir() -> Path:
    """The directory holding `dbt_project.yml` and `profiles.yml`."""
    for candidate in (PACKAGE_DIR / "dbt_project", PACKAGE_DIR.parent):
        if (candidate / "dbt_project.yml").is_file() and (candidate / "profiles.yml").is_file():
            return candidate
    raise ProjectError(
        f"the dbt project is missing from the ticketflow installation in {PACKAGE_DIR} "
        "(reinstall ticketflow)"
    )


def is_source_checkout() -> bool:
    """True when running from the repository (editable install), False from a wheel."""
    return project_dir() == PACKAGE_DIR.parent


def duckdb_output() -> dict[str, Any]:
    """The `duckdb` output of the `ticketflow` profile, its `env_var(...)` calls rendered."""
    return output(PROFILE_TARGET)


def output(target: str) -> dict[str, Any]:
    """The output `target` of the `ticketflow` profile, its `env_var(...)` calls rendered."""
    return _render(_profile_outputs()[target])


@cache
def _profile_outputs() -> dict[str, Any]:
    path = project_dir() / "profiles.yml"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))[PROFILE_NAME]["outputs"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise ProjectError(f"{path}: cannot read the {PROFILE_NAME} profile: {error}") from None


def _render(value: Any) -> Any:
    """Render the Jinja in the profile's strings as dbt does (only `env_var` is used there)."""
    if isinstance(value, dict):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, str) and "{{" in value:
        return _JINJA.from_string(value).render()
    return value


def _env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ProjectError(f"profiles.yml needs the environment variable {name}")
    return value


_JINJA = Environment(undefined=StrictUndefined)
_JINJA.globals["env_var"] = _env_var
_JINJA.filters["as_number"] = int
