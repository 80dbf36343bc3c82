"""Running an audit: checks over a batch of articles, then scores and the pass/fail gate."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import os
import pickle
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from audit import scoring
from audit.budget import DEFAULT_BUDGET, BudgetExceeded, TimeBudget, audit_within
from audit.checks import ArticleContext, BatchCheck, Check, build_checks
from audit.checks.base import AnyCheck
from audit.config import Config
from audit.fixes import fold
from audit.model import Article, Finding, InputError, Severity


@dataclass(frozen=True)
class Analysis:
    """What an analyzer adds to an article's result.

    ``alignment`` rows are ``{"start", "end", "source", "retranslations": {name: text}, "metrics": {...}}``:
    a span of the audited text, the aligned English and re-translated text, and per-segment metrics.
    """

    metrics: Mapping[str, Any] = field(default_factory=dict)
    findings: Sequence[Finding] = ()
    alignment: Sequence[Mapping[str, Any]] = ()
    #: Sub-scores of the analyzer's own (``reference``), merged into the article's ``subscores``.
    subscores: Mapping[str, float] = field(default_factory=dict)


class Analyzer(Protocol):
    """Something that measures an article (metrics against references, say) and may add findings."""

    name: str

    def analyze(self, ctx: ArticleContext) -> Analysis: ...


@dataclass(frozen=True)
class ArticleResult:
    article: Article
    words: int
    score: float
    penalty: float
    passed: bool
    findings: tuple[Finding, ...]
    metrics: Mapping[str, Any] = field(default_factory=dict)
    alignment: tuple[Mapping[str, Any], ...] = ()
    #: Sub-scores by MQM dimension (see :mod:`audit.scoring`), 0-100 each, plus those analyzers add.
    subscores: Mapping[str, float] = field(default_factory=dict)
    #: With a baseline: the indices of ``findings`` it does not hold (None: no baseline).
    baseline_new: frozenset[int] | None = None


@dataclass(frozen=True)
class BatchResult:
    articles: tuple[ArticleResult, ...]
    errors: tuple[InputError, ...]
    config: Config
    signature: str
    #: The baseline report the gate compared against, if any (see :mod:`audit.baseline`).
    baseline: str | None = None

    @property
    def passed(self) -> bool:
        return all(a.passed for a in self.articles)

    @property
    def exit_code(self) -> int:
        """0 every article passed, 1 the gate failed, 2 an input error, 3 an internal error."""
        return exit_code(self.errors, self.passed)


def exit_code(errors: Sequence[InputError], all_passed: bool) -> int:
    """0 every article passed, 1 the gate failed, 2 an input error, 3 an internal error (a check failed)."""
    if any(e.internal for e in errors):
        return 3
    if errors:
        return 2
    return 0 if all_passed else 1


def _valid(finding: Finding, text: str) -> bool:
    if finding.fix is not None and finding.fix.end > len(text):
        return False
    return 0 <= finding.start <= finding.end <= len(text) and text[finding.start : finding.end] == finding.text


#: Where analyzer sub-scores travel inside an article's metrics until it is scored (they survive a resume).
ANALYZER_SUBSCORES = "analyzer_subscores"
REFERENCE = "reference"


@dataclass
class _ArticleOutput:
    """What the per-article checks and analyzers found in one article (sent back from a worker)."""

    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    alignment: list[Mapping[str, Any]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    #: Batch check code -> its ``collect`` result for this article.
    collected: dict[str, Any] = field(default_factory=dict)
    #: The article ran out of its time budget: it is an error, not a result.
    dropped: bool = False
    #: ``collected`` pickled where the checks ran, kept when it arrives in another process, so that a run's store
    #: writes it as it came instead of pickling it again (see :meth:`pickled_collected`).
    packed: bytes | None = field(default=None, repr=False, compare=False)

    def pickled_collected(self) -> bytes:
        """``collected`` pickled (empty bytes when nothing was collected)."""
        if self.packed is None:
            if not self.collected:
                return b""
            self.packed = pickle.dumps(self.collected, protocol=pickle.HIGHEST_PROTOCOL)
        return self.packed

    def __getstate__(self) -> dict[str, Any]:
        # ``collected`` travels pickled on its own (see __getattr__).
        state = dict(self.__dict__)
        state["packed"] = self.pickled_collected() or None
        state.pop("collected", None)
        return state

    def __getattr__(self, name: str) -> dict[str, Any]:
        # An output that arrived from another process reads ``collected`` from ``packed`` when first asked for:
        # when the batch pass runs where the checks ran, the receiving process never needs to.
        if name != "collected" or "packed" not in self.__dict__:
            raise AttributeError(name)
        packed = self.__dict__["packed"]
        collected: dict[str, Any] = pickle.loads(packed) if packed is not None else {}
        self.__dict__["collected"] = collected
        return collected

    def holds_collected(self) -> bool:
        """Whether batch checks collected anything in this article (without reading it)."""
        return self.packed is not None or bool(self.__dict__.get("collected"))


def _run_article(
    ctx: ArticleContext, checks: Sequence[Check], batch_checks: Sequence[BatchCheck], analyzers: Sequence[Analyzer]
) -> _ArticleOutput:
    output = _ArticleOutput()
    for batch_check in batch_checks:
        try:
            output.collected[batch_check.code] = batch_check.collect(ctx)
        except Exception as exc:  # same as below
            output.errors.append(_internal_error(ctx.article, batch_check.code, exc))
    for check in checks:
        if not check.applies_to(ctx):
            continue
        try:
            output.findings.extend(check.run(ctx))
        except Exception as exc:  # a faulty check must not lose the batch
            output.errors.append(_internal_error(ctx.article, check.code, exc))
    for analyzer in analyzers:
        try:
            analysis = analyzer.analyze(ctx)
        except Exception as exc:  # same: report it, keep going
            output.errors.append(_internal_error(ctx.article, analyzer.name, exc))
            continue
        output.metrics.update(analysis.metrics)
        if analysis.subscores:
            output.metrics.setdefault(ANALYZER_SUBSCORES, {}).update(analysis.subscores)
        output.findings.extend(analysis.findings)
        output.alignment.extend(analysis.alignment)
    return output


@dataclass(frozen=True)
class RunSpec:
    """Everything the per-article work needs; it is sent to every worker (a local process or a Dask worker).

    Run settings travel here, in the configuration, never in process-wide state or environment variables.
    ``checks`` is ``None`` when the checks are built from the configuration where the work runs (once per
    worker, so resources such as lexicons are loaded once per worker, not per article).
    """

    config: Config
    checks: tuple[AnyCheck, ...] | None = None
    analyzers: tuple[Analyzer, ...] = ()

    def split_checks(self) -> tuple[list[Check], list[BatchCheck]]:
        checks = self.checks
        if checks is None:
            checks = _built_checks(self.config)
        return [c for c in checks if isinstance(c, Check)], [c for c in checks if isinstance(c, BatchCheck)]


#: Checks built from a configuration in this process, by configuration signature (one worker, one build).
_BUILT: dict[str, tuple[AnyCheck, ...]] = {}


def _built_checks(config: Config) -> tuple[AnyCheck, ...]:
    key = config_signature(config)
    if key not in _BUILT:
        from audit import resources
        from audit.arabic import compiled

        # A worker reads the resources the run's configuration names (a remote worker sees no local setting).
        resources.configure(config.resources)
        compiled.configure(config.cache_dir)
        _BUILT.clear()
        _BUILT[key] = tuple(build_checks(config.select, config.ignore, config.checks))
    return _BUILT[key]


def score_signature(config: Config) -> str:
    """The sacrebleu-style signature of the scores (see :func:`audit.scoring.signature`)."""
    return scoring.signature(config.weights, config.fail_under, config.fail_on, config.gates)


def config_signature(config: Config) -> str:
    """A digest of everything in the configuration that changes an article's result (not output settings)."""
    from audit import __version__
    from audit.checks import check_classes

    data = {k: v for k, v in config.to_dict().items() if k != "source"}
    data["version"] = __version__
    data["registry"] = sorted(check_classes())
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class ArticleOutcome:
    """One article audited: its result, what the batch pass needs later, and errors met on the way."""

    result: ArticleResult
    output: _ArticleOutput
    errors: list[InputError]

    @property
    def article(self) -> Article:
        return self.result.article

    @property
    def dropped(self) -> bool:
        """The article ran out of its time budget: its errors stand, its result is not reported."""
        return self.output.dropped


