"""Fixes as data: edits, their selection and application, ``audit fix``, and the acceptance test that every
safe fix produced on the seed articles and the bundled example gives valid text."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from audit.checks import build_checks
from audit.cli import main
from audit.config import Config
from audit.engine import audit_batch
from audit.fixes import apply_edits, delete_lines, delete_span, fix_batch, map_offset, select_fixes, unified_diff
from audit.inputs import load_paths
from audit.model import Applicability, Article, Category, Edit, Finding, Fix, Severity

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLE = ROOT / "references" / "example" / "articles"


def _finding(
    check: str, start: int, end: int, text: str, fix: Fix | None, severity: Severity = Severity.MINOR
) -> Finding:
    return Finding(check, Category.PUNCTUATION, severity, start, end, text[start:end], "m", fix=fix)


def test_fix_validates_its_edits() -> None:
    with pytest.raises(ValueError):
        Fix(())
    with pytest.raises(ValueError):
        Fix((Edit(3, 6, ""), Edit(5, 8, "")))
    with pytest.raises(ValueError):
        Edit(5, 3, "")
    fix = Fix((Edit(0, 1, "a"), Edit(4, 4, "b")), Applicability.UNSAFE)
    assert fix.apply("xyzwv") == "ayzwbv"
    assert Fix.from_dict(json.loads(json.dumps(fix.to_dict()))) == fix


def test_finding_json_carries_the_fix() -> None:
    text = "قال ، ثم"
    finding = _finding("P401", 3, 5, text, Fix.replace(3, 5, "،"))
    data = finding.to_dict()
    assert data["fix"] == {"applicability": "safe", "edits": [{"start": 3, "end": 5, "replacement": "،"}]}
    assert _finding("P401", 3, 5, text, None).to_dict()["fix"] is None


def test_overlapping_fixes_are_resolved_deterministically() -> None:
    text = "abcdefghij"
    block = _finding("D301", 2, 8, text, Fix.replace(2, 8, ""), Severity.MAJOR)
    inner = _finding("P401", 3, 4, text, Fix.replace(3, 4, "X"))
    later = _finding("P401", 8, 9, text, Fix.replace(8, 9, "Y"))
    unsafe = _finding("G501", 0, 1, text, Fix.replace(0, 1, "Z", Applicability.UNSAFE))
    for order in ([block, inner, later, unsafe], [unsafe, later, inner, block]):
        chosen = select_fixes(order)
        assert [f.check for f in chosen] == ["D301", "P401"]
        assert apply_edits(text, [e for f in chosen for e in f.fix.edits if f.fix]) == "abYj"
    assert [f.check for f in select_fixes([block, inner, later, unsafe], unsafe=True)] == ["G501", "D301", "P401"]
    twin = _finding("P402", 3, 4, text, Fix.replace(3, 4, "X"))
    assert len(select_fixes([inner, twin])) == 1  # the same repair found twice is made once


def test_delete_lines_and_spans_leave_no_gap() -> None:
    text = "first line\n\nresidue one\nresidue two\n\nlast line\n"
    start = text.index("residue one")
    edit = delete_lines(text, start + 3, text.index("two") + 3)
    assert apply_edits(text, [edit]) == "first line\n\nlast line\n"
    tail = "body.\n\nLeave a Reply\n"
    edit = delete_lines(tail, tail.index("Leave"), len(tail) - 1)
    assert apply_edits(tail, [edit]) == "body.\n"
    bare = "body.\n\nLeave a Reply"
    assert apply_edits(bare, [delete_lines(bare, bare.index("Leave"), len(bare))]) == "body."
    caption = "صافح المبعوث خلال اجتماعهما. – AFP\nبعده"
    at = caption.index("– AFP")
    assert apply_edits(caption, [delete_span(caption, at, at + 5)]) == "صافح المبعوث خلال اجتماعهما.\nبعده"


def test_map_offset() -> None:
    edits = [Edit(2, 4, ""), Edit(6, 6, "XY"), Edit(8, 9, "Z")]
    assert [map_offset(i, edits) for i in (0, 2, 3, 4, 5, 6, 7, 8, 9, 10)] == [0, 2, 2, 2, 3, 4, 7, 8, 9, 10]
    assert map_offset(6, edits, after=True) == 6


def test_unified_diff() -> None:
    assert unified_diff("a\nb\n", "a\nb\n", "x.txt") == ""
    diff = unified_diff("a\nb ،\n", "a\nb،\n", "x.txt")
    assert diff.startswith("--- a/x.txt\n+++ b/x.txt\n") and "-b ،\n+b،\n" in diff


def _articles() -> list[Article]:
    paths = [p for p in (SEEDS, EXAMPLE) if p.is_dir()]
    return [a for a in load_paths(paths) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def audited() -> tuple[list[Article], list[tuple[Finding, ...]]]:
    articles = _articles()
    result = audit_batch(articles, Config())
    return articles, [r.findings for r in result.articles]


def _serious(findings: tuple[Finding, ...]) -> Counter[tuple[str, str]]:
    return Counter((f.check, f.text) for f in findings if f.severity.rank >= Severity.MAJOR.rank)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_every_safe_fix_on_the_seeds_and_example_gives_valid_text(
    audited: tuple[list[Article], list[tuple[Finding, ...]]],
) -> None:
    articles, findings = audited
    assert sum(1 for fs in findings for f in fs if f.fix is not None and f.fix.safe) >= 30
    fixed_articles, chosen_per_article = [], []
    for article, found in zip(articles, findings, strict=True):
        chosen = select_fixes(found)
        edits = sorted((e for f in chosen for e in f.fix.edits if f.fix), key=lambda e: e.start)
        new_text = apply_edits(article.text, edits)
        # nothing outside the edits changed
        bounds = [0, *(x for e in edits for x in (e.start, e.end)), len(article.text)]
        for start, end in zip(bounds[::2], bounds[1::2], strict=True):
            at = map_offset(start, edits, after=True)
            assert new_text[at : at + end - start] == article.text[start:end]
        fixed_articles.append(Article(id=article.id, text=new_text, path=article.path))
        chosen_per_article.append((chosen, edits))
    again = audit_batch(fixed_articles, Config())
    for article, found, (chosen, edits), result in zip(
        articles, findings, chosen_per_article, again.articles, strict=True
    ):
        new = _serious(result.findings) - _serious(found)
        assert not new, f"{article.id}: new major or critical findings after fixing: {dict(new)}"
        for fixed in chosen:
            start, end = map_offset(fixed.start, edits), map_offset(fixed.end, edits, after=True)
            back = [
                g
                for g in result.findings
                if g.check == fixed.check and g.text == fixed.text and g.start <= end and g.end >= start
            ]
            assert not back, f"{article.id}: {fixed.check} «{fixed.text}» found again after its fix"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_fix_batch_converges_and_reaudit_finds_no_safe_fix() -> None:
    articles = _articles()
    outcome = fix_batch(articles, Config())
    assert outcome.passes <= 4 and not outcome.errors
    assert sum(len(s.fixed) for s in outcome.articles) >= 30
    again = audit_batch([Article(id=s.article.id, text=s.text) for s in outcome.articles], Config())
    left = [(r.article.id, f.check, f.text) for r in again.articles for f in r.findings if f.fix and f.fix.safe]
    assert not left


def test_cli_fix_writes_articles_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    text = "قال الوزير ، إن المحادثات ستستمر في العاصمة خلال الأسبوع المقبل.\n"
    (folder / "sub" / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.jsonl").write_text(json.dumps({"id": "b", "text": text, "extra": 1}, ensure_ascii=False) + "\n")
    out = tmp_path / "out"
    assert main(["fix", str(folder), "--output", str(out)]) == 0
    fixed = "قال الوزير، إن المحادثات ستستمر في العاصمة خلال الأسبوع المقبل.\n"
    assert (out / "sub" / "a.txt").read_text(encoding="utf-8") == fixed
    record = json.loads((out / "b.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record == {"id": "b", "text": fixed, "extra": 1}
    assert (folder / "sub" / "a.txt").read_text(encoding="utf-8") == text  # never in place unless asked
    assert "-قال الوزير ،" in (out / "fixes.diff").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["fix", str(folder / "sub"), "--diff"]) == 1
    assert "+قال الوزير،" in capsys.readouterr().out
    assert main(["fix", str(folder / "sub"), "--in-place"]) == 0
    assert (folder / "sub" / "a.txt").read_text(encoding="utf-8") == fixed
    assert main(["fix", str(folder / "sub"), "--diff"]) == 0


def test_cli_fix_bad_input_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(tmp_path / "missing"), "--output", str(tmp_path / "o")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["fix", str(tmp_path), "--diff", "--in-place"]) == 2


def test_checks_declare_fixes_only_inside_the_text() -> None:
    checks = build_checks((), (), {})
    assert checks  # the registry builds


def test_findings_inside_a_deleted_block_are_folded_into_it() -> None:
    from audit.fixes import fold

    text = "a\nrepeated block x\nb"
    block = Finding(
        "D301", Category.DUPLICATION, Severity.MAJOR, 2, 18, text[2:18], "m", fix=Fix((delete_lines(text, 2, 18),))
    )
    inside = _finding("P401", 5, 6, text, Fix.replace(5, 6, ""))
    outside = _finding("P401", 19, 20, text, None)
    unsafe_block = Finding(
        "D303",
        Category.DUPLICATION,
        Severity.MAJOR,
        2,
        18,
        text[2:18],
        "m",
        fix=Fix.replace(2, 18, "", Applicability.UNSAFE),
    )
    folded = fold([block, inside, unsafe_block, outside])
    assert [f.check for f in folded] == ["D301", "P401"]
    assert [f.check for f in folded[0].folded] == ["P401", "D303"]
    assert folded[0].to_dict()["folded"][0]["check"] == "P401"
    assert fold([inside, outside]) == (inside, outside)


def test_folded_findings_are_not_scored_twice() -> None:
    from audit import scoring
    from audit.config import DEFAULT_WEIGHTS

    paragraph = "وقال الوزير إن المحادثات ستستمر في العاصمة خلال الأسبوع المقبل مع الوفد الزائر ، وفق مصادر."
    text = "\n\n".join([paragraph, "فقرة أخرى مختلفة تماما عن الفقرة الأولى في هذا المقال القصير.", paragraph])
    result = audit_batch([Article(id="a", text=text)], Config()).articles[0]
    block = next(f for f in result.findings if f.check == "D301")
    assert [f.check for f in block.folded] == ["P401"]
    assert [f.check for f in result.findings].count("P401") == 1
    assert result.penalty == scoring.penalty(result.findings, DEFAULT_WEIGHTS)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not found")
def test_unsafe_fixes_are_literal_and_fit_their_span(
    audited: tuple[list[Article], list[tuple[Finding, ...]]],
) -> None:
    articles, findings = audited
    unsafe = [(a, f) for a, fs in zip(articles, findings, strict=True) for f in fs if f.fix and not f.fix.safe]
    assert {f.check for _, f in unsafe} >= {"C603", "M902", "A801"}
    for article, f in unsafe:
        assert f.fix is not None
        assert all("…" not in e.replacement for e in f.fix.edits), (f.check, f.fix)
        fixed = f.fix.apply(article.text)
        # the corrected span does not repeat the words after it («بشبه جزيرة القرم القرم»)
        after = article.text[f.fix.end :].split()[:1]
        inserted = f.fix.edits[-1].replacement.split()
        assert not (after and inserted and inserted[-1] == after[0] and f.check == "G501"), f
        assert fixed != article.text


def test_a_damaged_phrase_fix_fits_its_span() -> None:
    text = "تقدم الصفقة قبولا قانونيا للضم غير القانوني لروسيا بجنرة القرم في عام 2014 بعد الاستفتاء."
    result = audit_batch([Article(id="a", text=text)], Config()).articles[0]
    garbled = [f for f in result.findings if f.check == "G501" and f.text == "بجنرة"]
    if not garbled:
        pytest.skip("no Arabic lexicon installed")
    fix = garbled[0].fix
    assert fix is not None and not fix.safe
    assert garbled[0].suggestion == "بشبه جزيرة القرم"  # the advice names the whole phrase
    assert "بشبه جزيرة القرم في عام" in fix.apply(text) and "القرم القرم" not in fix.apply(text)
