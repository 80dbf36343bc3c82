"""The command line: ``audit check``, ``audit list-checks``, ``audit explain``.

Exit codes: 0 every article passed, 1 the gate failed, 2 a usage, config or input error, 3 an internal error
(a fault of the tool; the reports of every audited article are still written), 130 interrupted (Ctrl-C or
SIGTERM), 141 the output pipe closed early.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import importlib.util
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from audit import __version__

EXIT_OK, EXIT_GATE, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141
#: New findings listed on the terminal with --baseline (all of them are in the reports).
MAX_NEW_SHOWN = 200
#: The garbage collector's thresholds while a command runs (Python's default is 700, 10, 10): an audit keeps
#: millions of small objects (lexicon caches, findings, records) alive, and collecting the youngest ones ten
#: times less often costs a little memory and saves about 5% of its CPU. Worker processes inherit them.
GC_THRESHOLDS = (7000, 10, 10)
EXIT_CODES_HELP = """exit codes:
  0  every article passed the gate (with --baseline: no new finding)
  1  the gate failed for at least one article
  2  a usage, configuration or input error (reports are still written for every readable article)
  3  an internal error (reports are still written for every audited article)
  130  interrupted (Ctrl-C or SIGTERM)
  141  the output pipe was closed early"""


class UsageError(Exception):
    """A command-line or configuration mistake: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="audit",
        description="Audit machine-translated Arabic news articles.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"audit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser(
        "check",
        help="audit articles and write reports",
        description="Audit articles and write reports. Every option can also be set in audit.toml or "
        "[tool.audit] of pyproject.toml; the command line wins.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="article files, folders, JSONL or datasets")
    check.add_argument("--config", type=Path, help="audit.toml or pyproject.toml (default: found in the cwd)")
    check.add_argument("--select", help="comma-separated check codes or prefixes to run (default: all)")
    check.add_argument("--ignore", help="comma-separated check codes or prefixes to skip (default: none)")
    check.add_argument(
        "--fail-under",
        metavar="SCORE",
        help="score an article needs to pass (default: 95), or NAME=SCORE pairs for sub-scores: accuracy=90,score=95",
    )
    check.add_argument(
        "--fail-on",
        choices=("none", "minor", "major", "critical"),
        help="fail an article with any finding this severe (default: critical)",
    )
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="a previous report.json: fail only on findings it does not hold (default: none, every finding counts)",
    )
    check.add_argument(
        "--format",
        help="comma-separated report formats: json,md,csv,junit,sarif,html,codequality,parquet (default: json)",
    )
    check.add_argument("--output", help="report folder (default: reports)")
    check.add_argument(
        "--sarif-root", metavar="DIR", help="folder the paths in report.sarif are relative to (default: the cwd)"
    )
    check.add_argument("--encoding", help="encoding of input files without a BOM (default: utf-8)")
    check.add_argument(
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help="CPU seconds an article may take, plus as many per million characters (0: no limit; default 10)",
    )
    check.add_argument(
        "--jobs", type=int, metavar="N", help="processes for the checks (default 0: one per core for large batches)"
    )
    check.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted run in the same --output folder: articles already audited are skipped "
        "(default: off, the run starts afresh)",
    )
    check.add_argument("--engine", choices=("local", "dask"), help="where per-article work runs (default: local)")
    check.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786) (default: a local cluster)"
    )
    mt = check.add_argument_group("neural MT (off unless a model is given; also [translate] in the config)")
    mt.add_argument(
        "--retranslate-model",
        metavar="MODEL",
        help="English->Arabic model dir or hub id: re-translation (default: none)",
    )
    mt.add_argument(
        "--backtranslate-model", metavar="MODEL", help="Arabic->English model: back-translation (T101) (default: none)"
    )
    mt.add_argument("--backend", choices=("transformers", "ctranslate2"), help="MT backend (default: transformers)")
    mt.add_argument("--device", help="cpu, cuda, cuda:N or auto (default: cpu)")
    mt.add_argument("--cache-dir", help="translation cache folder (default: ~/.cache/audit; '' = no cache)")
    mt.add_argument(
        "--allow-download", action="store_true", default=None, help="fetch missing hub models (default: off)"
    )
    refs = check.add_argument_group("references: English originals and re-translations (also in the config)")
    refs.add_argument(
        "--references", metavar="DIR", help="folder of <id>.en.txt and <id>.<name>.ar.txt files (default: none)"
    )
    refs.add_argument(
        "--normalize",
        help="Arabic normalisation before metrics: comma-separated steps, none or all "
        "(default: diacritics,tatweel,digits)",
    )
    refs.add_argument(
        "--embeddings", choices=("auto", "on", "off"), help="sentence embeddings for alignment (default: auto)"
    )

    from audit.compare import add_compare_parser

    add_compare_parser(commands)

    from audit.fix_command import add_fix_parser

    add_fix_parser(commands)

    commands.add_parser("list-checks", help="list every check with its code, severity and summary")
    explain = commands.add_parser("explain", help="show a check's documentation and options")
    explain.add_argument("code")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "select": args.select,
        "ignore": args.ignore,
        "fail_under": args.fail_under,
        "fail_on": args.fail_on,
        "format": args.format,
        "output": args.output,
        "encoding": args.encoding,
        "jobs": args.jobs,
        "engine": getattr(args, "engine", None),
        "scheduler": getattr(args, "scheduler", None),
        "time_budget": getattr(args, "time_budget", None),
        "translate": _translate_overrides(args),
        "references": getattr(args, "references", None),
        "normalize": getattr(args, "normalize", None),
        "embeddings": getattr(args, "embeddings", None),
        "sarif_root": getattr(args, "sarif_root", None),
    }