def audit_articles(spec: RunSpec, articles: Sequence[Article]) -> list[ArticleOutcome]:
    """The per-article work for a chunk of articles: checks, analyzers, ``collect`` of batch checks, score."""
    return [scored(ctx, output, spec.config) for ctx, output in _audited(spec, articles)]


def article_outputs(spec: RunSpec, articles: Sequence[Article]) -> list[_ArticleOutput]:
    """What the checks, analyzers and ``collect`` of batch checks find in each article of a chunk, not scored."""
    return [output for _, output in _audited(spec, articles)]


def _audited(spec: RunSpec, articles: Sequence[Article]) -> Iterator[tuple[ArticleContext, _ArticleOutput]]:
    checks, batch_checks = spec.split_checks()
    _warm_up(spec.config, checks, batch_checks)
    for article in articles:
        ctx = ArticleContext(article, spec.config)
        yield ctx, audit_article(ctx, checks, batch_checks, spec.analyzers, spec.config.time_budget)


def scored(ctx: ArticleContext, output: _ArticleOutput, config: Config) -> ArticleOutcome:
    """An article's outcome: what was found in it, scored."""
    errors = list(output.errors)
    result = _score_article(ctx, output.findings, output.metrics, output.alignment, config, errors)
    return ArticleOutcome(result=result, output=output, errors=errors)


