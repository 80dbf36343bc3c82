"""The engine: checks run per article and per batch, faults are isolated, findings are valid spans."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence

import pytest

from audit.checks import ArticleContext, BatchCheck, Check, CheckSettings
from audit.config import Config
from audit.engine import audit_batch
from audit.model import Article, Category, Finding, InputError, Severity


class LatinWords(Check):
    """Flags Latin words (test check)."""

    code = "X101"
    name = "latin-words"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        for match in re.finditer(r"[A-Za-z]+", ctx.text):
            yield self.finding(ctx.text, match.start(), match.end(), "Latin word")


class Broken(Check):
    """Always fails (test check)."""

    code = "X102"
    name = "broken"
    category = Category.OTHER
    severity = Severity.MINOR

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        if "boom" in ctx.text:
            raise RuntimeError("boom")
        return []


class BadSpan(Check):
    """Returns a finding whose text does not match its span (test check)."""

    code = "X103"
    name = "bad-span"
    category = Category.OTHER
    severity = Severity.MINOR

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        if "bad" in ctx.text:
            yield Finding("X103", Category.OTHER, Severity.MINOR, 0, 3, "xyz", "wrong")


class SameTextAcrossBatch(BatchCheck):
    """Flags articles whose text occurs twice in the batch (test check)."""

    code = "X104"
    name = "same-text"
    category = Category.DUPLICATION
    severity = Severity.CRITICAL

    def run_batch(
        self, contexts: Sequence[ArticleContext], collected: Sequence[object] | None = None
    ) -> Iterator[tuple[int, Finding]]:
        seen: dict[str, int] = {}
        for index, ctx in enumerate(contexts):
            if ctx.text in seen:
                yield index, self.finding(ctx.text, 0, len(ctx.text), "same text as another article")
            seen.setdefault(ctx.text, index)


def _article(id_: str, text: str) -> Article:
    return Article(id=id_, text=text, path=f"{id_}.txt")


def test_findings_scores_and_gate() -> None:
    checks = [LatinWords(), SameTextAcrossBatch()]
    articles = [_article("a", "قال Putin إن"), _article("b", "نص عربي سليم تماما"), _article("c", "نص عربي سليم تماما")]
    result = audit_batch(articles, Config(), checks=checks)
    by_id = {r.article.id: r for r in result.articles}
    assert [f.text for f in by_id["a"].findings] == ["Putin"]
    # One major (5) over the 100-word floor: 95.0, which reaches the default threshold of 95.
    assert by_id["a"].score == 95.0 and by_id["a"].passed
    assert by_id["b"].passed and by_id["b"].score == 100
    assert [f.check for f in by_id["c"].findings] == ["X104"] and not by_id["c"].passed
    assert result.exit_code == 1


def test_a_faulty_check_or_bad_span_is_reported_and_the_batch_goes_on() -> None:
    checks = [LatinWords(), Broken(), BadSpan()]
    items = [
        _article("boom", "boom نص"),
        _article("bad", "bad نص"),
        InputError(id="gone", path="gone.txt", message="no such file"),
        _article("ok", "نص"),
    ]
    result = audit_batch(items, Config(), checks=checks)
    assert [r.article.id for r in result.articles] == ["boom", "bad", "ok"]
    messages = " | ".join(e.message for e in result.errors)
    assert "internal error in X102" in messages and "X103" in messages and "no such file" in messages
    assert result.exit_code == 3  # a faulty check is an internal error
    bad = next(r for r in result.articles if r.article.id == "bad")
    assert all(f.check != "X103" for f in bad.findings)


def test_severity_override_applies_to_every_finding_of_a_check() -> None:
    check = LatinWords(CheckSettings(severity=Severity.MINOR))
    result = audit_batch([_article("a", "قال Putin و Trump")], Config(), checks=[check])
    assert {f.severity for f in result.articles[0].findings} == {Severity.MINOR}


def test_findings_are_sorted_and_unique() -> None:
    checks = [LatinWords(), LatinWords()]
    result = audit_batch([_article("a", "Zeta قال Alpha")], Config(), checks=checks)
    assert [f.text for f in result.articles[0].findings] == ["Zeta", "Alpha"]


def test_parallel_workers_give_the_same_results_as_one_process() -> None:
    from dataclasses import replace

    from audit.checks import build_checks
    from audit.engine import worker_count

    texts = [
        "Breaking news in English left untranslated\n"
        "قال Putin إن المحادثات مع ويتكوف كانت مفيدة ، وأضاف أن الوفد سيعود.\n",
        "وقال المتحدث إن الاجتماع انتهى.\nوقال المتحدث إن الاجتماع انتهى.\nوقال المتحدث إن الاجتماع انتهى.\n",
        "نص عربي سليم تماما عن الاقتصاد والطقس في المدينة.\n",
    ] * 4
    articles = [_article(f"a{i}", text) for i, text in enumerate(texts)]
    checks = build_checks()
    one = audit_batch(articles, replace(Config(), jobs=1), checks=checks)
    two = audit_batch(articles, replace(Config(), jobs=2), checks=checks)
    assert [(r.article.id, r.score, r.findings) for r in one.articles] == [
        (r.article.id, r.score, r.findings) for r in two.articles
    ]
    assert worker_count(2, articles) == 2
    assert worker_count(0, articles[:2]) == 1  # a small batch stays in one process


def test_the_batch_pass_finds_the_same_in_the_worker_that_collected_or_here(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from audit import engine
    from audit.checks import build_checks

    line = "قال المبعوث فيكتور {0} إن المحادثات كانت مفيدة، وأضاف {0} أن الوفد سيعود غداً إلى العاصمة.\n"
    texts = [line.format("ستيفانوفيتش")] * 3 + [line.format("ستيفانوفتش")] + ["نص عربي سليم عن الطقس في المدينة.\n"] * 4
    articles = [_article(f"a{i}", text) for i, text in enumerate(texts)]
    checks = build_checks()
    answers: list[object] = []
    asked = engine.LocalExecutor.batch_found

    def batch_found(self: engine.LocalExecutor, count: int) -> engine.BatchFound | None:
        answers.append(asked(self, count))
        return answers[-1]

    monkeypatch.setattr(engine.LocalExecutor, "batch_found", batch_found)
    here = audit_batch(articles, replace(Config(), jobs=1), checks=checks)
    in_worker = audit_batch(articles, replace(Config(), jobs=2), checks=checks)
    monkeypatch.setattr(engine, "KEEP_BYTES", 0)  # the worker cannot keep what was collected: the pass runs here
    kept_nothing = audit_batch(articles, replace(Config(), jobs=2), checks=checks)
    assert answers[0] is None  # one process: no worker to ask
    assert answers[1] is not None and answers[2] is None
    assert [f.check for f in in_worker.articles[3].findings] == ["C602"]
    results = [
        [(r.article.id, r.score, r.findings) for r in batch.articles] for batch in (here, in_worker, kept_nothing)
    ]
    assert results[0] == results[1] == results[2]


def test_split_by_work_keeps_the_lexicon_checks_together() -> None:
    from dataclasses import replace

    from audit.checks import build_checks
    from audit.engine import RunSpec, split_by_work

    spec = RunSpec(config=Config(), checks=tuple(build_checks()))
    plain = [_article("a", "نص عربي.\n")]
    halves = split_by_work(spec, plain)
    assert halves is not None
    lexicon, others = halves
    assert lexicon.checks is not None and others.checks is not None
    assert {c.code for c in lexicon.checks} == {"G501", "G502", "C601", "C602"}
    assert len(lexicon.checks) + len(others.checks) == len(spec.checks or ())
    assert not lexicon.analyzers
    # references: articles are shared out instead; a half would be empty: no split
    assert split_by_work(spec, [replace(plain[0], source="Text.")]) is None
    only_garbled = RunSpec(config=Config(), checks=tuple(build_checks(select=["G501"])))
    assert split_by_work(only_garbled, plain) is None


def test_a_batch_is_large_by_its_file_sizes_only_when_its_text_must_be() -> None:
    from audit.engine import PARALLEL_MIN_CHARS, large_by_size

    assert large_by_size([PARALLEL_MIN_CHARS // 2] * 4)  # two bytes a character at most
    assert not large_by_size([PARALLEL_MIN_CHARS] * 3)  # too few articles
    assert not large_by_size([PARALLEL_MIN_CHARS // 2 - 1] * 4)

    def sizes() -> Iterator[int]:
        yield from [PARALLEL_MIN_CHARS] * 4
        raise AssertionError("read further than needed")

    assert large_by_size(sizes())


class WorkerProcess(Check):
    """Notes the process it runs in, as a check of the lexicon half (test check)."""

    code = "X105"
    name = "worker-process"
    category = Category.OTHER
    severity = Severity.INFO
    shares = "lexicon"

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        yield self.finding(ctx.text, 0, 1, f"process {os.getpid()}")


def test_workers_started_before_the_articles_are_read_audit_them_or_are_stopped() -> None:
    import multiprocessing
    from dataclasses import replace

    from audit.engine import LocalExecutor, RunSpec, chunks

    spec = RunSpec(config=replace(Config(), jobs=2), checks=(WorkerProcess(), LatinWords()))
    articles = [_article(f"a{i}", "نص عربي عن Reuters.\n" * (i + 1)) for i in range(6)]

    def audited(executor: LocalExecutor, batch: list[Article]) -> list[tuple[str, float, list[str]]]:
        try:
            return [
                (o.article.id, o.result.score, [f.message for f in o.result.findings])
                for part in executor.map_chunks(spec, chunks(batch, max_articles=2))
                for o in part
            ]
        finally:
            executor.close()

    started = LocalExecutor(2)
    started.start(spec)
    [early] = multiprocessing.active_children()
    outcomes = audited(started, articles)
    assert multiprocessing.active_children() == []
    # The started worker ran the lexicon half of every article; the other half found the same as without it.
    assert [messages[0] for _, _, messages in outcomes] == [f"process {early.pid}"] * len(articles)
    without = audited(LocalExecutor(2), articles)
    assert [(i, score, messages[1:]) for i, score, messages in outcomes] == [
        (i, score, messages[1:]) for i, score, messages in without
    ]
    # Batches not audited in halves stop them: articles with references, and one audited in this process.
    with_source = [replace(article, source="Text.") for article in articles]
    for executor, batch in ((LocalExecutor(2), with_source), (LocalExecutor(0), articles[:1])):
        executor.start(spec)
        [early] = multiprocessing.active_children()
        found = audited(executor, batch)
        assert len(found) == len(batch) and f"process {early.pid}" not in found[0][2]
        assert multiprocessing.active_children() == []
    unused = LocalExecutor(2)
    unused.start(spec)
    unused.close()
    assert multiprocessing.active_children() == []


def test_the_worker_processes_of_a_batch_have_ended_when_it_returns() -> None:
    import multiprocessing
    from dataclasses import replace

    from audit.checks import build_checks

    text = "قال المتحدث إن الاجتماع انتهى، وأضاف أن الوفد سيعود غداً إلى العاصمة.\n" * 3
    articles = [_article(f"a{i}", text) for i in range(8)]
    result = audit_batch(articles, replace(Config(), jobs=2), checks=build_checks(select=["P", "D"]))
    assert len(result.articles) == 8
    assert multiprocessing.active_children() == []
