"""Sessions: tests, lint, types, audit (the bundled example) and bench.

Only the sessions that need neural MT (the ``mt`` extra) install torch, first and pinned to the CPU build;
everything else then resolves against it. ``audit`` (the rule-only auditor) never installs it.
"""

from __future__ import annotations

from pathlib import Path

import nox

nox.options.sessions = ["lint", "types", "tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
TORCH = "torch==2.13.0"


def install(session: nox.Session, extras: str = "mt,lexicon,align,datasets,dev") -> None:
    if "mt" in extras.split(","):
        session.install(TORCH)
    session.install("-e", f".[{extras}]")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite (unit, acceptance over ../shared, headless-browser tests)."""
    install(session)
    session.run("pytest", "-n", "2", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff")
    session.run("ruff", "check", "audit", "tests", "noxfile.py")


@nox.session
def types(session: nox.Session) -> None:
    """mypy over the package."""
    install(session)
    session.run("mypy")


@nox.session
def audit(session: nox.Session) -> None:
    """Audit the bundled example and write every report format to reports/."""
    install(session, "lexicon,align")
    session.run(
        "audit",
        "check",
        "references/example/articles",
        "--references",
        "references/example",
        "--format",
        "json,md,junit,sarif,html",
        "--output",
        "reports",
        success_codes=[0, 1],
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark script in tests/benchmarks; figures are printed and saved in reports/bench/."""
    install(session, "mt,lexicon,align,datasets,lingua,dev")
    scripts = sorted((ROOT / "tests" / "benchmarks").glob("bench_*.py"))
    selected = [s for s in scripts if not session.posargs or any(a in s.name for a in session.posargs)]
    for script in selected:
        session.run("python", str(script))