def merged(parts: Sequence[_ArticleOutput]) -> _ArticleOutput:
    """One article's outputs from workers that each ran some of the checks, as one output (an article that ran out
    of time in one of them is dropped)."""
    for part in parts:
        if part.dropped:
            return part
    whole = _ArticleOutput()
    for part in parts:
        whole.findings.extend(part.findings)
        whole.metrics.update(part.metrics)
        whole.alignment.extend(part.alignment)
        whole.errors.extend(part.errors)
    collecting = [part for part in parts if part.holds_collected()]
    if len(collecting) == 1 and collecting[0].packed is not None:  # one part's, kept pickled as it came
        whole.packed = collecting[0].packed
        del whole.collected  # read from ``packed`` if asked for
    else:
        for part in collecting:
            whole.collected.update(part.collected)
    return whole


#: A short article the checks read once per process before the first timed one, so that loading lexicons and
#: building their caches (once per process, or once after an install) is not charged to an article's budget.
WARM_UP_TEXT = (
    "قال وزير الخارجية إن الحكومة ستعلن خطتها الجديدة غداً، وأضاف أن المفاوضات مع الوفد مستمرة منذ أسبوعين.\n"
    "وأكد المتحدث أن الاجتماع سيعقد في العاصمة."
)
_WARMED: set[tuple[str, ...]] = set()


def _warm_up(config: Config, checks: Sequence[Check], batch_checks: Sequence[BatchCheck]) -> None:
    key = (config_signature(config), *(c.code for c in checks), *(c.code for c in batch_checks))
    if key in _WARMED:
        return
    _WARMED.add(key)
    ctx = ArticleContext(Article(id="warm-up", text=WARM_UP_TEXT), config)
    _run_article(ctx, checks, batch_checks, ())  # untimed; its findings and errors are discarded


def audit_article(
    ctx: ArticleContext,
    checks: Sequence[Check],
    batch_checks: Sequence[BatchCheck],
    analyzers: Sequence[Analyzer],
    budget: TimeBudget = DEFAULT_BUDGET,
) -> _ArticleOutput:
    """The checks and analyzers of one article under its time budget (:mod:`audit.budget`). An article that spends
    it becomes an error of its own (``dropped``): its partial findings are dropped and the batch goes on."""
    seconds = budget.seconds(len(ctx.text))
    try:
        return audit_within(seconds, lambda: _run_article(ctx, checks, batch_checks, analyzers))
    except BudgetExceeded as exc:
        message = (
            f"{exc} on an article of {len(ctx.text):,} characters; it was not audited "
            "(raise time_budget in the config, or 0 for no limit)"
        )
        error = InputError(id=ctx.article.id, path=ctx.article.path, message=message)
        return _ArticleOutput(errors=[error], dropped=True)


def rescore(
    article: Article, output: _ArticleOutput, extra: Sequence[Finding], config: Config, words: int | None = None
) -> tuple[ArticleResult, list[InputError]]:
    """An article's result once the batch checks have added ``extra`` findings to it (``words``: its word count,
    when already known)."""
    ctx = ArticleContext(article, config)
    errors: list[InputError] = []
    valid = []
    for finding in extra:
        if _valid(finding, ctx.text):
            valid.append(finding)
        else:
            errors.append(_span_error(article, finding))
    ignored: list[InputError] = []  # the per-article findings were validated when the article was audited
    result = _score_article(ctx, [*output.findings, *valid], output.metrics, output.alignment, config, ignored, words)
    return result, errors


#: What the batch pass finds: findings by article position, and the batch checks that failed.
BatchFound = tuple[dict[int, list[Finding]], list[InputError]]


