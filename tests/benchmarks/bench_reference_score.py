"""Benchmark: the reference score (audit.refscore) as a judge of MT systems, and its cost.

On ``../shared/data``:

1. FLORES devtest: each of the seven systems audited as 10-sentence articles with the other six as
   re-translations, with and without the English original (alignment without embeddings). The systems'
   means of the article ``score`` (every check and the reference score, through the engine: what a user
   gates on), of the ``reference`` sub-score, of its ``consensus`` part and of the uncapped ``relative``
   agreement, against chrF with the human references ref-a, ref-b and both: Kendall tau and pairwise
   accuracy; beside it, in the same run, the plain baseline: corpus chrF against the other six outputs as
   references. The same on two halves of the segments (even and odd articles, the truth and the baseline
   recomputed on each half) to show how stable the figures are. Segment level: Pearson and Spearman
   correlation of each segment's consensus utility (and of the baseline's sentence chrF against the six)
   with sentence chrF against ref-a and ref-b, pooled over systems. The families found (pairs of systems
   counted as one vote) are counted per article.
2. IWSLT17 (no human reference): the same rankings, with and without the English, against the consensus-free
   proxy this benchmark judges best: the same engines' ranking by chrF against the human references on FLORES
   (system quality carries across domains far better than any agreement among the systems themselves, which
   is what is being tested).
3. Speed: ``audit check`` with references (embeddings on auto) over one FLORES system's 1,012 lines against one
   ``sacrebleu`` process computing BLEU, chrF and TER with the six other systems as references; whole processes,
   alternated, medians of wall and of user CPU time, with the load average seen while they ran.

Run: ``python tests/benchmarks/bench_reference_score.py [--quick] [--speed]`` (``--quick``: no article ``score``,
one speed pair; ``--speed``: part 3 alone); writes ``reports/bench/reference_score.json``.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_references import kendall_tau

from audit.context import ArticleContext
from audit.metrics import ChrfTable, corpus_scores
from audit.model import Article
from audit.normalize import NONE
from audit.references import AlignmentSettings, configure, reference_view
from audit.refscore import ReferenceScorer

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "reports" / "bench" / "reference_score.json"
SYSTEMS = [f"sys{letter}" for letter in "ABCDEFG"]
SIZE = 10


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def pairwise_accuracy(xs: Sequence[float], ys: Sequence[float]) -> float:
    pairs = [(i, j) for i in range(len(xs)) for j in range(i + 1, len(xs)) if ys[i] != ys[j]]
    return sum((xs[i] - xs[j]) * (ys[i] - ys[j]) > 0 for i, j in pairs) / len(pairs)


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    return float(statistics.correlation(xs, ys))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    def ranks(values: Sequence[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda k: values[k])
        result = [0.0] * len(values)
        k = 0
        while k < len(order):
            end = k
            while end + 1 < len(order) and values[order[end + 1]] == values[order[k]]:
                end += 1
            for t in range(k, end + 1):
                result[order[t]] = (k + end) / 2
            k = end + 1
        return result

    return pearson(ranks(xs), ranks(ys))


def articles_of(
    outputs: dict[str, list[str]], system: str, source: list[str] | None, starts: Sequence[int]
) -> list[Article]:
    """One system's 10-line articles, the other systems' same lines as re-translations."""
    return [
        Article(
            id=f"{system}-{k}",
            text="\n".join(outputs[system][k : k + SIZE]),
            source="\n".join(source[k : k + SIZE]) if source else None,
            retranslations={o: "\n".join(outputs[o][k : k + SIZE]) for o in outputs if o != system},
        )
        for k in starts
    ]


def audit_system(
    outputs: dict[str, list[str]], system: str, source: list[str] | None, starts: Sequence[int]
) -> dict[str, Any]:
    """One system's articles scored against the other systems: per-article estimates and per-line utilities."""
    scorer = ReferenceScorer()
    values, relatives, consensus, utilities = [], [], [], []
    families: dict[str, int] = {}
    for article in articles_of(outputs, system, source, starts):
        ctx = ArticleContext(article)
        view = reference_view(ctx)
        parts = [
            scorer.estimate_segment(ctx.text[s.start : s.end], s.retranslations, s.source, view.chrf)
            for s in view.segments
        ]
        estimate = scorer.combine(parts)
        assert estimate is not None
        values.append(estimate.value)
        relatives.append(estimate.relative or 0.0)
        consensus.append(estimate.consensus or 0.0)
        for pair in estimate.families:
            name = "+".join(p or system for p in pair)
            families[name] = families.get(name, 0) + 1
        # Per line (FLORES lines are the human references' segments): the utility of the segments in that line.
        line_starts = [0]
        for line in article.text.split("\n")[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)
        for index, start in enumerate(line_starts):
            end = start + len(article.text.split("\n")[index])
            inside = [p for p, s in zip(estimate.segments, view.segments, strict=True) if start <= s.start < end + 1]
            weighted = [(p.expected or 0.0, max(p.words, 1)) for p in inside if p.expected is not None]
            total = sum(w for _, w in weighted)
            utilities.append(sum(v * w for v, w in weighted) / total if total else 0.0)
    return {
        "reference": values,
        "relative": relatives,
        "consensus": consensus,
        "utilities": utilities,
        "families": families,
    }


