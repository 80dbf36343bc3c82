"""``audit compare``: two or more MT outputs of the same articles, scored and tested for significant differences.

    audit compare --references DIR sysA/ sysB/ sysC.jsonl

Each SYSTEM is a folder, a file or JSONL of articles (as for ``audit check``); the first is the baseline.
Articles are matched by id. The references are the re-translations of each article (``<id>.<name>.ar.txt``
in ``--references DIR``, or ``"retranslations"`` in the baseline's JSONL records); English originals
(``<id>.en.txt``) are used by the auditor's source checks.

To compare systems segment by segment, every article is cut along the sentences of its first reference:
each system and each other reference is aligned with it (:func:`audit.align.align`), and runs of reference
sentences that some alignment merges are kept together. BLEU, chrF and TER (sacrebleu, multi-reference,
after the configured Arabic normalisation) are then compared with sacrebleu's paired bootstrap resampling
(``bs``) and approximate randomisation (``ar``) over those segments; the auditor's own score (the mean
article score, the references given to the reference checks) with the same two tests over articles.

Engines are also ranked as engines: each system is audited with the references, the English original and the
other systems' outputs as re-translations, and the systems are ranked by their mean reference score
(:mod:`audit.refscore`) with paired bootstrap intervals; the ranking table says which differences are
significant (:func:`rank_systems`). Output: the tables on the terminal and a JSON file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.model import Article, InputError

TESTS = ("bs", "ar")


def add_compare_parser(commands: Any) -> None:
    """The ``compare`` subcommand's arguments (kept here so ``audit.cli`` stays small)."""
    compare = commands.add_parser("compare", help="compare MT systems on the same articles, with significance tests")
    compare.add_argument("systems", nargs="+", metavar="SYSTEM", help="folder, file or JSONL of one system's articles")
    compare.add_argument("--references", metavar="DIR", help="folder of <id>.<name>.ar.txt (and <id>.en.txt) files")
    compare.add_argument("--names", help="comma-separated system names (default: folder or file names)")
    compare.add_argument("--config", type=Path, help="audit.toml or pyproject.toml (default: found in the cwd)")
    compare.add_argument("--test", choices=("bs", "ar", "both"), default="both", help="significance test(s)")
    compare.add_argument("--samples", type=int, default=0, help="resamples (default: sacrebleu's, 1000 bs / 10000 ar)")
    compare.add_argument("--normalize", help="Arabic normalisation before metrics: comma-separated steps, none or all")
    compare.add_argument("--embeddings", choices=("auto", "on", "off"), help="sentence embeddings for alignment")
    compare.add_argument("--output", type=Path, default=Path("reports/compare.json"), help="JSON result file")
    compare.add_argument("--encoding", help="encoding of input files without a BOM (default: utf-8)")


@dataclass(frozen=True)
class SystemOutput:
    """One system's articles, by id."""

    name: str
    articles: Mapping[str, Article]


@dataclass(frozen=True)
class Corpus:
    """The systems' outputs cut into common segments, with the reference streams for the same segments."""

    article_ids: tuple[str, ...]
    systems: Mapping[str, list[str]]
    references: Mapping[str, list[str]]
    segment_articles: tuple[str, ...]


class CompareError(Exception):
    """Inputs that cannot be compared; the message says why."""


def load_systems(
    paths: Sequence[str],
    names: Sequence[str] | None = None,
    references: Path | None = None,
    encoding: str | None = None,
) -> tuple[list[SystemOutput], list[InputError]]:
    """Every system's articles (references attached), and the input errors met on the way."""
    from audit.inputs import load_paths
    from audit.references import ReferenceError, attach_references, scan_references

    if len(paths) < 2:
        raise CompareError("compare needs at least two systems")
    labels = list(names) if names else [_default_name(p) for p in paths]
    if len(labels) != len(paths):
        raise CompareError(f"{len(paths)} systems but {len(labels)} names")
    if len(set(labels)) != len(labels):
        raise CompareError(f"system names must differ: {', '.join(labels)} (use --names)")
    index = None
    if references is not None:
        try:
            index = scan_references(references)
        except ReferenceError as exc:
            raise CompareError(str(exc)) from None
    systems, errors = [], []
    for label, path in zip(labels, paths, strict=True):
        loaded = load_paths([path], encoding)
        if index is not None:
            loaded = attach_references(loaded, index, encoding)
        articles: dict[str, Article] = {}
        for item in loaded:
            if isinstance(item, InputError):
                errors.append(item)
            else:
                articles[item.id] = item
        systems.append(SystemOutput(label, articles))
    return systems, errors


