"""The command line: ``audit check``, ``audit list-checks``, ``audit explain``.

Exit codes: 0 every article passed, 1 the gate failed, 2 a usage, config or input error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from audit import __version__

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A command-line or configuration mistake: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="audit", description="Audit machine-translated Arabic news articles.")
    parser.add_argument("--version", action="version", version=f"audit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="audit articles and write reports")
    check.add_argument("paths", nargs="+", metavar="PATH", help="article files, folders, JSONL or datasets")
    check.add_argument("--config", type=Path, help="audit.toml or pyproject.toml (default: found in the cwd)")
    check.add_argument("--select", help="comma-separated check codes or prefixes to run (default: all)")
    check.add_argument("--ignore", help="comma-separated check codes or prefixes to skip")
    check.add_argument("--fail-under", type=float, metavar="SCORE", help="score an article needs to pass")
    check.add_argument(
        "--fail-on",
        choices=("none", "minor", "major", "critical"),
        help="fail an article with any finding this severe (default: critical)",
    )
    check.add_argument("--format", help="comma-separated report formats: json,md,junit,sarif,html")
    check.add_argument("--output", help="report folder (default: reports)")
    check.add_argument("--encoding", help="encoding of input files without a BOM (default: utf-8)")

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
    }


def run_check(args: argparse.Namespace) -> int:
    from audit.config import ConfigError, load_config
    from audit.engine import audit_batch
    from audit.inputs import load_paths
    from audit.reporting import write_reports

    try:
        config = load_config(args.config, _overrides(args), search_dir=Path.cwd())
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    result = audit_batch(load_paths(args.paths, config.encoding), config)
    try:
        written = write_reports(result, config.formats, Path(config.output))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write reports to {config.output}: {exc}") from None

    for error in result.errors:
        print(f"error: {error.path or error.id}: {error.message}", file=sys.stderr)
    shown = sorted(result.articles, key=lambda a: a.score)
    for article in shown[:20]:
        mark = "pass" if article.passed else "FAIL"
        counts = article.metrics.get("counts", {})
        print(
            f"{mark}  {article.score:6.2f}  {article.article.id}  "
            f"(critical {counts.get('critical', 0)}, major {counts.get('major', 0)}, minor {counts.get('minor', 0)})"
        )
    if len(shown) > 20:
        print(f"... and {len(shown) - 20} more articles")
    passed = sum(1 for a in result.articles if a.passed)
    print(
        f"{len(result.articles)} articles: {passed} passed, {len(result.articles) - passed} failed, "
        f"{len(result.errors)} errors; reports: {', '.join(str(p) for p in written)}"
    )
    return result.exit_code


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
    print(f"{cls.code} {cls.name}  (category: {cls.category.value}, default severity: {cls.severity.value})\n")
    print(cls.documentation())
    if cls.options:
        print("\nOptions:")
        for name, option in cls.options.items():
            print(f"  {name} = {option.default!r}  {option.help}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "check":
            return run_check(args)
        if args.command == "list-checks":
            return run_list_checks()
        if args.command == "explain":
            return run_explain(args.code)
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    except UsageError as exc:
        print(f"audit: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("audit: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