def _translate_overrides(args: argparse.Namespace) -> dict[str, Any] | None:
    names = ("retranslate_model", "backtranslate_model", "backend", "device", "cache_dir", "allow_download")
    given = {name: getattr(args, name, None) for name in names}
    return {name: value for name, value in given.items() if value is not None} or None


def run_check(args: argparse.Namespace) -> int:
    from audit.config import ConfigError, load_config
    from audit.engine import max_jobs
    from audit.reporting import available_formats

    try:
        config = load_config(args.config, _overrides(args), search_dir=Path.cwd())
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    unknown = [f for f in config.formats if f not in available_formats()]
    if unknown:  # say so before a long audit, not after it
        raise UsageError(f"unknown format(s) {', '.join(unknown)}; valid formats: {', '.join(available_formats())}")
    if "parquet" in config.formats and importlib.util.find_spec("pyarrow") is None:
        raise UsageError("the parquet format needs pyarrow: pip install 'audit[datasets]'")
    if config.encoding:
        bad_encoding = f"unknown encoding {config.encoding!r}: not a text encoding (Windows Arabic: cp1256)"
        try:
            codecs.lookup(config.encoding)
            b"a".decode(config.encoding)  # a text encoding (not rot13 or base64)
        except LookupError:
            raise UsageError(bad_encoding) from None
        except (UnicodeError, ValueError):  # a codec that cannot read even this: still a text encoding
            pass
    from audit.arabic import compiled

    compiled.configure(config.cache_dir)  # before the resources, whose parsed forms are kept there too
    folder = _configure_resources(config.resources)
    if config.resources is None and folder:  # the environment's folder travels in the config
        config = replace(config, resources=folder)
    if config.jobs > max_jobs():
        print(
            f"audit: note: --jobs {config.jobs} is more than this machine's {max_jobs()} cores; using {max_jobs()}",
            file=sys.stderr,
        )
        config = replace(config, jobs=max_jobs())
    started = _started_executor(args, config)
    try:
        return _check_with(args, config, started)
    finally:
        if started is not None:  # also when a resource, the baseline or the output folder is unusable
            started.close()


def _check_with(args: argparse.Namespace, config: Any, started: Any) -> int:
    """``audit check`` once the configuration is final, with the executor :func:`_started_executor` started."""
    from audit.engine import RunSpec
    from audit.inputs import load_paths

    _read_resources()
    baseline = None
    if args.baseline is not None:
        from audit.baseline import Baseline, BaselineError

        try:
            baseline = Baseline.load(args.baseline)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
    executor = started if started is not None else _executor(config)
    loaded = load_paths(args.paths, config.encoding)
    from audit.analyzers import ReferenceSetupError, reference_setup

    try:
        loaded, analyzers = reference_setup(loaded, config)
    except ReferenceSetupError as exc:
        raise UsageError(str(exc)) from None
    if config.translate:  # neural MT only when configured: nothing heavy is imported otherwise
        from audit.translate import TranslationError
        from audit.translate.roundtrip import translate_with_settings

        try:
            loaded = translate_with_settings(loaded, config.translate)
        except TranslationError as exc:
            raise UsageError(str(exc)) from None

    from audit.run import ArticleRecords, AuditRun, OutputBusy, OutputUnusable

    output = Path(config.output)
    spec = RunSpec(config=config, analyzers=tuple(analyzers))
    run = AuditRun(output, spec, args.paths, resume=args.resume, baseline=baseline)
    try:
        run.open()  # the output folder is checked and locked before any article is audited
    except (OutputBusy, OutputUnusable) as exc:
        raise UsageError(str(exc)) from None
    try:
        for note in run.notes:
            print(f"audit: note: {note}", file=sys.stderr)
        try:
            result = run.audit(loaded, executor)
        except KeyboardInterrupt:
            print(f"audit: the articles audited so far are kept in {output}; --resume continues", file=sys.stderr)
            raise
        finally:
            executor.close()
        records = ArticleRecords(result.results, result.articles, kept=result.records)
        written, report, failure = _write_run_reports(run, result, records, config)
        run.complete(result)
    except OSError as exc:
        raise UsageError(f"cannot write reports to {config.output}: {exc}") from None
    finally:
        run.close()
    return _print_outcome(report, result, records, written, config, baseline, failure)


