"""The Markdown, CSV, JUnit and SARIF reports: valid against their schemas, and pointing at the right text."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

import audit.checks
from audit.checks import Check
from audit.checks.base import ArticleContext
from audit.config import Config
from audit.engine import ArticleResult, BatchResult, audit_batch
from audit.inputs import load_paths
from audit.model import Article, Category, Finding, Severity
from audit.reporting import article_dict, article_line, report_dict, write_reports
from audit.reporting.locations import LineIndex, display_location, parse_origin
from audit.reporting.markdown import cell, render_markdown

SCHEMAS = Path(__file__).parent / "schemas"
ALL_FORMATS = ["json", "md", "csv", "junit", "sarif"]


class EnglishWordCheck(Check):
    """English words left untranslated in the Arabic text (a test check).

    Bad: قال Reuters
    Good: قالت رويترز
    """

    code = "U993"
    name = "test-english-word"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        for match in re.finditer("[A-Za-z]+", ctx.text):
            word = match.group()
            severity = Severity.CRITICAL if word.isupper() else Severity.MINOR if len(word) < 4 else None
            yield self.finding(ctx.text, match.start(), match.end(), "untranslated word", severity=severity)


class MarkerCheck(Check):
    """Marks emoji, pipes, tabs and vertical tabs, with a suggestion (a test check).

    Bad: نص | نص
    Good: نص، نص
    """

    code = "P993"
    name = "test-marker"
    category = Category.PUNCTUATION
    severity = Severity.INFO

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        for match in re.finditer("[\U0001f600-\U0001f64f|\t\x0b]", ctx.text):
            yield self.finding(ctx.text, match.start(), match.end(), "odd character", suggestion="،")


class UnusedCheck(Check):
    """Never finds anything (a test check).

    Bad: -
    Good: -
    """

    code = "G993"
    name = "test-unused"
    category = Category.GARBLED
    severity = Severity.MINOR

    def run(self, ctx: ArticleContext) -> Iterator[Finding]:
        return iter(())


CHECKS = (EnglishWordCheck, MarkerCheck, UnusedCheck)
# Line 2 holds an emoji (one code point, two UTF-16 units) before a finding: columns count code points.
TEXT_CRLF = "السطر الأول فيه كلمة Minister هنا\r\nسطر 😀 ثان فيه NATO و| علامة\r\nالسطر الثالث\tمع Reuters\r\n"
TEXT_JSONL = "نص في سجل مع كلمة Kremlin\nوسطر ثان مع UN فيه"


@pytest.fixture(autouse=True)
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit.checks, "REGISTRY", CHECKS)


@pytest.fixture
def batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BatchResult:
    """Articles from a CRLF .txt file with an Arabic name, a JSONL file (a good and a bad line), a file
    outside the current folder, a dataset record, an article without a path and a missing file."""
    work = tmp_path / "work"
    (work / "news").mkdir(parents=True)
    monkeypatch.chdir(work)
    (work / "news" / "خبر أول.txt").write_bytes(TEXT_CRLF.encode("utf-8"))
    lines = [json.dumps({"id": "rec-1", "text": TEXT_JSONL}, ensure_ascii=False), "{broken", ""]
    (work / "news" / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("خبر من مكان آخر مع Fox", encoding="utf-8")
    loaded = list(load_paths(["news", str(outside), "news/missing.txt"]))
    loaded.append(Article(id="row-7", text="سجل من مجموعة بيانات مع Nasa", path="corpus.parquet#7"))
    loaded.append(Article(id="inline", text="نص بلا ملف مع CNN وعلامة \x0b هنا"))
    checks = [cls() for cls in CHECKS]
    return audit_batch(loaded, Config(), checks=checks)


@pytest.fixture
def written(batch: BatchResult, tmp_path: Path) -> Path:
    out = tmp_path / "work" / "reports"
    paths = write_reports(batch, ALL_FORMATS, out)
    assert sorted(p.name for p in paths) == sorted(
        ["report.json", "report.md", "report.csv", "junit.xml", "report.sarif"]
    )
    return out


# --- locations ---------------------------------------------------------------------------------


def test_line_index_positions() -> None:
    text = "ab\ncd\r\n\nefg"
    index = LineIndex(text)
    assert [index.position(i) for i in (0, 2, 3, 5, 6, 7, 8, 11)] == [
        (1, 1),
        (1, 3),  # the newline itself ends line 1
        (2, 1),
        (2, 3),  # \r belongs to line 2
        (2, 4),
        (3, 1),
        (4, 1),
        (4, 4),  # the end of the text
    ]


@pytest.mark.parametrize(
    ("where", "file", "line", "record", "split"),
    [
        ("news/a.txt", "news/a.txt", None, None, None),
        ("data/batch.jsonl:12", "data/batch.jsonl", 12, None, None),
        ("data/BATCH.NDJSON:3", "data/BATCH.NDJSON", 3, None, None),
        ("data/x.parquet#4", "data/x.parquet", None, 4, None),
        ("saved#0", "saved", None, 0, None),
        ("missing_dir/train#2", "missing_dir", None, 2, "train"),
        ("notes:12.txt", "notes:12.txt", None, None, None),
    ],
)
def test_parse_origin(where: str, file: str, line: int | None, record: int | None, split: str | None) -> None:
    origin = parse_origin(where)
    assert (origin.file, origin.line, origin.record, origin.split) == (file, line, record, split)


def test_existing_dataset_folder_is_not_split(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    assert parse_origin(f"{folder}#3").file == str(folder)
    assert parse_origin(f"{folder}/test#3").split == "test"


def test_display_location() -> None:
    finding = {"line": 3, "column": 5}
    assert display_location("a.txt", finding) == "a.txt:3:5"
    assert display_location("b.jsonl:12", finding) == "b.jsonl:12 (3:5)"
    assert display_location(None, finding) == "3:5"


def test_report_json_findings_carry_lines_and_columns(batch: BatchResult) -> None:
    report = report_dict(batch)
    for article_report, result in zip(report["articles"], batch.articles, strict=True):
        lines = result.article.text.split("\n")
        for finding in article_report["findings"]:
            line = lines[finding["line"] - 1]
            assert line[finding["column"] - 1 :].startswith(finding["text"])


# --- JUnit -------------------------------------------------------------------------------------


def test_junit_is_valid_against_the_xsd(written: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))
    schema.validate(str(written / "junit.xml"))


def test_junit_cases_failures_and_errors(written: Path, batch: BatchResult) -> None:
    root = ET.parse(written / "junit.xml").getroot()
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "")) == len(cases) == len(batch.articles) + len(batch.errors)
    failed = [c for c in cases if c.find("failure") is not None]
    errored = [c for c in cases if c.find("error") is not None]
    assert int(suite.get("failures", "")) == len(failed) == sum(1 for a in batch.articles if not a.passed)
    assert int(suite.get("errors", "")) == len(errored) == len(batch.errors) == 2

    by_name = {c.get("name"): c for c in cases}
    crlf = by_name["خبر أول"]
    assert crlf.get("classname") == "news/خبر أول.txt"
    failure = crlf.find("failure")
    assert failure is not None
    assert failure.get("message") == "خبر أول: score 67.50 is below 95; 1 finding at critical severity or above"
    text = failure.text or ""
    assert "critical U993 news/خبر أول.txt:2:15 [untranslated] untranslated word: «NATO»" in text
    assert "info     P993" in text and "→ ،" in text
    assert by_name["rec-1"].get("classname") == "news/batch.jsonl"

    error_types = {c.get("name"): c.find("error").get("type") for c in errored}  # type: ignore[union-attr]
    assert error_types == {"batch:2": "audit.input_error", "missing": "audit.input_error"}

    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["audit.signature"] == batch.signature
    assert (properties["audit.formula"] or "").startswith("score = 100")
    assert properties["audit.gate"] == "error"


def test_junit_replaces_characters_xml_cannot_hold(written: Path) -> None:
    content = (written / "junit.xml").read_text(encoding="utf-8")
    assert "\x0b" not in content
    root = ET.fromstring(content.encode("utf-8"))
    inline = next(c for c in root.iter("testcase") if c.get("name") == "inline")
    failure = inline.find("failure")
    assert failure is not None and "«\ufffd»" in (failure.text or "")


# --- SARIF -------------------------------------------------------------------------------------


def sarif_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def load_sarif(written: Path) -> dict[str, Any]:
    return json.loads((written / "report.sarif").read_text(encoding="utf-8"))


def test_sarif_is_valid_against_the_official_schema(written: Path) -> None:
    validator = sarif_validator()
    log = load_sarif(written)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert log["version"] == "2.1.0"


def test_sarif_schema_catches_a_broken_log(written: Path) -> None:
    # The validation is real: a level SARIF does not know, or a region line 0, is rejected.
    validator = sarif_validator()
    log = load_sarif(written)
    log["runs"][0]["results"][0]["level"] = "critical"
    assert not validator.is_valid(log)
    log = load_sarif(written)
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert not validator.is_valid(log)


def test_sarif_rules_are_the_checks_that_found_something(written: Path) -> None:
    run = load_sarif(written)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["P993", "U993"]  # G993 found nothing
    u993 = rules[1]
    assert u993["name"] == "test-english-word"
    assert u993["shortDescription"]["text"] == "English words left untranslated in the Arabic text (a test check)."
    assert "Bad: قال Reuters" in u993["fullDescription"]["text"]
    assert u993["defaultConfiguration"]["level"] == "error"
    assert rules[0]["defaultConfiguration"]["level"] == "note"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_levels(written: Path, batch: BatchResult) -> None:
    results = load_sarif(written)["runs"][0]["results"]
    levels = {(r["properties"]["severity"], r["level"]) for r in results}
    assert levels == {("critical", "error"), ("major", "error"), ("minor", "warning"), ("info", "note")}
    assert len(results) == sum(len(a.findings) for a in batch.articles)


def region_text(content: str, region: dict[str, Any]) -> str:
    """The text a SARIF region covers, found from its lines and code-point columns alone."""
    starts = [0] + [m.end() for m in re.finditer("\r\n|\n", content)]
    start = starts[region["startLine"] - 1] + region["startColumn"] - 1
    end = starts[region["endLine"] - 1] + region["endColumn"] - 1
    return content[start:end]


def test_sarif_regions_point_at_the_finding_in_the_file(written: Path) -> None:
    run = load_sarif(written)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().resolve().as_uri() + "/"
    checked = 0
    for result in run["results"]:
        physical = result["locations"][0].get("physicalLocation")
        if not physical or "startColumn" not in physical.get("region", {}):
            continue
        artifact = physical["artifactLocation"]
        path = (
            Path(unquote(artifact["uri"])) if "uriBaseId" in artifact else Path(unquote(urlsplit(artifact["uri"]).path))
        )
        content = path.read_bytes().decode("utf-8")
        region = physical["region"]
        text = region["snippet"]["text"]
        assert region_text(content, region) == text
        assert content[region["charOffset"] : region["charOffset"] + region["charLength"]] == text
        checked += 1
    assert checked >= 6
    # The finding after the emoji: column counts the emoji as one character.
    nato = next(
        r
        for r in run["results"]
        if r["locations"][0].get("physicalLocation", {}).get("region", {}).get("snippet", {}).get("text") == "NATO"
    )
    assert nato["locations"][0]["physicalLocation"]["region"]["startColumn"] == 15


def test_sarif_uris(written: Path, tmp_path: Path) -> None:
    results = load_sarif(written)["runs"][0]["results"]
    artifacts = {
        r["properties"]["article"]: r["locations"][0].get("physicalLocation", {}).get("artifactLocation")
        for r in results
    }
    assert artifacts["خبر أول"] == {"uri": "news/%D8%AE%D8%A8%D8%B1%20%D8%A3%D9%88%D9%84.txt", "uriBaseId": "%SRCROOT%"}
    assert artifacts["elsewhere"] == {"uri": (tmp_path / "elsewhere.txt").resolve().as_uri()}
    assert artifacts["rec-1"] == {"uri": "news/batch.jsonl", "uriBaseId": "%SRCROOT%"}
    assert artifacts["row-7"] == {"uri": "corpus.parquet", "uriBaseId": "%SRCROOT%"}
    assert artifacts["inline"] is None
    for artifact in filter(None, artifacts.values()):
        assert " " not in artifact["uri"] and artifact["uri"].isascii()


def test_sarif_records_point_at_their_jsonl_line_or_name(written: Path) -> None:
    results = load_sarif(written)["runs"][0]["results"]
    record = next(r for r in results if r["properties"]["article"] == "rec-1")
    location = record["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 1, "endLine": 1}
    assert location["logicalLocations"][0]["name"] == "rec-1"
    un = next(r for r in results if r["properties"]["article"] == "rec-1" and "«UN»" in r["message"]["text"])
    assert un["properties"]["span"]["line"] == 2 and un["properties"]["span"]["column"] == 13
    row = next(r for r in results if r["properties"]["article"] == "row-7")
    assert "region" not in row["locations"][0]["physicalLocation"]
    assert row["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "corpus.parquet#7"


def test_sarif_suggestions_signature_and_notifications(written: Path, batch: BatchResult) -> None:
    run = load_sarif(written)["runs"][0]
    marker = next(r for r in run["results"] if r["ruleId"] == "P993")
    assert marker["properties"]["suggestion"] == "،"
    assert "Suggestion: ،" in marker["message"]["text"]
    assert run["properties"]["signature"] == batch.signature
    assert run["properties"]["formula"].startswith("score = 100")
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert len(notes) == 2 and {n["level"] for n in notes} == {"error"}
    jsonl_error = next(n for n in notes if n["properties"]["id"] == "batch:2")
    assert jsonl_error["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}


# --- Markdown and CSV --------------------------------------------------------------------------


def table_rows(markdown: str, header: str) -> list[list[str]]:
    """The cells of the table that starts with ``header``; escaped pipes stay inside their cell."""
    lines = markdown.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def test_markdown_summary_worst_findings_and_signature(written: Path, batch: BatchResult) -> None:
    markdown = (written / "report.md").read_text(encoding="utf-8")
    assert "**Gate: ⚠️ ERROR**" in markdown
    assert f"Signature: `{batch.signature}`" in markdown
    assert "Formula: score = 100 \\* max(0, 1 - penalty / max(words, 100))" in markdown
    articles = table_rows(markdown, "| Result |")
    assert len(articles) == len(batch.articles)
    assert all(len(row) == 9 for row in articles)
    assert articles[0][0] == "**FAIL**"  # failed articles first
    findings = table_rows(markdown, "| Severity | Check |")
    assert all(len(row) == 6 for row in findings)  # the pipe in a finding did not split a row
    severities = [row[0] for row in findings]
    rank = {"critical": 3, "major": 2, "minor": 1, "info": 0}
    assert severities == sorted(severities, key=lambda s: -rank[s]) and severities[0] == "critical"
    assert any(re.fullmatch(r"[A-Z][0-9]{3} ×[0-9]+", row[1]) for row in findings)  # repeats grouped
    assert "news/خبر أول.txt:2:15" in markdown
    assert "### Input errors" in markdown and "not valid JSON" in markdown


def test_markdown_stays_within_a_pull_request_comment() -> None:
    findings = [
        {
            "check": "U993",
            "category": "untranslated",
            "severity": "major",
            "start": i,
            "end": i + 500,
            "text": "نص طويل جدا " * 50,
            "message": "a long message " * 30,
            "suggestion": "اقتراح " * 40,
            "line": 1,
            "column": i + 1,
        }
        for i in range(20)
    ]
    article = {"id": "a" * 300, "path": "p" * 300 + ".txt", "words": 900, "score": 10.0, "passed": False}
    summary = {
        "articles": 2000,
        "passed": 0,
        "failed": 2000,
        "errors": 500,
        "gate": "error",
        "mean_score": 10.0,
        "min_score": 10.0,
        "words": 1_800_000,
        "findings": {"critical": 0, "major": 40000, "minor": 0, "info": 0},
        "categories": {"untranslated": 40000},
        "signature": "sig",
        "formula": "formula",
    }
    report = {
        "config": {"fail_under": 95.0, "fail_on": "critical"},
        "articles": [{**article, "findings": findings} for _ in range(2000)],
        "errors": [{"id": "e", "path": "x" * 300, "message": "m" * 500} for _ in range(500)],
        "summary": summary,
    }
    markdown = render_markdown(report)
    assert len(markdown) < 65_536
    assert "… and 1950 more articles" in markdown and "… and 1970 more findings or groups" in markdown


def test_csv_has_one_row_per_finding(written: Path, batch: BatchResult) -> None:
    raw = (written / "report.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheet programs read UTF-8
    with (written / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = [(a.article.id, f) for a in batch.articles for f in a.findings]
    assert len(rows) == len(expected)
    for row, (article_id, finding) in zip(rows, expected, strict=True):
        assert row["article"] == article_id
        assert row["check"] == finding.check and row["severity"] == finding.severity.value
        # tabs, pipes and emoji survive; a cell that starts like a formula is neutralised with an apostrophe
        assert row["text"] == (f"'{finding.text}" if finding.text[:1] in "=+-@\t\r" else finding.text)
        assert (int(row["start"]), int(row["end"])) == (finding.start, finding.end)
    nato = next(r for r in rows if r["text"] == "NATO")
    assert (nato["line"], nato["column"], nato["article_passed"]) == ("2", "15", "false")


def test_empty_batch_reports(tmp_path: Path) -> None:
    result = audit_batch([], Config(), checks=[])
    write_reports(result, ALL_FORMATS, tmp_path)
    assert "0 articles" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert load_sarif(tmp_path)["runs"][0]["results"] == []
    assert sarif_validator().is_valid(load_sarif(tmp_path))
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.find("testsuite").get("tests") == "0"  # type: ignore[union-attr]


def test_long_spans_are_cut_in_messages_but_not_in_regions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    long_word = "Abc" * 2000
    (tmp_path / "long.txt").write_text(f"نص قبل {long_word} ونص بعد", encoding="utf-8")
    result = audit_batch(load_paths(["long.txt"]), Config(fail_under=99), checks=[EnglishWordCheck()])
    write_reports(result, ["junit", "sarif"], tmp_path / "out")
    [sarif_result] = load_sarif(tmp_path / "out")["runs"][0]["results"]
    region = sarif_result["locations"][0]["physicalLocation"]["region"]
    assert (region["charOffset"], region["charLength"]) == (7, len(long_word))
    assert (region["startColumn"], region["endColumn"]) == (8, 8 + len(long_word))
    assert "snippet" not in region
    assert len(sarif_result["message"]["text"]) < 300 and "…" in sarif_result["message"]["text"]
    junit = (tmp_path / "out" / "junit.xml").read_text(encoding="utf-8")
    assert long_word not in junit and "AbcAbc…" in junit


def test_markdown_cells_escape_pipes_and_markup() -> None:
    assert cell("نص | نص") == "نص \\| نص"
    assert cell("<b>*x*</b>") == "\\<b\\>\\*x\\*\\</b\\>"


def test_repeated_findings_are_grouped_with_one_fix() -> None:
    from audit.reporting.groups import group_findings

    def f(check: str, severity: str, start: int, fix: bool = True) -> dict[str, Any]:
        edit = {"start": start, "end": start + 1, "replacement": ""}
        return {
            "check": check,
            "severity": severity,
            "start": start,
            "end": start + 1,
            "fix": {"applicability": "safe", "edits": [edit]} if fix else None,
        }

    groups = group_findings(
        [f("P401", "minor", 9), f("D301", "major", 50), f("P401", "minor", 3, False), f("P401", "minor", 1)]
    )
    assert [g.label for g in groups] == ["D301", "P401 ×3"]
    fix = groups[1].fix
    assert fix is not None and [e["start"] for e in fix["edits"]] == [1, 9]


@pytest.mark.parametrize(
    ("article_id", "metrics"),
    [
        ("a", {"counts": {"major": 1}, "ratio": 0.5}),
        ("a", {"ratio": float("nan"), "limit": float("inf")}),
        ("a\udcff", {"ratio": 0.5}),
    ],
    ids=["plain", "non-finite-numbers", "lone-surrogate"],
)
def test_article_line_is_the_safe_article_record(article_id: str, metrics: dict[str, Any]) -> None:
    article = Article(id=article_id, text="نص فيه كلمة Reuters", path="news/a.txt")
    findings = tuple(EnglishWordCheck().run(ArticleContext(article, Config())))
    result = ArticleResult(
        article=article, words=4, score=90.0, penalty=10.0, passed=True, findings=findings, metrics=metrics
    )
    line = article_line(result)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert line == (json.dumps(article_dict(result), ensure_ascii=False) + "\n").encode("utf-8")
