"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright for Python with the system browser; no browser download).

Each report is opened from its file: no console error or page error, every chart drawn with a
non-zero size, every section present and visible. A full-page screenshot of each is written
to test-output/ at the repository root (git-ignored), to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ticketflow import dbt, loader
from ticketflow.report import Period, write_report
from ticketflow.report.html import SECTIONS

REPOSITORY = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPOSITORY / "test-output"
CHROMIUM = os.environ.get("TICKETFLOW_CHROMIUM") or shutil.which("chromium")
INSTALL = "apt-get install chromium (Debian), then pip install -e '.[dev]' for playwright"
REAL_TIME_ZONE = "America/Mexico_City"

IN_CI = bool(os.environ.get("CI"))  # CI installs Chromium (.ci/run): there, missing fails

try:
    from playwright import sync_api
except ImportError:
    sync_api = None


@pytest.fixture(scope="module")
def browser():
    missing = "playwright" if sync_api is None else "Chromium" if CHROMIUM is None else None
    if missing:
        (pytest.fail if IN_CI else pytest.skip)(f"no {missing} found: {INSTALL}")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def real_marts(tmp_path_factory: pytest.TempPathFactory, real_files: list[Path]) -> Path:
    """The twelve real Freshdesk files, loaded and built in the account's time zone."""
    directory = tmp_path_factory.mktemp("real-browser")
    db = directory / "warehouse.duckdb"
    assert loader.load_paths(real_files, db).ok
    dbt.build(db, time_zone=REAL_TIME_ZONE, target_path=directory / "target")
    return db


def _check_in_browser(browser, html: Path, name: str) -> dict:
    """Open `html`; return what the page drew. Fails on any console or page error."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html.as_uri(), wait_until="load")
    drawn = page.evaluate(
        """() => ({
            charts: [...document.querySelectorAll('svg')].map(svg => {
                const box = svg.getBoundingClientRect();
                return {title: svg.getAttribute('aria-label'), width: box.width,
                        height: box.height, shapes: svg.querySelectorAll(
                            'rect, polyline, polygon, circle, line').length};
            }),
            sections: Object.fromEntries([...document.querySelectorAll('section')].map(
                s => [s.id, {height: s.getBoundingClientRect().height,
                             title: s.querySelector('h2').textContent}])),
        })"""
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-{name}.png"), full_page=True)
    page.close()
    assert errors == []
    assert requests == [html.as_uri()]  # the page loads nothing else
    return drawn


def _assert_drawn(drawn: dict, html: Path) -> None:
    assert len(drawn["charts"]) == html.read_text().count("<svg ")
    for chart in drawn["charts"]:
        assert chart["width"] > 600 and chart["height"] > 100, chart
        assert chart["shapes"] > 5, chart
    assert list(drawn["sections"]) == [key for key, _ in SECTIONS]
    for key, title in SECTIONS:
        assert drawn["sections"][key]["title"] == title
        assert drawn["sections"][key]["height"] > 80, key


def test_handmade_report_in_chromium(browser, handmade_marts: Path, tmp_path: Path) -> None:
    html = write_report(handmade_marts, tmp_path / "report.html")
    drawn = _check_in_browser(browser, html, "handmade")
    _assert_drawn(drawn, html)
    assert len(drawn["charts"]) == 10


def test_real_files_report_in_chromium(browser, real_marts: Path, tmp_path: Path) -> None:
    html = write_report(real_marts, tmp_path / "report.html", Period(REAL_TIME_ZONE))
    drawn = _check_in_browser(browser, html, "real-files")
    _assert_drawn(drawn, html)
    assert (SCREENSHOTS / "report-real-files.png").stat().st_size > 50_000