def _executor(config: Any) -> Any:
    from audit.engine import LocalExecutor

    if config.engine == "dask":
        from audit.dask_engine import DaskEngineError, DaskExecutor

        try:
            return DaskExecutor(config.scheduler, config.jobs)
        except DaskEngineError as exc:
            raise UsageError(str(exc)) from None
    return LocalExecutor(config.jobs)


def _write_run_reports(
    run: Any, result: Any, records: Any, config: Any
) -> tuple[list[Path], dict[str, Any], str | None]:
    from audit.engine import score_signature
    from audit.reporting import ReportError, build_report, write_report_files
    from audit.run import ArticleTexts

    signature = score_signature(config)
    report = build_report(records, result.errors, config, signature, run.baseline_path)
    output = Path(config.output)

    def with_texts() -> dict[str, Any]:
        return {**report, "articles": ArticleTexts(records, run.store, result.order)}

    failure = None
    try:
        written = write_report_files(
            report,
            config.formats,
            output,
            with_texts,
            max_inline_bytes=int(config.max_report_mb * 2**20),
            results_file=result.results,
        )
    except ReportError as exc:  # the other formats are written
        written, failure = exc.written, str(exc)
    _stale_pages(output, written)
    return written, report, failure


def _stale_pages(output: Path, written: list[Path]) -> None:
    """Article pages of an earlier run that this one did not write are removed; stale reports are named."""
    fresh = {p.resolve() for p in written}
    pages = (output / "articles").resolve()
    if any(p.parent == pages for p in fresh):
        removed = 0
        for page in pages.glob("*.html"):
            if page.resolve() not in fresh:
                page.unlink()
                removed += 1
        if removed:
            print(f"audit: note: removed {removed} article pages left by an earlier run", file=sys.stderr)
    reports = ("report.json", "report.md", "report.csv", "junit.xml", "report.sarif", "index.html")
    old = [name for name in reports if (output / name).exists() and (output / name).resolve() not in fresh]
    if old:
        print(
            f"audit: note: {', '.join(old)} in {output} are from an earlier run (not written this time)",
            file=sys.stderr,
        )


def _print_outcome(
    report: dict[str, Any],
    result: Any,
    records: Iterable[dict[str, Any]],
    written: list[Path],
    config: Any,
    baseline: Any,
    failure: str | None = None,
) -> int:
    import heapq

    from audit.inputs import safe_text
    from audit.reporting.groups import terminal_lines

    for error in result.errors:
        print(f"error: {safe_text(error.path or error.id)}: {safe_text(error.message)}", file=sys.stderr)
    brief = (
        (r["score"], index, r["id"], r["passed"], r["metrics"].get("counts", {}), r["findings"])
        for index, r in enumerate(records)
    )
    for score, _, article_id, passed, counts, findings in heapq.nsmallest(20, brief):
        mark = "pass" if passed else "FAIL"
        print(
            f"{mark}  {score:6.2f}  {safe_text(article_id)}  "
            f"(critical {counts.get('critical', 0)}, major {counts.get('major', 0)}, minor {counts.get('minor', 0)})"
        )
        if not passed and baseline is None:
            for line in terminal_lines(findings):
                print(line)
    if result.articles > 20:
        print(f"... and {result.articles - 20} more articles")
    if baseline is not None:
        _print_new_findings(records, baseline)
    summary = report["summary"]
    output = Path(config.output)
    print(
        f"{summary['articles']} articles: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['errors']} errors; reports in {config.output}: "
        f"{', '.join(sorted({p.name for p in written if p.parent == output} | {'results.jsonl'}))}"
    )
    if failure is not None:
        print(f"audit: internal error: {failure}", file=sys.stderr)
        return EXIT_INTERNAL
    if any(e.internal for e in result.errors):
        return EXIT_INTERNAL
    return {"pass": EXIT_OK, "fail": EXIT_GATE}.get(summary["gate"], EXIT_ERROR)


