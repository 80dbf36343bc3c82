"""Hostile inputs, each mixed into a batch with a good article: a clear message naming the article and the
problem, the documented exit code, the good article's results in every report, and no traceback."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import pytest

import audit.checks
from audit.budget import BudgetExceeded, TimeBudget, audit_within
from audit.checks import ArticleContext, Check
from audit.cli import main
from audit.config import Config
from audit.engine import audit_batch
from audit.inputs import load_paths
from audit.model import Article, Category, Finding, Severity

GOOD = (
    "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة، وإن الوفود ستناقش الخطة الجديدة.\n"
    "وأضاف أن الحكومة تأمل في التوصل إلى اتفاق قبل نهاية الشهر.\n"
)
FORMATS = "json,md,csv,junit,sarif,html"


def check(tmp_path: Path, *paths: str | Path, extra: Iterable[str] = ()) -> tuple[int, str, dict]:
    """Run ``audit check`` in-process over ``paths`` plus a good article; (exit code, stderr, report.json)."""
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["check", str(good), *map(str, paths), "--format", FORMATS, "--output", str(out), *extra])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in report["articles"] if a["id"] == "good"] == ["good"]  # the good article survives
    for name in ("report.md", "report.csv", "junit.xml", "report.sarif", "index.html"):
        assert (out / name).stat().st_size > 0
    return code, "", report


def errors_of(report: dict) -> str:
    return " | ".join(f"{e['id']}: {e['message']}" for e in report["errors"])


def no_traceback(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return captured.err


# --- ids, names and file names -------------------------------------------------------------------------------


def test_lone_surrogates_in_jsonl_id_and_retranslation_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(GOOD)
    line = '{"id": "a\\ud800b", "text": ' + text + ', "retranslations": {"eng\\udc00": ' + text + "}}"
    path = tmp_path / "batch.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    code, _, report = check(tmp_path, path)
    no_traceback(capsys)
    assert code in (0, 1)
    assert "a\ufffdb" in [a["id"] for a in report["articles"]]
    with (tmp_path / "out" / "report.csv").open(encoding="utf-8-sig") as handle:
        list(csv.reader(handle))


def test_file_name_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9-\xff.txt")  # surrogate-escaped on a UTF-8 file system
    try:
        (folder / name).write_text(GOOD, encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    code, _, report = check(tmp_path, folder)
    no_traceback(capsys)
    assert code in (0, 1)
    assert any(a["id"].startswith("caf\ufffd") for a in report["articles"])


def test_markdown_and_csv_cells_are_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [
        {"id": '=HYPERLINK("http://x")', "text": "قال Ministry of Foreign Affairs إن الاجتماع سيعقد غدا."},
        {"id": "evil\u202eفخ\u200b\x07", "text": "قال Ministry of Foreign Affairs إن الاجتماع سيعقد غدا."},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    check(tmp_path, path)
    no_traceback(capsys)
    with (tmp_path / "out" / "report.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    ids = {row["article"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in ids
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row.values() if cell)
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "\u202e" not in markdown and "\u200b" not in markdown and "\x07" not in markdown
    assert "⟨U+202E⟩" in markdown


# --- JSONL and config ------------------------------------------------------------------------------------------


def test_deep_jsonl_and_huge_numbers_are_errors_of_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = '{"id": "deep", "text": "نص", "x": ' + "[" * 3000 + "]" * 3000 + "}"
    huge = '{"id": "huge", "text": "نص", "n": ' + "9" * 5000 + "}"
    huge_id = '{"id": ' + "7" * 5000 + ', "text": "نص"}'
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([deep, huge, huge_id]) + "\n", encoding="utf-8")
    code, _, report = check(tmp_path, path)
    err = no_traceback(capsys)
    assert code == 2
    messages = errors_of(report)
    assert "batch:1: JSON nested too deeply" in messages
    assert "batch:2: not usable JSON" in messages and "batch:3" in messages
    assert "batch.jsonl:1" in err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("tool = 1\n", "'tool' must be a table"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("[weights]\nminor = nan\n", "'weights.minor' takes a finite number"),
        ("[weights]\nmajor = inf\n", "'weights.major' takes a finite number"),
        ("[weights]\ncritical = -1\n", "must not be negative"),
        ("fail_under = " + "9" * 5000 + "\n", "cannot be read: Exceeds the limit"),
        ("fail_under = 1e999\n", "'fail_under' takes a finite number"),
        ('select = ["NOPE"]\n', "'NOPE' matches no check"),
        ('ignore = ["G5O1"]\n', "did you mean G501"),
        ("time_budget = -1\n", "'time_budget' is a number of seconds"),
    ],
)
def test_broken_config_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    (tmp_path / "audit.toml").write_text(config, encoding="utf-8")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.txt"]) == 2
    err = no_traceback(capsys)
    assert message in err, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--select", "NOPE"], "matches no check"),
        (["--select", "G5O1"], "did you mean G501"),
        (["--encoding", "rot13"], "not a text encoding"),
        (["--time-budget", "nan"], "finite number"),
    ],
)
def test_bad_command_line_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    assert main(["check", str(tmp_path / "a.txt"), "--output", str(tmp_path / "out"), *argv]) == 2
    assert message in no_traceback(capsys)
    assert not (tmp_path / "out").exists()


# --- encodings --------------------------------------------------------------------------------------------------


def test_encoding_is_decided_per_file_and_recorded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "utf8.txt").write_text(GOOD, encoding="utf-8")
    (folder / "bom.txt").write_bytes(GOOD.encode("utf-8-sig"))
    (folder / "windows.txt").write_text(GOOD, encoding="cp1256")
    code, _, report = check(tmp_path, folder, extra=["--encoding", "cp1256"])
    no_traceback(capsys)
    assert code in (0, 1) and not report["errors"]
    encodings = {a["id"]: a.get("encoding") for a in report["articles"]}
    assert encodings == {"good": "utf-8", "utf8": "utf-8", "bom": "utf-8-sig", "windows": "cp1256"}
    texts = [a.text for a in load_paths([folder], "cp1256") if isinstance(a, Article)]
    assert texts == [GOOD, GOOD, GOOD]  # the UTF-8 articles are not read as cp1256


def test_utf16_without_bom_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(GOOD.encode("utf-16-le"))
    code, _, report = check(tmp_path, path)
    assert code == 2 and "--encoding utf-16" in errors_of(report)
    [article] = [a for a in load_paths([path], "utf-16-le") if isinstance(a, Article)]
    assert article.text == GOOD and article.encoding == "utf-16-le"
    no_traceback(capsys)


def test_punycode_fallback_is_an_error_of_the_file_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "windows.txt"
    path.write_text(GOOD, encoding="cp1256")
    code, _, report = check(tmp_path, path, extra=["--encoding", "punycode"])
    no_traceback(capsys)
    assert code == 2 and "windows" in errors_of(report) and "not valid punycode" in errors_of(report)


# --- folders and links ------------------------------------------------------------------------------------------


def test_unreadable_folders_and_bad_links_are_input_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "x.txt").write_text(GOOD, encoding="utf-8")
    (folder / "fine.txt").write_text(GOOD, encoding="utf-8")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "self.txt").symlink_to(folder / "self.txt")
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str):  # type: ignore[no-untyped-def]
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, _, report = check(tmp_path, folder)
    no_traceback(capsys)
    assert code == 2
    messages = errors_of(report)
    assert "locked: cannot read this folder: Permission denied" in messages
    assert "loop: a link that loops back" in messages
    assert "gone: a link that loops or leads nowhere" in messages
    assert "self: a link that loops or leads nowhere" in messages
    assert "fine" in [a["id"] for a in report["articles"]]


# --- severity overrides ---------------------------------------------------------------------------------------


class NoteCheck(Check):
    """Says it stepped aside (a test check).

    Bad: نص
    Good: نص
    """

    code = "X950"
    name = "test-note"
    category = Category.OTHER
    severity = Severity.MINOR
    options: ClassVar[dict] = {}

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        yield self.finding(ctx.text, 0, 0, "skipped: nothing installed", severity=Severity.INFO)
        yield self.finding(ctx.text, 0, 1, "a scored finding")


def test_severity_override_never_touches_info_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit.checks, "REGISTRY", (NoteCheck,))
    (tmp_path / "audit.toml").write_text('[checks.X950]\nseverity = "critical"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "a.txt", "--output", "out"])
    findings = json.loads(Path("out/report.json").read_text(encoding="utf-8"))["articles"][0]["findings"]
    assert sorted(f["severity"] for f in findings) == ["critical", "info"]


# --- time budget ------------------------------------------------------------------------------------------------


class SlowCheck(Check):
    """Spins on articles that ask for it (a test check).

    Bad: spin
    Good: نص
    """

    code = "X951"
    name = "test-slow"
    category = Category.OTHER
    severity = Severity.MINOR
    options: ClassVar[dict] = {}

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        yield self.finding(ctx.text, 0, 1, "partial finding")
        if "spin" in ctx.text:
            while True:
                pass


def test_time_budget_makes_the_article_an_error_and_the_batch_goes_on() -> None:
    articles = [Article(id="slow", text="spin نص"), Article(id="fine", text=GOOD)]
    config = Config(time_budget=TimeBudget(base=0.5, per_million=0.0), jobs=1)
    started = time.monotonic()
    result = audit_batch(articles, config, checks=[SlowCheck()])
    assert time.monotonic() - started < 20
    assert [a.article.id for a in result.articles] == ["fine"]  # the slow one's partial finding is dropped
    [error] = result.errors
    assert error.id == "slow" and "time budget of 0.5 s exceeded" in error.message and not error.internal
    assert result.exit_code == 2


def test_time_budget_grows_with_length_and_zero_is_no_limit() -> None:
    budget = TimeBudget(base=10, per_million=10)
    assert budget.seconds(0) == 10 and budget.seconds(1_000_000) == 20
    assert TimeBudget(base=0).seconds(10**9) == 0
    assert audit_within(0, lambda: 42) == 42
    with pytest.raises(BudgetExceeded):
        audit_within(0.2, lambda: [None for _ in iter(int, 1)])


def test_time_budget_in_worker_processes() -> None:
    articles = [Article(id=f"a{i}", text=("spin " if i == 1 else "") + GOOD) for i in range(4)]
    config = Config(time_budget=TimeBudget(base=0.5, per_million=0.0), jobs=2)
    result = audit_batch(articles, config, checks=[SlowCheck()])
    assert [a.article.id for a in result.articles] == ["a0", "a2", "a3"]
    assert [e.id for e in result.errors] == ["a1"]


# --- processes: pipes and signals ------------------------------------------------------------------------------


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    command = f"{sys.executable} -m audit explain G501 | head -c 10; {sys.executable} -m audit list-checks | head -1"
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)
    assert done.stdout and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_sigterm_is_handled_like_sigint_and_workers_stay_quiet(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(120):
        (folder / f"a{number}.txt").write_text(GOOD * 200, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "audit", "check", str(folder), "--jobs", "2", "--output", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, check=False).stdout.strip():
            break  # the workers are up: the audit is under way
        time.sleep(0.2)
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    if process.returncode in (0, 1):
        pytest.skip("the audit finished before the signal")
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err, err


def test_workers_stay_quiet_when_the_parent_dies(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(400):
        (folder / f"a{number}.txt").write_text(GOOD * 20, encoding="utf-8")
    err = tmp_path / "stderr"
    with err.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "audit", "check", str(folder), "--jobs", "2", "--output", str(tmp_path / "out")],
            stdout=subprocess.DEVNULL,
            stderr=handle,
            cwd=tmp_path,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, check=False).stdout.strip():
                break  # the workers are up
            time.sleep(0.2)
        if process.poll() is not None:
            pytest.skip("the audit finished before its workers could be seen")
        time.sleep(1)
        process.kill()
        process.wait(timeout=30)
        time.sleep(5)  # the orphaned workers end (or would print their tracebacks) by now
    assert "Traceback" not in err.read_text(encoding="utf-8", errors="replace")