def batch_findings(
    batch_checks: Sequence[BatchCheck], contexts: Sequence[ArticleContext], collected: Callable[[str], Sequence[Any]]
) -> BatchFound:
    """The batch checks over the whole batch: findings by article position, and the checks that failed.

    ``contexts`` and ``collected(code)`` may be lazy sequences read from disk: only the articles a finding
    lands in need their text.
    """
    found: dict[int, list[Finding]] = {}
    errors: list[InputError] = []
    for batch_check in batch_checks:
        try:
            for index, finding in batch_check.run_batch(contexts, collected(batch_check.code)):
                found.setdefault(index, []).append(finding)
        except Exception as exc:  # a faulty batch check must not lose the batch
            message = f"internal error in check {batch_check.code}: {exc!r}"
            errors.append(InputError(id="*", path=None, message=message, internal=True))
    return found, errors


#: Below this much text a batch is audited in one process: starting workers would cost more than it saves.
PARALLEL_MIN_CHARS = 200_000
#: The most worker processes a local run starts (more than the cores only adds switching and memory).
MAX_JOBS = 32
_FORK_UNSAFE_MODULES = ("torch", "ctranslate2")
#: How many chunks, and characters of articles, the workers of a batch audited in halves may hold beyond those
#: merged (at least two chunks per worker): enough for one half to run ahead while the other loads its tables.
HALVES_AHEAD_CHUNKS = 16
HALVES_AHEAD_CHARS = 2_000_000
#: A task handed to workers: an async result, or a chunk with one per half of the checks.
_Task = TypeVar("_Task")


