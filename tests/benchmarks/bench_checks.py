"""CPU time of each check over the reference-free benchmark articles, in one process, in the engine's order.

The 537 articles of ``bench_reference_free.py`` (NTREX, FLORES references, TICO-19; about 125,000 words) are
audited twice by ``audit_batch`` with ``jobs = 1``: a cold pass (every distinct word seen for the first time, the
large tables read whole by the checks' ``prepare_batch``) and warm passes (the per-word caches filled). Each
check's ``prepare_batch``, ``run`` and ``collect`` is timed in process CPU time; a per-article analysis that
several checks share (the Arabic words, the glossary matches, the residue lines) is charged to the first check
that asks for it. Prints, per check, the cold pass and the best warm pass, and saves them in
``reports/bench/checks.json``.

    python tests/benchmarks/bench_checks.py [--warm N] [CODE_PREFIX ...]
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reference_free import DATA, corpora  # noqa: E402

from audit.checks import build_checks  # noqa: E402
from audit.config import Config  # noqa: E402
from audit.engine import audit_batch  # noqa: E402

OUT = ROOT / "reports" / "bench"


def _timed(spent: dict[str, float], label: str, method: Callable[..., Any], lazy: bool) -> Callable[..., Any]:
    """``method`` charging its CPU time to ``label`` (a lazy ``run`` is consumed inside the timing)."""

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            result = method(*args, **kwargs)
            return list(result) if lazy and result is not None else result
        finally:
            spent[label] += time.process_time() - started

    return timed


def main() -> int:
    arguments = sys.argv[1:]
    warm_passes = 2
    if arguments[:1] == ["--warm"]:
        warm_passes, arguments = int(arguments[1]), arguments[2:]
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    articles = [article for group in corpora().values() for article in group]
    config = replace(Config(), jobs=1)
    checks = build_checks()
    spent: dict[str, float] = defaultdict(float)
    for check in checks:
        for name in ("prepare_batch", "run", "collect"):
            if name in type(check).__dict__:
                setattr(check, name, _timed(spent, f"{check.code}.{name}", getattr(check, name), name == "run"))
    passes: list[tuple[float, dict[str, float]]] = []
    for _ in range(1 + warm_passes):
        spent.clear()
        started = time.process_time()
        audit_batch(articles, config, checks=checks)
        passes.append((time.process_time() - started, dict(spent)))
    cold, warm = passes[0], passes[1:]
    labels = sorted(cold[1], key=lambda label: -cold[1][label])
    if arguments:
        labels = [label for label in labels if label.startswith(tuple(arguments))]
    figures = {
        label: {"cold": round(cold[1][label], 3), "warm": round(min(p[1].get(label, 0.0) for p in warm), 3)}
        for label in labels
    }
    total = {"cold": round(cold[0], 3), "warm": round(min(p[0] for p in warm), 3)}
    print(f"{len(articles)} articles, CPU seconds (process time), cold pass and best of {warm_passes} warm passes")
    print(f"{'audit_batch':22s} {total['cold']:7.3f} {total['warm']:7.3f}")
    for label, times in figures.items():
        if times["cold"] >= 0.005 or times["warm"] >= 0.005:
            print(f"{label:22s} {times['cold']:7.3f} {times['warm']:7.3f}")
    OUT.mkdir(parents=True, exist_ok=True)
    summary = {"articles": len(articles), "audit_batch": total, "checks": figures}
    (OUT / "checks.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