def _default_name(path: str) -> str:
    p = Path(path.rstrip("/"))
    return p.stem if p.suffix else p.name


def shared_references(systems: Sequence[SystemOutput], article_id: str) -> dict[str, str]:
    """The re-translations that serve as references: the baseline's record, added to by the other systems'."""
    merged: dict[str, str] = {}
    for system in reversed(systems):
        merged.update(system.articles[article_id].retranslations)
    return dict(sorted(merged.items()))


def build_corpus(systems: Sequence[SystemOutput], embed: Any = None) -> Corpus:
    """Common segments of every article that all systems have and that has at least one reference."""
    from audit.align import align
    from audit.references import build_segments
    from audit.text import Document

    ids = [i for i in systems[0].articles if all(i in s.articles for s in systems[1:])]
    kept: list[str] = []
    hyps: dict[str, list[str]] = {s.name: [] for s in systems}
    refs: dict[str, list[str]] = {}
    segment_articles: list[str] = []
    ref_names = sorted({name for i in ids for name in shared_references(systems, i)})
    for article_id in ids:
        references = shared_references(systems, article_id)
        if not references:
            continue
        pivot_name = next(iter(references))
        pivot = Document(references[pivot_name])
        pivot_sentences = [span.slice(pivot.text) for span in pivot.sentences]
        alignments = {}
        others = {f"sys:{s.name}": s.articles[article_id].text for s in systems}
        others.update({f"ref:{name}": text for name, text in references.items() if name != pivot_name})
        for key, text in others.items():
            doc = Document(text)
            sentences = [span.slice(text) for span in doc.sentences]
            alignments[key] = (align(sentences, pivot_sentences, embed=embed), sentences)
        segments = build_segments(pivot.sentences, alignments)
        kept.append(article_id)
        for segment in segments:
            segment_articles.append(article_id)
            for system in systems:
                key = f"sys:{system.name}"
                hyps[system.name].append(" ".join([segment.retranslations[key], *segment.gaps.get(key, ())]).strip())
            for name in ref_names:
                if name == pivot_name:
                    text = pivot.text[segment.start : segment.end]
                elif name in references:
                    key = f"ref:{name}"
                    text = " ".join([segment.retranslations[key], *segment.gaps.get(key, ())]).strip()
                else:
                    text = ""
                refs.setdefault(name, []).append(text)
    return Corpus(tuple(kept), hyps, refs, tuple(segment_articles))


class AuditScoreMetric:
    """The auditor's mean article score in the shape sacrebleu's paired tests expect of a metric.

    "Hypotheses" are the article scores written as strings; statistics per article are ``[score, 1]``.
    """

    def __init__(self, signature: str) -> None:
        self.signature = signature

    def _extract_corpus_statistics(self, hypotheses: Sequence[str], references: Any) -> list[list[float]]:
        return [[float(h), 1.0] for h in hypotheses]

    def _compute_score_from_stats(self, stats: Sequence[float]) -> Any:
        from sacrebleu.metrics.base import Score

        total, count = float(stats[0]), float(stats[1])
        return Score("audit", total / count if count else 0.0)

    def _aggregate_and_compute(self, stats: Any) -> Any:
        import numpy as np

        return self._compute_score_from_stats(np.asarray(stats, dtype=float).sum(0))

    def get_signature(self) -> Any:
        return _AuditSignature(self.signature)


class _AuditSignature:
    def __init__(self, signature: str) -> None:
        self.signature = signature
        self.extra: dict[str, Any] = {}

    def update(self, key: str, value: Any) -> None:
        self.extra[key] = value

    def format(self, short: bool = False) -> str:
        tail = "|".join(f"{k}:{v}" for k, v in self.extra.items())
        return f"{self.signature}|{tail}" if tail else self.signature

    def __str__(self) -> str:
        return self.format()


def paired_tests(
    named: Sequence[tuple[str, Sequence[str]]],
    metrics: Mapping[str, Any],
    references: Sequence[Sequence[str]] | None,
    test: str,
    samples: int = 0,
) -> dict[str, Any]:
    """sacrebleu's :class:`PairedTest` over the systems (the first is the baseline): ``{metric: [per system]}``."""
    from sacrebleu.significance import PairedTest

    paired = PairedTest(list(named), dict(metrics), references, test_type=test, n_samples=samples)
    signatures, scores = paired()
    result: dict[str, Any] = {"signatures": {k: v.format() for k, v in signatures.items()}, "scores": {}}
    for metric, values in scores.items():
        if metric == "System":
            continue
        rows = []
        for system, entry in zip(scores["System"], values, strict=True):
            value: Any = entry
            rows.append(
                {
                    "system": system,
                    "score": round(float(value.score), 3),
                    "p_value": None if value.p_value is None else round(float(value.p_value), 4),
                    "mean": None if value.mean is None else round(float(value.mean), 3),
                    "ci": None if value.ci is None else round(float(value.ci), 3),
                }
            )
        result["scores"][metric] = rows
    return result