def load_resources(folder: str | None) -> None:
    """Read every resource once, before any article: a broken one is a configuration error naming the file."""
    _configure_resources(folder)
    _read_resources()


def _configure_resources(folder: str | None) -> str | None:
    """Take the resources from ``folder`` (the ``resources`` config key), else from the environment's folder; the
    folder used is returned (None: the package's own). A folder that does not exist is a configuration error."""
    from audit import resources

    try:
        resources.configure(folder)
        if folder is None and resources.override_dir() and not Path(str(resources.override_dir())).is_dir():
            raise resources.ResourceError(f"{resources.ENVIRONMENT} folder not found: {resources.override_dir()}")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return resources.override_dir()


def _read_resources() -> None:
    """Read every resource of the configured folder (see :func:`load_resources`)."""
    from audit.checks.script import load_allowlist
    from audit.checks.traps import load_traps
    from audit.glossary import load_glossary
    from audit.residue import load_patterns

    try:
        for load in (load_allowlist, load_patterns, load_glossary, load_traps):
            load()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _started_executor(args: argparse.Namespace, config: Any) -> Any:
    """For a local run afresh of article files large enough for workers, without references or neural MT (whose
    articles each worker audits whole): the executor with the lexicon workers started, loading their tables while
    this process reads the resources and the articles. None otherwise."""
    if config.engine != "local" or args.resume or config.references or config.translate:
        return None
    from audit.engine import LocalExecutor, RunSpec, large_by_size
    from audit.inputs import text_file_sizes

    if not large_by_size(text_file_sizes(args.paths)):
        return None
    executor = LocalExecutor(config.jobs)
    executor.start(RunSpec(config=config))
    return executor


def _print_new_findings(records: Iterable[dict[str, Any]], baseline: Any) -> None:
    """Every finding the baseline does not hold, one line each, as ``path:line:column``."""
    count = 0
    lines: list[str] = []
    for article in records:
        for finding in article["findings"]:
            if finding.get("baseline") != "new":
                continue
            count += 1
            if len(lines) < MAX_NEW_SHOWN:
                where = f"{article['path'] or article['id']}:{finding.get('line')}:{finding.get('column')}"
                text = finding["text"][:60]
                lines.append(f"  {where}: {finding['check']} {finding['severity']} {finding['message']} «{text}»")
    print(f"{count} new finding{'s' if count != 1 else ''} not in the baseline {baseline.path}")
    for line in lines:
        print(line)
    if count > len(lines):
        print(f"  ... and {count - len(lines)} more (see report.json)")


def run_list_checks() -> int:
    from audit.checks import check_classes

    for code, cls in check_classes().items():
        print(f"{code}  {cls.name:<28} {cls.category.value:<14} {cls.severity.value:<9} {cls.summary()}")
    return EXIT_OK


def run_explain(code: str) -> int:
    from audit.checks import check_classes

    cls = check_classes().get(code.upper())
    if cls is None:
        raise UsageError(f"unknown check {code!r}; 'audit list-checks' lists them")
    from audit.scoring import CATEGORY_DIMENSIONS

    dimension = cls.dimension or CATEGORY_DIMENSIONS.get(cls.category, "fluency")
    print(
        f"{cls.code} {cls.name}  (category: {cls.category.value}, default severity: {cls.severity.value}, "
        f"sub-score: {dimension})\n"
    )
    print(cls.documentation())
    if cls.options:
        print("\nOptions:")
        for name, option in cls.options.items():
            print(f"  {name} = {option.default!r}  {option.help}")
    return EXIT_OK


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every outcome is an exit code and at most a one-line message, never a traceback."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    thresholds = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return _main(argv)
    except BrokenPipeError:  # «audit explain G501 | head -1»: the reader left
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("audit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except RecursionError:
        print("audit: error: input nested too deeply to process", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:
        print("audit: internal error: out of memory", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a fault of the tool: one clear line and its own exit code
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        place = f" (at {Path(where.filename).name}:{where.lineno})" if where else ""
        print(f"audit: internal error: {type(exc).__name__}: {str(exc)[:300]}{place}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        gc.set_threshold(*thresholds)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "check":
            return run_check(args)
        if args.command == "list-checks":
            return run_list_checks()
        if args.command == "explain":
            return run_explain(args.code)
        if args.command == "compare":
            from audit.compare import run_compare

            return run_compare(args)
        if args.command == "fix":
            from audit.fix_command import run_fix

            return run_fix(args)
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    except UsageError as exc:
        print(f"audit: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