def max_jobs() -> int:
    """The largest useful ``--jobs``: the machine's cores, never more than :data:`MAX_JOBS`."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def worker_count(jobs: int, articles: Sequence[Article]) -> int:
    """How many processes audit the batch: ``jobs`` (at most :func:`max_jobs`), or with 0 (auto) one per core
    for a large batch.

    Auto stays in one process for small batches, where there is no fork, and once a neural MT library
    is loaded (its thread pools do not survive a fork).
    """
    if jobs > 0:
        return min(jobs, max_jobs(), max(len(articles), 1))
    if len(articles) < 4 or sum(len(a.text) for a in articles) < PARALLEL_MIN_CHARS:
        return 1
    return auto_jobs(len(articles))


def large_by_size(sizes: Iterable[int]) -> bool:
    """Whether article files of these sizes (bytes) make a large batch (see :func:`worker_count`), told before
    they are read: Arabic and Latin text takes at most two bytes a character. ``sizes`` is read only as far as
    needed."""
    total = 0
    for count, size in enumerate(sizes, start=1):
        total += size
        if count >= 4 and total >= 2 * PARALLEL_MIN_CHARS:
            return True
    return False


def auto_jobs(count: int | None = None) -> int:
    """Worker processes for a large (or unknown-size) batch: one per core, unless forking is unsafe."""
    import multiprocessing  # only for a large batch: a one-article run does without it

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if any(name in sys.modules for name in _FORK_UNSAFE_MODULES):
        return 1
    return min(max_jobs(), 8, count if count is not None else 8)


def chunks(items: Iterable[Article], max_articles: int = 16, max_chars: int = 200_000) -> Iterator[list[Article]]:
    """Articles in bounded chunks (by count and by characters), read lazily from ``items``."""
    chunk: list[Article] = []
    size = 0
    for article in items:
        chunk.append(article)
        size += len(article.text)
        if len(chunk) >= max_articles or size >= max_chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class Executor(Protocol):
    """Runs :func:`audit_articles` over chunks and yields the outcomes chunk by chunk, in input order, with
    a bounded number of chunks in flight; closing the generator stops the work in flight."""

    def map_chunks(
        self, spec: RunSpec, chunks: Iterable[list[Article]]
    ) -> Generator[list[ArticleOutcome], None, None]: ...

    def batch_found(self, articles: int) -> BatchFound | None:
        """The batch checks' findings over the articles of the last :meth:`map_chunks`, in their order, when a
        worker that collected them all found them (None: the caller runs the batch pass itself). ``articles`` is
        how many articles the caller's batch pass would read; the answer must cover exactly those."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """This process, or forked worker processes on this machine.

    ``jobs`` 1 keeps one process; ``jobs`` N starts N workers; 0 (automatic) reads ahead until the batch
    proves large (:data:`PARALLEL_MIN_CHARS`) and then audits all of it in one worker per core, or audits a
    smaller batch in this process. Workers inherit the checks built here; each half of the checks loads its own
    lexicons and patterns (:func:`split_by_work`), and a large batch audited in this process has them loaded whole
    before its first article too. :meth:`start` starts the workers of the lexicon half before the articles are read.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(0, jobs)
        #: Pools whose work is done, told to end: their workers exit while this process goes on.
        self._ending: list[Any] = []
        #: The batch pass asked of the worker that collected for every article (see :meth:`batch_found`).
        self._batch: Any = None
        #: The pool :meth:`start` started: the half of the run it audits, its number of workers, the pool.
        self._started: tuple[RunSpec, int, Any] | None = None

    def start(self, spec: RunSpec) -> None:
        """Start the workers of the lexicon half of the run (see :func:`split_by_work`) now, for a batch known to be
        large before its articles are read: they load their tables while this process reads the resources and the
        articles. :meth:`map_chunks` takes them when it audits the batch in halves; otherwise they are stopped."""
        jobs = self.jobs or auto_jobs()
        if jobs <= 1 or self._started is not None:
            return
        if spec.checks is None:
            spec = replace(spec, checks=_built_checks(spec.config))  # as map_chunks builds them: the same objects
        halves = split_by_work(spec, ())
        if halves is None:
            return
        import multiprocessing

        from audit.workerpool import QuietPool

        size = (jobs + 1) // 2
        pool = QuietPool(size, _init_half_worker, (halves[0],), context=multiprocessing.get_context("fork"))
        self._started = (halves[0], size, pool)

    def _started_pool(self, half: RunSpec, size: int) -> Any:
        """The pool :meth:`start` started, if it audits ``half`` with ``size`` workers (else None)."""
        if self._started is None or self._started[:2] != (half, size):
            self._stop_started()
            return None
        pool = self._started[2]
        self._started = None
        return pool

    def _stop_started(self) -> None:
        """Stop the workers :meth:`start` started, when the batch is not audited in halves after all."""
        started, self._started = self._started, None
        if started is not None:
            started[2].terminate()

    def map_chunks(self, spec: RunSpec, chunks: Iterable[list[Article]]) -> Generator[list[ArticleOutcome], None, None]:
        self._batch = None
        chunks = iter(chunks)
        jobs = self.jobs
        large = False
        if jobs <= 1:  # read ahead (without auditing) until the batch proves large or ends
            ahead: list[list[Article]] = []
            seen_chars = seen_articles = 0
            for chunk in chunks:
                ahead.append(chunk)
                seen_chars += sum(len(a.text) for a in chunk)
                seen_articles += len(chunk)
                if seen_chars >= PARALLEL_MIN_CHARS and seen_articles >= 4:
                    large = True
                    jobs = jobs or auto_jobs()
                    break
            else:
                jobs = 1
            chunks = itertools.chain(ahead, chunks)
            del ahead
        if jobs <= 1:
            self._stop_started()
            if large:  # the tables the batch needs whole, read at once rather than word by word
                _prepare(spec)
            for chunk in chunks:
                yield audit_articles(spec, chunk)
            return
        first = next(chunks, None)
        if first is None:
            return
        if spec.checks is None:
            spec = replace(spec, checks=_built_checks(spec.config))  # built once, inherited by every fork
        import multiprocessing

        from audit.workerpool import QuietPool

        context = multiprocessing.get_context("fork")
        halves = split_by_work(spec, first)
        if halves is None:
            self._stop_started()
            # Lexicons, models and patterns are loaded here, once, and shared by every fork.
            _prepare(spec)
            pools: list[Any] = []
            with self._running(pools):
                pool = QuietPool(jobs, _init_worker, (spec,), context=context)
                pools.append(pool)

                def handed_out() -> Iterator[Any]:
                    for chunk in itertools.chain([first], chunks):
                        yield pool.apply_async(_audit_in_worker, (chunk,))
                    pool.close()  # every chunk is handed out: the workers exit as soon as they are done

                yield from _in_order(handed_out(), 2 * jobs, lambda task: task.get())
            return
        # Each half of the checks in its own workers, which see every article: the per-word work a half shares
        # is done once, not once in every worker.
        pools = []
        with self._running(pools):
            sizes = ((jobs + 1) // 2, jobs // 2)
            for size, half in zip(sizes, halves, strict=True):
                pool = self._started_pool(half, size)
                if pool is None:
                    pool = QuietPool(size, _init_half_worker, (half,), context=context)
                pools.append(pool)
            # The one worker of the half that runs every batch check also keeps what they collect, and runs their
            # batch pass once it has seen the last article, while the other half may still be at work.
            keeper = _batch_keeper(halves, sizes, pools)

            def sent() -> Iterator[tuple[list[Article], list[Any]]]:
                for chunk in itertools.chain([first], chunks):
                    yield chunk, _sent_to_halves(pools, chunk, keeper)
                if keeper is not None:
                    self._batch = keeper.apply_async(_batch_in_worker)
                for pool in pools:  # every task is handed out: the workers exit as soon as they are done
                    pool.close()

            # One half may run well ahead of the other (while the other loads its tables, or where its articles
            # cost it less), so that no core waits: the chunks in flight are bounded by characters as well.
            yield from _in_order(
                sent(),
                max(2 * jobs, HALVES_AHEAD_CHUNKS),
                lambda part: _joined(spec.config, *part),
                size=lambda part: sum(len(article.text) for article in part[0]),
                max_size=HALVES_AHEAD_CHARS,
                floor=2 * jobs,
            )

    def batch_found(self, articles: int) -> BatchFound | None:
        task, self._batch = self._batch, None
        if task is None:
            return None
        try:
            done: tuple[int, BatchFound] | None = task.get()
        except Exception:  # the batch pass is then run by the caller, which reports what fails
            return None
        if done is None or done[0] != articles:
            return None
        return done[1]

    @contextlib.contextmanager
    def _running(self, pools: list[Any]) -> Iterator[None]:
        """``pools`` (filled inside) are stopped at once when the work fails or is abandoned; once every result is
        in, they are told to end instead (if they were not when the last task was handed out): their workers exit
        while this process writes the results, and :meth:`close` waits for them."""
        try:
            yield
        except BaseException:
            for pool in reversed(pools):
                pool.terminate()
            raise
        for pool in pools:
            pool.close()
        self._ending.extend(pools)

    def close(self) -> None:
        """Wait for the workers of finished pools to exit, then release the pools (nothing is left for the
        interpreter's exit to do)."""
        self._stop_started()
        ending, self._ending = self._ending, []
        try:
            for pool in ending:
                pool.join()
        finally:  # also when interrupted while waiting: no pool is left behind
            for pool in ending:
                pool.terminate()


def _in_order(
    tasks: Iterable[_Task],
    limit: int,
    result: Callable[[_Task], list[ArticleOutcome]],
    size: Callable[[_Task], int] | None = None,
    max_size: int = 0,
    floor: int = 1,
) -> Iterator[list[ArticleOutcome]]:
    """The results of ``tasks`` (submitted to workers as they are drawn), in order, with at most ``limit`` drawn
    and not yet waited for; with ``size``, also no more than ``max_size`` of it in all, unless fewer than ``floor``
    tasks are pending."""
    pending: deque[tuple[_Task, int]] = deque()
    total = 0
    for task in tasks:
        weight = size(task) if size is not None else 0
        pending.append((task, weight))
        total += weight
        while len(pending) >= limit or (size is not None and len(pending) >= floor and total >= max_size):
            done, weight = pending.popleft()
            total -= weight
            yield result(done)
    while pending:
        yield result(pending.popleft()[0])


def _prepare(spec: RunSpec) -> None:
    """Load in this process what the checks of a large batch need (:meth:`audit.checks.base.Check.prepare_batch`)."""
    checks, batch_checks = spec.split_checks()
    _warm_up(spec.config, checks, batch_checks)
    for check in [*checks, *batch_checks]:
        # A check that cannot prepare loads what it needs itself, or reports the failure per article.
        with contextlib.suppress(Exception):
            check.prepare_batch()


#: The spec a forked worker process received when it started (see :class:`LocalExecutor`).
_worker_spec: RunSpec | None = None


def _init_worker(spec: RunSpec) -> None:
    """Workers leave interrupts to the parent (which stops the pool) and end silently when told to.

    What a worker starts with (inherited, or loaded by :func:`_init_half_worker`) lives as long as it does: it is
    moved out of the garbage collector's sight, whose full passes then look only at what the articles add.
    """
    global _worker_spec
    _worker_spec = spec
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    gc.freeze()


def _init_half_worker(spec: RunSpec) -> None:
    """A worker of one half of the checks loads what that half needs itself, while the other half loads its own."""
    _init_worker(spec)
    _prepare(spec)
    gc.freeze()


def _end_with_parent() -> None:
    """On Linux, a worker whose parent dies gets SIGTERM and ends silently (instead of failing to send its
    result and printing a traceback)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _audit_in_worker(chunk: list[Article]) -> list[ArticleOutcome]:
    assert _worker_spec is not None
    return audit_articles(_worker_spec, chunk)


def _sent_to_halves(pools: Sequence[Any], chunk: list[Article], keeper: Any) -> list[Any]:
    """``chunk`` handed to a worker of each half of the checks, pickled once for all of them; the ``keeper`` pool's
    worker keeps what the batch checks collect (see :func:`_batch_keeper`)."""
    packed = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
    return [pool.apply_async(_outputs_in_worker, (packed, pool is keeper)) for pool in pools]


def _outputs_in_worker(packed: bytes, keep: bool = False) -> list[_ArticleOutput]:
    assert _worker_spec is not None
    chunk: list[Article] = pickle.loads(packed)
    outputs = article_outputs(_worker_spec, chunk)
    if keep:
        _worker_kept.add(chunk, outputs)
    return outputs


#: The most bytes (what the batch checks collected, pickled, and the articles' characters) a worker keeps for the
#: batch pass; beyond it the batch pass is left to the parent process, which reads them back from its store.
KEEP_BYTES = 4 << 20


class _Kept:
    """The articles a worker audited and what the batch checks collected in each, in order, while they fit."""

    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.collected: list[dict[str, Any]] = []
        self.size = 0
        self.full = False

    def add(self, chunk: Sequence[Article], outputs: Sequence[_ArticleOutput]) -> None:
        for article, output in zip(chunk, outputs, strict=True):
            if self.full:
                return
            self.size += len(output.pickled_collected()) + len(article.text)  # pickled once: it is sent next
            if self.size > KEEP_BYTES:
                self.full = True
                self.articles, self.collected = [], []
                return
            self.articles.append(article)
            self.collected.append(output.collected)


#: What this worker process keeps for the batch pass (see :func:`_batch_in_worker`).
_worker_kept = _Kept()


def _batch_keeper(halves: Sequence[RunSpec], sizes: Sequence[int], pools: Sequence[Any]) -> Any:
    """The pool whose worker runs the batch pass: that of the only half with batch checks, when it has one worker
    (which then sees every article); None otherwise."""
    holders = [
        (size, pool)
        for half, size, pool in zip(halves, sizes, pools, strict=True)
        if any(isinstance(check, BatchCheck) for check in half.checks or ())
    ]
    if len(holders) != 1 or holders[0][0] != 1:
        return None
    return holders[0][1]


def _batch_in_worker() -> tuple[int, BatchFound] | None:
    """The batch pass over every article this worker kept: (how many, what it found); None if it could not keep
    them all. What is kept is let go."""
    global _worker_kept
    assert _worker_spec is not None
    kept, _worker_kept = _worker_kept, _Kept()
    if kept.full:
        return None
    config = _worker_spec.config
    _, batch_checks = _worker_spec.split_checks()
    contexts = [ArticleContext(article, config) for article in kept.articles]
    found = batch_findings(batch_checks, contexts, lambda code: [c.get(code) for c in kept.collected])
    return len(contexts), found


def _joined(config: Config, chunk: list[Article], parts: list[Any]) -> list[ArticleOutcome]:
    """The outcomes of a chunk whose checks ran in halves (see :func:`split_by_work`), merged and scored here."""
    halves = [part.get() for part in parts]
    return [
        scored(ArticleContext(article, config), merged(outputs), config)
        for article, *outputs in zip(chunk, *halves, strict=True)
    ]


def split_by_work(spec: RunSpec, sample: Sequence[Article]) -> tuple[RunSpec, RunSpec] | None:
    """The run in two halves for two sets of workers, when that saves work: the checks that share the lexicons'
    per-word verdicts (``shares == "lexicon"``: the garbled-word and name-spelling checks, about half of a
    reference-free audit) and the others, with the analyzers. Each distinct word is then met in one worker per
    half instead of in every worker.

    None (articles are shared out instead) when one half would be empty, or when an article of ``sample`` (the
    batch's first chunk) has references: comparing it with them weighs most and would fall on one half.
    """
    if spec.checks is None or any(a.source is not None or a.retranslations for a in sample):
        return None
    lexicon = tuple(c for c in spec.checks if c.shares == "lexicon")
    others = tuple(c for c in spec.checks if c.shares != "lexicon")
    if not lexicon or not others:
        return None
    return replace(spec, checks=lexicon, analyzers=()), replace(spec, checks=others)


def without_dropped(
    placed: list[tuple[int, InputError]], outcomes: Sequence[ArticleOutcome]
) -> tuple[list[tuple[int, InputError]], list[ArticleOutcome]]:
    """The outcomes without the articles that ran out of time, whose errors join the placed input errors
    (``(number of articles before it, error)``) at their place."""
    if not any(o.dropped for o in outcomes):
        return placed, list(outcomes)
    live: list[ArticleOutcome] = []
    merged: list[tuple[int, InputError]] = []
    pending = iter(placed)
    following = next(pending, None)
    for index, outcome in enumerate(outcomes):
        while following is not None and following[0] <= index:
            merged.append((len(live), following[1]))
            following = next(pending, None)
        if outcome.dropped:
            merged.extend((len(live), error) for error in outcome.errors)
        else:
            live.append(outcome)
    while following is not None:
        merged.append((len(live), following[1]))
        following = next(pending, None)
    return merged, live


def audit_batch(
    loaded: Iterable[Article | InputError],
    config: Config,
    checks: Sequence[AnyCheck] | None = None,
    analyzers: Sequence[Analyzer] = (),
) -> BatchResult:
    """Audit every article in memory; input errors are carried along, never raised.

    Per-article checks run in ``worker_count(config.jobs, ...)`` processes; checks that read the whole
    batch run in this one, or in the worker that collected for every article. Results do not depend on the number
    of processes. For batches too large for
    memory, :mod:`audit.runstore` streams the same work to disk.
    """
    spec = RunSpec(config=config, checks=tuple(checks) if checks is not None else None, analyzers=tuple(analyzers))
    articles: list[Article] = []
    # Errors in input order: (number of articles before it, error).
    placed: list[tuple[int, InputError]] = []
    for item in loaded:
        if isinstance(item, InputError):
            placed.append((len(articles), item))
        else:
            articles.append(item)
    executor = LocalExecutor(worker_count(config.jobs, articles))
    try:
        outcomes = [o for chunk in executor.map_chunks(spec, chunks(articles)) for o in chunk]
        found = None if any(o.dropped for o in outcomes) else executor.batch_found(len(outcomes))
    finally:
        executor.close()
    placed, outcomes = without_dropped(placed, outcomes)
    if found is None:
        _, batch_checks = spec.split_checks()
        contexts = [ArticleContext(o.article, config) for o in outcomes] if batch_checks else []
        found = batch_findings(batch_checks, contexts, lambda code: [o.output.collected.get(code) for o in outcomes])
    extra, batch_errors = found
    results: list[ArticleResult] = []
    errors: list[InputError] = []
    placed_iter = iter(placed)
    next_error = next(placed_iter, None)
    for index, outcome in enumerate(outcomes):
        while next_error is not None and next_error[0] <= index:
            errors.append(next_error[1])
            next_error = next(placed_iter, None)
        errors.extend(outcome.errors)
        result = outcome.result
        if index in extra:
            result, more = rescore(outcome.article, outcome.output, extra[index], config, result.words)
            errors.extend(more)
        results.append(result)
    while next_error is not None:
        errors.append(next_error[1])
        next_error = next(placed_iter, None)
    errors.extend(batch_errors)
    return BatchResult(articles=tuple(results), errors=tuple(errors), config=config, signature=score_signature(config))


def _internal_error(article: Article, code: str, exc: Exception) -> InputError:
    return InputError(id=article.id, path=article.path, message=f"internal error in {code}: {exc!r}", internal=True)


def _span_error(article: Article, finding: Finding) -> InputError:
    message = f"internal error in {finding.check}: span {finding.start}-{finding.end} does not match"
    return InputError(id=article.id, path=article.path, message=message, internal=True)


_SEVERITY_NAMES = tuple(severity.value for severity in Severity)


def _score_article(
    ctx: ArticleContext,
    found: list[Finding],
    values: dict[str, Any],
    alignment: list[Mapping[str, Any]],
    config: Config,
    errors: list[InputError],
    words: int | None = None,
) -> ArticleResult:
    text = ctx.text
    unique: dict[tuple[str, int, int], Finding] = {}
    for finding in found:
        if not _valid(finding, text):
            errors.append(_span_error(ctx.article, finding))
            continue
        unique.setdefault((finding.check, finding.start, finding.end), finding)
    ordered = fold(sorted(unique.values(), key=lambda f: (f.start, -f.severity.rank, f.end, f.check)))
    if words is None:
        words = ctx.doc.word_count
    result, subscores = scoring.scores(ordered, words, config.weights)
    values = dict(values)
    measured = values.pop(ANALYZER_SUBSCORES, None) or {}
    subscores.update(measured)
    value = result.value
    if REFERENCE in measured:  # with references the score moves with the reference estimate (audit.refscore)
        from audit import refscore

        value = refscore.combined_score(result.value, measured[REFERENCE])
        values["score_from_findings"] = result.value
    passed = scoring.passes(value, ordered, config.fail_under, config.fail_on_severity(), subscores, config.gates)
    counts = dict.fromkeys(_SEVERITY_NAMES, 0)
    for finding in ordered:
        counts[finding.severity] += 1  # a Severity is the string it names
    return ArticleResult(
        article=ctx.article,
        words=words,
        score=value,
        penalty=result.penalty,
        passed=passed,
        findings=ordered,
        metrics={"penalty": result.penalty, "counts": counts, **values},
        alignment=tuple(alignment),
        subscores=subscores,
    )