def audit_scores(
    outputs: dict[str, list[str]], system: str, source: list[str] | None, starts: Sequence[int]
) -> list[float]:
    """The article ``score`` a user gates on: every check and the reference score, through the engine."""
    from audit.analyzers import ReferenceAnalyzer
    from audit.config import Config
    from audit.engine import audit_batch

    result = audit_batch(
        articles_of(outputs, system, source, starts), Config(embeddings="off", jobs=1), analyzers=[ReferenceAnalyzer()]
    )
    return [article.score for article in result.articles]


def ranking(scores: dict[str, float], truth: dict[str, float]) -> dict[str, float]:
    xs = [scores[s] for s in SYSTEMS]
    ys = [truth[s] for s in SYSTEMS]
    return {"kendall_tau": round(kendall_tau(xs, ys), 3), "pairwise_accuracy": round(pairwise_accuracy(xs, ys), 3)}


def corpus_chrf(hypotheses: list[str], references: list[list[str]], rows: Sequence[int]) -> float:
    return float(
        corpus_scores([hypotheses[k] for k in rows], [[r[k] for k in rows] for r in references], NONE)["chrf"]["score"]
    )


def halves(starts: Sequence[int], count: int) -> dict[str, tuple[list[int], list[int]]]:
    """All articles, even articles, odd articles: (article indices, line numbers)."""
    parts = {
        "all": list(range(len(starts))),
        "even": list(range(0, len(starts), 2)),
        "odd": list(range(1, len(starts), 2)),
    }
    return {
        name: (index, [k for i in index for k in range(starts[i], min(starts[i] + SIZE, count))])
        for name, index in parts.items()
    }


MEASURES = ("reference", "relative", "consensus", "score")


def rank_parts(
    audited: dict[str, dict[str, Any]], truth_of: Any, baseline_of: Any, parts: dict[str, tuple[list[int], list[int]]]
) -> dict[str, Any]:
    """Kendall tau and pairwise accuracy of each measure's system means, per part, and the baseline's."""
    result: dict[str, Any] = {}
    for part, (index, rows) in parts.items():
        truth = truth_of(rows)
        entry = {
            measure: ranking({s: statistics.fmean(audited[s][measure][i] for i in index) for s in SYSTEMS}, truth)
            for measure in MEASURES
            if measure in audited[SYSTEMS[0]]
        }
        entry["baseline_chrf_vs_other_six"] = ranking(baseline_of(rows), truth)
        result[part] = entry
    return result


