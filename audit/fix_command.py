"""``audit fix``: write corrected articles and a unified diff of the corrections.

Articles are never changed in place unless ``--in-place`` is given: corrected ``.txt`` files go to the
output folder under the same relative path, JSONL files are rewritten there with each record's
``text`` corrected (other fields kept), and dataset rows go to ``<name>.jsonl``. ``fixes.diff`` in the
same folder holds the unified diff. ``--diff`` prints the diff and writes nothing.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from audit.fixes import ArticleFix, BatchFix, unified_diff
from audit.model import Article, InputError

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


def add_fix_parser(commands: Any) -> None:
    """The ``fix`` subcommand's arguments."""
    fix = commands.add_parser(
        "fix",
        help="write corrected articles from the findings' fixes, and a unified diff",
        description=(
            "Apply the fixes of the findings (safe ones by default) and write the corrected articles "
            "to the output folder, with fixes.diff."
        ),
        epilog="""exit codes:
  0  done (with --diff: nothing to fix)
  1  with --diff: there are fixes to apply
  2  a usage, configuration or input error (every readable article is still fixed)""",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fix.add_argument("paths", nargs="+", metavar="PATH", help="article files, folders, JSONL or datasets")
    fix.add_argument(
        "--unsafe", action="store_true", help="also apply unsafe fixes (corrected words, glossary forms) (default: off)"
    )
    fix.add_argument("--diff", action="store_true", help="only print the unified diff; write nothing (default: off)")
    fix.add_argument(
        "--output", type=Path, default=Path("fixed"), help="folder for the corrected articles (default: fixed)"
    )
    fix.add_argument("--in-place", action="store_true", help="overwrite the article files themselves (default: off)")
    fix.add_argument("--config", type=Path, help="audit.toml or pyproject.toml (default: found in the cwd)")
    fix.add_argument("--select", help="comma-separated check codes or prefixes whose fixes to apply (default: all)")
    fix.add_argument("--ignore", help="comma-separated check codes or prefixes to skip (default: none)")
    fix.add_argument("--encoding", help="encoding of input files without a BOM (default: utf-8)")


def run_fix(args: argparse.Namespace) -> int:
    from audit.cli import UsageError, load_resources
    from audit.config import ConfigError, load_config
    from audit.fixes import fix_batch
    from audit.inputs import load_paths
    from audit.reporting.locations import parse_origin

    if args.in_place and args.diff:
        raise UsageError("--diff prints the corrections and writes nothing; it cannot go with --in-place")
    overrides = {"select": args.select, "ignore": args.ignore, "encoding": args.encoding, "jobs": None}
    try:
        config = load_config(args.config, overrides, search_dir=Path.cwd())
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if config.encoding:
        try:
            codecs.lookup(config.encoding)
        except LookupError:
            raise UsageError(f"unknown encoding {config.encoding!r} (for Windows Arabic: cp1256)") from None
    load_resources(config.resources)
    roots: dict[str, Path] = {}
    loaded: list[Article | InputError] = []
    for raw in args.paths:
        root = Path(raw)
        for item in load_paths([root], config.encoding):
            loaded.append(item)
            if isinstance(item, Article) and item.path:
                roots[parse_origin(item.path).file] = root
    outcome = fix_batch(loaded, config, unsafe=args.unsafe)
    diff = "".join(unified_diff(s.article.text, s.text, s.article.path or s.article.id) for s in outcome.articles)
    errors = list(outcome.errors)
    if args.diff:
        sys.stdout.write(diff)
    else:
        errors.extend(_write(outcome, roots, args.output, args.in_place, config.encoding))
        if not args.in_place:
            try:
                args.output.mkdir(parents=True, exist_ok=True)
                (args.output / "fixes.diff").write_text(diff, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"cannot write to {args.output}: {exc}") from None
    for error in errors:
        print(f"error: {error.path or error.id}: {error.message}", file=sys.stderr)
    _summary(outcome, args)
    if errors:
        return EXIT_ERROR
    if args.diff and any(s.changed for s in outcome.articles):
        return EXIT_CHANGES
    return EXIT_OK


def _summary(outcome: BatchFix, args: argparse.Namespace) -> None:
    by_check = Counter(f.check for s in outcome.articles for f in s.fixed)
    changed = sum(1 for s in outcome.articles if s.changed)
    left = sum(s.unsafe_left for s in outcome.articles)
    checks = ", ".join(f"{code} ×{n}" for code, n in sorted(by_check.items()))
    where = "" if args.diff else (" in place" if args.in_place else f"; corrected articles in {args.output}")
    out = sys.stderr if args.diff else sys.stdout
    print(
        f"{sum(by_check.values())} fixes in {changed} of {len(outcome.articles)} articles"
        f"{' (' + checks + ')' if checks else ''}{where}",
        file=out,
    )
    if left and not args.unsafe:
        print(f"{left} unsafe fixes not applied (review them, or pass --unsafe)", file=out)


def _target(path: Path, root: Path, output: Path, in_place: bool) -> Path:
    if in_place:
        return path
    if root.is_dir():
        return output / path.relative_to(root)
    return output / path.name


def _write(
    outcome: BatchFix, roots: dict[str, Path], output: Path, in_place: bool, encoding: str | None
) -> list[InputError]:
    from audit.reporting.locations import parse_origin

    errors: list[InputError] = []
    jsonl: dict[Path, dict[int, ArticleFix]] = defaultdict(dict)
    records: dict[Path, list[ArticleFix]] = defaultdict(list)
    for state in outcome.articles:
        article = state.article
        origin = parse_origin(article.path or article.id)
        root = roots.get(origin.file, Path(origin.file))
        try:
            if origin.line is not None:
                jsonl[Path(origin.file)][origin.line] = state
            elif origin.is_record:
                records[Path(origin.file)].append(state)
            elif state.changed or not in_place:
                target = _target(Path(origin.file), root, output, in_place)
                _write_text(Path(origin.file), target, state.text, encoding)
        except (OSError, ValueError) as exc:
            errors.append(InputError(id=article.id, path=article.path, message=f"cannot write the fix: {exc}"))
    for path, states in jsonl.items():
        root = roots.get(str(path), path)
        try:
            _write_jsonl(path, _target(path, root, output, in_place), states)
        except (OSError, ValueError) as exc:
            errors.append(InputError(id=path.stem, path=str(path), message=f"cannot write the fixes: {exc}"))
    for path, rows in records.items():
        target = output / f"{path.stem}.jsonl"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8") as handle:
                for state in rows:
                    record = {"id": state.article.id, "text": state.text, **dict(state.article.meta)}
                    handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        except (OSError, ValueError) as exc:
            errors.append(InputError(id=path.stem, path=str(path), message=f"cannot write the fixes: {exc}"))
    return errors


def _write_text(source: Path, target: Path, text: str, encoding: str | None) -> None:
    raw = source.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        data = codecs.BOM_UTF8 + text.encode("utf-8")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = text.encode("utf-16")
    else:
        data = text.encode(encoding or "utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _write_jsonl(source: Path, target: Path, states: dict[int, ArticleFix]) -> None:
    lines = source.read_bytes().split(b"\n")
    out: list[bytes] = []
    for number, line in enumerate(lines, start=1):
        state = states.get(number)
        if state is not None and state.changed:
            record = json.loads(line.removeprefix(codecs.BOM_UTF8).decode("utf-8"))
            record["text"] = state.text
            line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        out.append(line)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\n".join(out))