def compare(
    systems: Sequence[SystemOutput],
    config: Any,
    tests: Sequence[str] = TESTS,
    samples: int = 0,
) -> dict[str, Any]:
    """Scores and paired tests of every system against the baseline (the first)."""
    from audit.engine import audit_batch
    from audit.metrics import sacrebleu_metrics
    from audit.normalize import normalizer
    from audit.references import AlignmentSettings, embedder

    settings = AlignmentSettings(embeddings=config.embeddings)
    embed, method = embedder(settings)
    normalize = normalizer(config.normalize)
    corpus = build_corpus(systems, embed)
    result: dict[str, Any] = {
        "systems": [s.name for s in systems],
        "baseline": systems[0].name,
        "articles": len(corpus.article_ids),
        "segments": len(corpus.segment_articles),
        "references": sorted(corpus.references),
        "normalization": normalize.name,
        "alignment": method,
        "tests": {},
    }
    if not corpus.article_ids:
        raise CompareError("no article is present in every system with at least one reference")

    text_metrics = sacrebleu_metrics()
    metrics = {"BLEU": text_metrics.bleu, "chrF": text_metrics.chrf, "TER": text_metrics.ter}
    named = [(name, normalize.apply_all(hyps)) for name, hyps in corpus.systems.items()]
    refs = [normalize.apply_all(stream) for stream in corpus.references.values()]

    scores: dict[str, list[str]] = {}
    reference_scores: dict[str, list[float]] = {}
    audit_summary = {}
    ids = list(corpus.article_ids)
    for system in systems:
        articles = [_with_references(system.articles[i], systems, system.name) for i in ids]
        batch = audit_batch(articles, config)
        by_id = {a.article.id: a for a in batch.articles}
        scores[system.name] = [repr(by_id[i].score) if i in by_id else "0.0" for i in ids]
        reference_scores[system.name] = [
            float(by_id[i].subscores.get("reference", 0.0)) if i in by_id else 0.0 for i in ids
        ]
        audit_summary[system.name] = {
            "mean_score": round(sum(a.score for a in batch.articles) / max(len(batch.articles), 1), 3),
            "findings": sum(len(a.findings) for a in batch.articles),
            "passed": sum(1 for a in batch.articles if a.passed),
        }
        result["signature_audit"] = batch.signature
    result["audit"] = audit_summary
    result["ranking"] = rank_systems(reference_scores, samples or 1000)
    audit_metric = {"audit": AuditScoreMetric(result["signature_audit"])}
    for test in tests:
        text = paired_tests(named, metrics, refs, test, samples)
        own = paired_tests(list(scores.items()), audit_metric, None, test, samples)
        text_signatures = {k: f"{v}|arnorm:{normalize.name}" for k, v in text["signatures"].items()}
        result["tests"][test] = {
            "signatures": {**text_signatures, **own["signatures"]},
            "scores": {**text["scores"], **own["scores"]},
        }
    return result


def _with_references(article: Article, systems: Sequence[SystemOutput], own: str | None = None) -> Article:
    """The article with the shared references, the English original, and the other systems' outputs as
    re-translations (the reference score weighs each by how much the others agree with it)."""
    references = shared_references(systems, article.id)
    if own is not None:
        for other in systems:
            if other.name != own and other.name not in references:
                references[other.name] = other.articles[article.id].text
    source = next((s.articles[article.id].source for s in systems if s.articles[article.id].source), None)
    return dataclasses.replace(article, retranslations=references, source=source)