def bench_flores(report: dict[str, Any], with_score: bool) -> dict[str, float]:
    folder = DATA / "flores-devtest"
    outputs = {s: lines(folder / "systems" / f"{s}.ar.txt") for s in SYSTEMS}
    source = lines(folder / "src.en.txt")
    ref_a, ref_b = lines(folder / "ref-a.ar.txt"), lines(folder / "ref-b.ar.txt")
    every = list(range(len(ref_a)))
    human = {
        "ref-a": {s: corpus_chrf(outputs[s], [ref_a], every) for s in SYSTEMS},
        "ref-b": {s: corpus_chrf(outputs[s], [ref_b], every) for s in SYSTEMS},
        "ref-a+b": {s: corpus_chrf(outputs[s], [ref_a, ref_b], every) for s in SYSTEMS},
    }

    def baseline_of(rows: list[int]) -> dict[str, float]:
        return {s: corpus_chrf(outputs[s], [outputs[o] for o in SYSTEMS if o != s], rows) for s in SYSTEMS}

    def truth_of(rows: list[int]) -> dict[str, float]:
        return {s: corpus_chrf(outputs[s], [ref_a, ref_b], rows) for s in SYSTEMS}

    table = ChrfTable()
    human_segments = {
        s: [max(table.chrf(outputs[s][k], ref_a[k]), table.chrf(outputs[s][k], ref_b[k])) for k in every]
        for s in SYSTEMS
    }
    baseline_segments = {
        s: [max(table.chrf(outputs[s][k], outputs[o][k]) for o in SYSTEMS if o != s) for k in every] for s in SYSTEMS
    }
    baseline = baseline_of(every)
    result: dict[str, Any] = {
        "chrf_human": human,
        "baseline_chrf_vs_other_six": baseline,
        "baseline_ranking": {name: ranking(baseline, truth) for name, truth in human.items()},
    }
    starts = list(range(0, len(ref_a), SIZE))
    parts = halves(starts, len(ref_a))
    for mode, with_source in (("with_source", True), ("without_source", False)):
        started = time.perf_counter()
        audited = {s: audit_system(outputs, s, source if with_source else None, starts) for s in SYSTEMS}
        entry: dict[str, Any] = {"seconds": round(time.perf_counter() - started, 1)}
        if with_score:
            started = time.perf_counter()
            for s in SYSTEMS:
                audited[s]["score"] = audit_scores(outputs, s, source if with_source else None, starts)
            entry["seconds_score"] = round(time.perf_counter() - started, 1)
        entry["means"] = {
            measure: {s: round(statistics.fmean(audited[s][measure]), 3) for s in SYSTEMS}
            for measure in MEASURES
            if measure in audited[SYSTEMS[0]]
        }
        entry["families"] = {s: audited[s]["families"] for s in SYSTEMS}
        entry["ranking"] = {
            f"{measure}_vs_{name}": ranking({s: statistics.fmean(audited[s][measure]) for s in SYSTEMS}, truth)
            for measure in MEASURES
            if measure in audited[SYSTEMS[0]]
            for name, truth in human.items()
        }
        entry["parts_vs_ref_a+b"] = rank_parts(audited, truth_of, baseline_of, parts)
        ours = [u for s in SYSTEMS for u in audited[s]["utilities"]]
        theirs = [u for s in SYSTEMS for u in human_segments[s]]
        base = [u for s in SYSTEMS for u in baseline_segments[s]]
        entry["segments"] = {
            "pairs": len(ours),
            "consensus_utility": {
                "pearson": round(pearson(ours, theirs), 3),
                "spearman": round(spearman(ours, theirs), 3),
            },
            "baseline_max_chrf_vs_six": {
                "pearson": round(pearson(base, theirs), 3),
                "spearman": round(spearman(base, theirs), 3),
            },
        }
        result[mode] = entry
        print(f"FLORES {mode}: {json.dumps(entry['parts_vs_ref_a+b'])}")
        print(f"  vs each reference: {entry['ranking']}  segments {entry['segments']}  ({entry['seconds']} s)")
    print(f"FLORES baseline (chrF vs the other six): {result['baseline_ranking']}")
    report["flores"] = result
    return human["ref-a+b"]


