"""Baselines: a previous report.json excuses the findings it holds; only new ones fail the gate."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.baseline import Baseline, collapsed, fingerprint
from audit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE = ROOT / "references" / "example" / "articles"


def test_fingerprint_ignores_offsets_and_spacing_but_not_the_context() -> None:
    text = "في الاجتماع قال الوزير ، إن المحادثات ستستمر"
    at = text.index(" ،")
    shifted = "سطر جديد.\n" + text
    a = fingerprint("P401", text, at, at + 2)
    assert a == fingerprint("P401", shifted, at + 10, at + 12)
    assert a == fingerprint("P401", text.replace("قال ", "قال  "), at + 1, at + 3)
    assert a != fingerprint("P402", text, at, at + 2)
    assert a != fingerprint("P401", text.replace("الوزير", "الرئيس"), at, at + 2)


def test_matching_counts_repeats() -> None:
    report = {
        "schema": "audit-report/2",
        "articles": [{"id": "a", "findings": [{"check": "P401", "text": " ،", "fingerprint": "x"}]}],
    }
    baseline = Baseline.from_report(report)
    from audit.model import Category, Finding, Severity

    text = "ب ، ج ، د"
    found = [Finding("P401", Category.PUNCTUATION, Severity.MINOR, s, s + 2, text[s : s + 2], "m") for s in (1, 5)]
    assert baseline.new_findings("a", found, text) == frozenset({1})  # one known by text, the second is new
    assert baseline.new_findings("b", found, text) == frozenset({0, 1})


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "baseline file not found"), ("{", "is not JSON"), ('{"a": 1}', "is not an audit report.json")],
)
def test_bad_baseline_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    baseline = tmp_path / "old.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("نص عربي قصير.\n", encoding="utf-8")
    assert main(["check", str(article), "--baseline", str(baseline), "--output", str(tmp_path / "o")]) == 2
    assert message in capsys.readouterr().err


def test_baseline_run_passes_unchanged_and_names_only_a_planted_defect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS if SEEDS.is_dir() else EXAMPLE, folder)
    first = tmp_path / "first"
    assert main(["check", str(folder), "--output", str(first)]) == 1  # the archive fails the gate as it is
    capsys.readouterr()
    baseline = str(first / "report.json")
    assert main(["check", str(folder), "--baseline", baseline, "--output", str(tmp_path / "same")]) == 0
    assert "0 new findings" in capsys.readouterr().out
    target = sorted(folder.glob("*.txt"))[-1]
    text = target.read_text(encoding="utf-8")
    planted = "وقال المتحدث باسم الوزارة إن الاجتماع سيعقد غدا ، في العاصمة."
    target.write_text("سطر جديد في أول المقال.\n" + text + "\n" + planted + "\n", encoding="utf-8")
    out_dir = tmp_path / "new"
    assert main(["check", str(folder), "--baseline", baseline, "--output", str(out_dir), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert "1 new finding not in the baseline" in out
    assert f"{target}:" in out and "P401" in out
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    new = [(a["id"], f["check"]) for a in report["articles"] for f in a["findings"] if f["baseline"] == "new"]
    assert new == [(target.stem, "P401")]
    assert report["summary"]["baseline"]["new"] == 1
    assert [a["id"] for a in report["articles"] if not a["passed"]] == [target.stem]


@given(st.text(alphabet=st.sampled_from(["a", "ب", " ", "\n", "\t", "\r", "\u00a0", "\u2003", "\x1c", "\u200b"])))
def test_collapsed_is_the_white_space_regex(text: str) -> None:
    assert collapsed(text) == re.sub(r"\s+", " ", text)


def test_split_and_the_regex_agree_on_white_space() -> None:
    everything = "".join(map(chr, range(0x110000)))
    spaces = [char for char in everything if char.isspace()]
    assert re.findall(r"\s", everything) == spaces
    assert "".join(everything.split()) == "".join(char for char in everything if not char.isspace())