def rank_systems(scores: Mapping[str, Sequence[float]], samples: int = 1000, seed: int = 12345) -> dict[str, Any]:
    """Systems ranked by their mean reference score over the same articles, with paired bootstrap resampling.

    Every resample draws the same articles for all systems; a system's 95% interval is that of its mean, and
    the difference between two systems is significant when the 95% interval of their paired difference
    excludes 0 (p: twice the share of resamples on the other side of 0).
    """
    import numpy as np

    names = list(scores)
    table = np.asarray([scores[name] for name in names], dtype=float)
    count = table.shape[1]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, count, size=(samples, count))
    means = table[:, draws].mean(axis=2)  # systems x samples
    observed = table.mean(axis=1)
    order = sorted(range(len(names)), key=lambda k: -observed[k])
    rows = []
    for rank, k in enumerate(order, start=1):
        low, high = np.percentile(means[k], [2.5, 97.5])
        rows.append({"rank": rank, "system": names[k], "reference": round(float(observed[k]), 3),
                     "ci": [round(float(low), 3), round(float(high), 3)]})  # fmt: skip
    pairs = []
    for a_index, a in enumerate(order):
        for b in order[a_index + 1 :]:
            diff = means[a] - means[b]
            low, high = np.percentile(diff, [2.5, 97.5])
            p_value = min(1.0, 2 * min(float((diff <= 0).mean()), float((diff >= 0).mean())))
            pairs.append(
                {
                    "better": names[a],
                    "worse": names[b],
                    "difference": round(float(observed[a] - observed[b]), 3),
                    "ci": [round(float(low), 3), round(float(high), 3)],
                    "p_value": round(p_value, 4),
                    "significant": bool(low > 0 or high < 0),
                }
            )
    return {"articles": count, "samples": samples, "test": "paired bootstrap", "rows": rows, "pairs": pairs}


def format_ranking(ranking: Mapping[str, Any]) -> str:
    """The ranking table: rank, system, mean reference score with its 95% interval, and the systems it beats
    significantly."""
    lines = [f"{'rank':<5}{'system':<16}{'reference':>10}  {'95% CI':<18}significantly better than"]
    for row in ranking["rows"]:
        beaten = [p["worse"] for p in ranking["pairs"] if p["better"] == row["system"] and p["significant"]]
        interval = f"[{row['ci'][0]:.2f}, {row['ci'][1]:.2f}]"
        lines.append(
            f"{row['rank']:<5}{row['system']:<16}{row['reference']:>10.2f}  {interval:<18}{', '.join(beaten) or '-'}"
        )
    ties = [f"{p['better']}~{p['worse']}" for p in ranking["pairs"] if not p["significant"]]
    lines.append(
        f"reference score over {ranking['articles']} articles, {ranking['test']} ({ranking['samples']} resamples);"
        f" not significant: {', '.join(ties) or 'none'}"
    )
    return "\n".join(lines)


def format_table(result: Mapping[str, Any]) -> str:
    """One row per system, one column per metric; p-values against the baseline, * when below 0.05."""
    test = "ar" if "ar" in result["tests"] else next(iter(result["tests"]))
    scores = result["tests"][test]["scores"]
    metrics = list(scores)
    lines = [f"{'system':<16}" + "".join(f"{m:>22}" for m in metrics)]
    for index, system in enumerate(result["systems"]):
        cells = []
        for metric in metrics:
            row = scores[metric][index]
            cell = f"{row['score']:.2f}"
            if row["ci"] is not None:
                cell += f" ±{row['ci']:.2f}"
            if index and row["p_value"] is not None:
                cell += f" p={row['p_value']:.3f}{'*' if row['p_value'] < 0.05 else ' '}"
            else:
                cell += " (base) " if index == 0 else ""
            cells.append(f"{cell:>22}")
        lines.append(f"{system:<16}" + "".join(cells))
    if result["articles"] < 10:
        lines.append(f"note: the audit score is tested over {result['articles']} article(s): too few to mean much")
    lines.append(
        f"{result['articles']} articles, {result['segments']} segments, references: {', '.join(result['references'])};"
        f" test: {test} (paired, against {result['baseline']}); normalisation: {result['normalization']}"
    )
    return "\n".join(lines)


def run_compare(args: argparse.Namespace) -> int:
    """The ``audit compare`` command: exit 0, or 2 on a usage or input error."""
    from audit.cli import EXIT_ERROR, EXIT_OK, UsageError
    from audit.config import ConfigError, load_config

    overrides = {"normalize": args.normalize, "embeddings": args.embeddings, "encoding": args.encoding}
    try:
        config = load_config(args.config, overrides, search_dir=Path.cwd())
        names = [n.strip() for n in args.names.split(",")] if args.names else None
        systems, errors = load_systems(
            args.systems, names, Path(args.references) if args.references else None, config.encoding
        )
        tests = TESTS if args.test == "both" else (args.test,)
        result = compare(systems, config, tests, args.samples)
    except (ConfigError, CompareError) as exc:
        raise UsageError(str(exc)) from None
    result["errors"] = [e.to_dict() for e in errors]
    for error in errors:
        print(f"error: {error.path or error.id}: {error.message}", file=sys.stderr)
    print(format_table(result))
    print()
    print(format_ranking(result["ranking"]))
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc}") from None
    print(f"written: {args.output}")
    return EXIT_ERROR if errors else EXIT_OK