def bench_iwslt(report: dict[str, Any], proxy: dict[str, float], with_score: bool) -> None:
    folder = DATA / "iwslt17"
    outputs = {s: lines(folder / "systems" / f"{s}.ar.txt") for s in SYSTEMS}
    source = lines(folder / "src.en.txt")
    starts = list(range(0, len(source), SIZE))
    parts = halves(starts, len(source))

    def baseline_of(rows: list[int]) -> dict[str, float]:
        return {s: corpus_chrf(outputs[s], [outputs[o] for o in SYSTEMS if o != s], rows) for s in SYSTEMS}

    result: dict[str, Any] = {"proxy": "chrF with ref-a+b on FLORES, same engines"}
    for mode, with_source in (("with_source", True), ("without_source", False)):
        audited = {s: audit_system(outputs, s, source if with_source else None, starts) for s in SYSTEMS}
        if with_score and with_source:
            for s in SYSTEMS:
                audited[s]["score"] = audit_scores(outputs, s, source, starts)
        result[mode] = {
            "means": {
                measure: {s: round(statistics.fmean(audited[s][measure]), 3) for s in SYSTEMS}
                for measure in MEASURES
                if measure in audited[SYSTEMS[0]]
            },
            "parts_vs_proxy": rank_parts(audited, lambda rows: proxy, baseline_of, parts),
        }
        print(f"IWSLT17 {mode} against the FLORES human-chrF order: {json.dumps(result[mode]['parts_vs_proxy'])}")
    report["iwslt17"] = result


def bench_speed(report: dict[str, Any], repeats: int) -> None:
    folder = DATA / "flores-devtest"
    system = "sysE"
    outputs = {s: lines(folder / "systems" / f"{s}.ar.txt") for s in SYSTEMS}
    source = lines(folder / "src.en.txt")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for k in range(0, len(source), SIZE):
                record = {
                    "id": f"a{k}",
                    "text": "\n".join(outputs[system][k : k + SIZE]),
                    "source": "\n".join(source[k : k + SIZE]),
                    "retranslations": {o: "\n".join(outputs[o][k : k + SIZE]) for o in SYSTEMS if o != system},
                }
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        audit_cmd = [
            sys.executable,
            "-m",
            "audit",
            "check",
            str(path),
            "--format",
            "json",
            "--output",
            str(Path(tmp) / "out"),
        ]
        refs = [str(folder / "systems" / f"{o}.ar.txt") for o in SYSTEMS if o != system]
        hyp = str(folder / "systems" / f"{system}.ar.txt")
        sacrebleu_cmd = [
            sys.executable,
            "-m",
            "sacrebleu",
            *refs,
            "-i",
            hyp,
            "-m",
            "bleu",
            "chrf",
            "ter",
            "-tok",
            "intl",
        ]
        times: dict[str, list[float]] = {"audit": [], "sacrebleu": []}
        cpu: dict[str, list[float]] = {"audit": [], "sacrebleu": []}
        loads: list[float] = []
        for _ in range(repeats):
            for name, command in (("sacrebleu", sacrebleu_cmd), ("audit", audit_cmd)):
                loads.append(os.getloadavg()[0])
                used = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
                started = time.perf_counter()
                subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
                times[name].append(time.perf_counter() - started)
                cpu[name].append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - used)
    medians = {name: statistics.median(values) for name, values in times.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpu.items()}
    report["speed"] = {
        "lines": len(source),
        "seconds": {name: [round(v, 2) for v in values] for name, values in times.items()},
        "median_seconds": {name: round(v, 2) for name, v in medians.items()},
        "ratio_audit_to_sacrebleu": round(medians["audit"] / medians["sacrebleu"], 2),
        # User CPU time beside wall time: on a shared machine the wall ratio moves with the load.
        "user_cpu_seconds": {name: [round(v, 2) for v in values] for name, values in cpu.items()},
        "cpu_ratio_audit_to_sacrebleu": round(cpu_medians["audit"] / cpu_medians["sacrebleu"], 2),
        "load_average": [round(min(loads), 2), round(max(loads), 2)],
    }
    print(f"speed: {report['speed']}")


def main() -> int:
    if not DATA.is_dir():
        print(f"no data at {DATA}; nothing to measure")
        return 0
    quick = "--quick" in sys.argv
    report: dict[str, Any] = {}
    if "--speed" in sys.argv and OUT.exists():  # the speed part alone, beside the rankings of an earlier run
        report = json.loads(OUT.read_text(encoding="utf-8"))
    if "--speed" not in sys.argv:
        configure(AlignmentSettings(embeddings="off"))  # the rankings; the speed run keeps the default (auto)
        proxy = bench_flores(report, with_score=not quick)
        bench_iwslt(report, proxy, with_score=not quick)
    bench_speed(report, 1 if quick else 3)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
