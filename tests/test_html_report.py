"""The HTML report without a browser: escaping, highlight structure (overlapping spans), file names,
the embedded JSON, charts, and the way ``write_reports`` hands the article text to the HTML reporter."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.checks import ArticleContext, Check
from audit.config import Config
from audit.engine import audit_batch
from audit.model import Article, Category, Finding, Severity
from audit.reporting import report_dict, write_reports
from audit.reporting.html import (
    CSP,
    HtmlReporter,
    excerpt,
    highlight,
    histogram_bins,
    page_names,
    reveal,
    score_histogram,
    script_json,
)

ARABIC = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة."
INJECTION = '<script>window.__pwned=1</script> نص عربي <img src=x onerror="window.__pwned=1"> \u202eمقلوب\u202c انتهى'
VOID = {"br", "img", "meta", "link", "input", "hr", "wbr", "source", "line", "rect"}


class TagChecker(HTMLParser):
    """Collects start tags and fails on badly nested or unclosed elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(markup: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(markup)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


def finding(
    text: str, start: int, end: int, severity: str = "major", check: str = "X101", **extra: Any
) -> dict[str, Any]:
    return {
        "check": check,
        "category": extra.pop("category", "untranslated"),
        "severity": severity,
        "start": start,
        "end": end,
        "text": text[start:end],
        "message": extra.pop("message", f"{check} message"),
        "suggestion": extra.pop("suggestion", None),
        **extra,
    }


def article(
    article_id: str, text: str | None, findings: Sequence[dict[str, Any]], score: float = 90.0, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article_id,
        "path": f"in/{article_id}.txt",
        "words": 120,
        "score": score,
        "passed": score >= 95,
        "findings": list(findings),
        "metrics": {"penalty": 100 - score, "counts": {}},
        **extra,
    }
    if text is not None:
        data["text"] = text
    return data


def report(articles: Sequence[dict[str, Any]]) -> dict[str, Any]:
    categories: dict[str, int] = {}
    for item in articles:
        for f in item["findings"]:
            categories[f["category"]] = categories.get(f["category"], 0) + 1
    return {
        "schema": "audit-report/2",
        "tool": {"name": "audit", "version": "0.1.0"},
        "config": {"fail_under": 95.0, "fail_on": "critical", "select": [], "ignore": []},
        "articles": list(articles),
        "errors": [{"id": "bad<id>", "path": "in/bad.txt", "message": "not valid utf-8 <b>"}],
        "summary": {
            "articles": len(articles),
            "passed": sum(1 for a in articles if a["passed"]),
            "failed": sum(1 for a in articles if not a["passed"]),
            "errors": 1,
            "gate": "fail",
            "mean_score": 90.0,
            "min_score": 80.0,
            "words": 120 * len(articles),
            "findings": {"critical": 0, "major": 0, "minor": 0, "info": 0},
            "categories": categories,
            "signature": "audit-score|weights:1/5/25|version:0.1.0",
            "formula": "score = 100 * ...",
        },
    }


def anchors(markup: str) -> list[str]:
    return re.findall(r'data-finding-id="(\d+)"', markup)


def paragraphs_markup(text: str, findings: Sequence[dict[str, Any]]) -> str:
    return "".join(f"<p>{p.markup}</p>" for p in highlight(text, findings))


def visible_text(markup: str) -> str:
    """The text a reader sees, with the ⟨U+XXXX⟩ marks turned back into the characters they stand for."""
    text = "".join(parse(markup).text)
    return re.sub(r"⟨U\+([0-9A-F]{4})⟩", lambda m: chr(int(m.group(1), 16)), text)


# --------------------------------------------------------------------------------------------------
# Highlighting


def test_one_anchor_per_finding_with_nested_crossing_and_identical_spans() -> None:
    text = ARABIC
    words = [m.span() for m in re.finditer(r"\S+", text)]
    findings = [
        finding(text, words[0][0], words[3][1], "minor"),  # outer
        finding(text, words[1][0], words[2][1], "critical", "X102"),  # nested inside
        finding(text, words[2][0], words[5][1], "major", "X103"),  # crosses the first
        finding(text, words[2][0], words[5][1], "info", "X104"),  # identical span
        finding(text, words[6][0], words[6][0], "minor", "X105"),  # zero width
    ]
    markup = paragraphs_markup(text, findings)
    assert sorted(map(int, anchors(markup))) == list(range(len(findings)))
    assert visible_text(markup) == text
    # Every anchor is a keyboard stop described by its entry in the findings list.
    for tag, attrs in parse(markup).starts:
        if tag == "mark" and "data-finding-id" in attrs:
            assert attrs["tabindex"] == "0"
            assert attrs["aria-describedby"] == f"fd-{attrs['data-finding-id']}"


def test_stretch_covered_by_several_findings_takes_the_most_severe_colour_and_lists_all() -> None:
    text = ARABIC
    second = text.index("باسم")
    findings = [
        finding(text, 0, len(text) - 1, "minor"),
        finding(text, second, second + 4, "critical", "X102"),
    ]
    starts = parse(paragraphs_markup(text, findings)).starts
    inner = [a for t, a in starts if t == "mark" and a.get("data-finding-id") == "1"]
    assert len(inner) == 1
    assert "sev-critical" in (inner[0]["class"] or "")
    assert set((inner[0]["data-cover"] or "").split()) == {"0", "1"}
    outer = next(a for t, a in starts if t == "mark" and a.get("data-finding-id") == "0")
    assert "sev-minor" in (outer["class"] or "")


def test_finding_across_paragraphs_and_on_line_breaks_keeps_one_anchor() -> None:
    text = "الفقرة الأولى هنا.\n\n\nالفقرة الثانية هنا.\nThe third line stayed English.\n"
    first_end = text.index("\n")
    findings = [
        finding(text, 3, text.index("الثانية") + 3, "major"),  # spans two paragraphs
        finding(text, first_end, first_end + 3, "minor", "X102"),  # only line breaks
        finding(text, len(text), len(text), "info", "X103"),  # zero width at the very end
    ]
    paragraphs = highlight(text, findings)
    markup = "".join(f"<p>{p.markup}</p>" for p in paragraphs)
    assert sorted(map(int, anchors(markup))) == [0, 1, 2]
    assert markup.count('class="hl sev-major cont"') == 1  # the continuation in the second paragraph
    assert [p.direction for p in paragraphs] == ["rtl", "rtl", "ltr"]
    assert [p.lang for p in paragraphs] == ["ar", "ar", "en"]


def test_latin_runs_in_arabic_paragraphs_are_isolated_and_not_split_by_highlights() -> None:
    text = "وقال رئيس Russian Direct Investment Fund إن COVID-19 انتهى."
    start = text.index("Direct")
    findings = [finding(text, text.index("رئيس"), start + len("Direct"), "major")]
    markup = paragraphs_markup(text, findings)
    assert '<bdi dir="ltr">' in markup
    runs = re.findall(r'<bdi dir="ltr">(.*?)</bdi>', markup)
    assert [re.sub(r"<[^>]+>", "", r) for r in runs] == ["Russian Direct Investment Fund", "COVID-19"]
    assert visible_text(markup) == text
    assert len(anchors(markup)) == 1


def test_sentence_punctuation_after_a_latin_word_stays_outside_the_isolate() -> None:
    markup = paragraphs_markup("وصل الوفد إلى Moscow.", [])
    assert '<bdi dir="ltr">Moscow</bdi>.' in markup


def test_text_is_escaped_and_bidi_controls_are_shown() -> None:
    findings = [finding(INJECTION, 0, INJECTION.index("</script>") + 9, "critical")]
    markup = paragraphs_markup(INJECTION, findings)
    assert "<script" not in markup and "<img" not in markup
    assert "&lt;" in markup and "&quot;" in markup
    assert "\u202e" not in markup and "\u202c" not in markup
    assert "⟨U+202E⟩" in markup and "⟨U+202C⟩" in markup
    assert visible_text(markup) == INJECTION


def test_invalid_spans_are_not_highlighted() -> None:
    text = ARABIC
    findings = [finding(text, 5, 2), finding(text, 0, len(text) + 10), finding(text, 0, 3)]
    markup = paragraphs_markup(text, findings)
    assert anchors(markup) == ["2"]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("اب تث\nab 1.\u202e،")), min_size=1, max_size=60),
    spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.sampled_from(["minor", "major"])), max_size=8),
)
def test_any_set_of_spans_gives_well_formed_markup_with_one_anchor_each(
    text: str, spans: list[tuple[int, int, str]]
) -> None:
    findings = [finding(text, min(a, b), max(a, b), severity) for a, b, severity in spans if max(a, b) <= len(text)]
    markup = paragraphs_markup(text, findings)
    parse(markup)  # balanced
    assert sorted(map(int, anchors(markup))) == list(range(len(findings)))
    assert "".join(visible_text(markup).split()) == "".join(text.split())


# --------------------------------------------------------------------------------------------------
# Names, JSON, charts


def test_page_names_are_safe_and_unique() -> None:
    ids = ["a/b", "a:b", "a b", "A/B", "a/b", "", "..", "../../etc/passwd", "مقال-١", "x" * 300, "con", "<script>"]
    names = page_names(ids)
    assert len({n.lower() for n in names}) == len(ids)
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*\.html", name), name
        assert len(name) < 80
    assert page_names(ids) == names  # stable


def test_script_json_cannot_close_the_script_element() -> None:
    value = {"id": "</script><script>alert(1)</script><!--", "x": "a\u2028b\u2029c&"}
    encoded = str(script_json(value))
    assert "</" not in encoded and "<!--" not in encoded and "\u2028" not in encoded and "\u2029" not in encoded
    assert json.loads(encoded) == value


def test_reveal_shows_every_bidi_control() -> None:
    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = reveal(f"a{controls}b")
    assert not set(controls) & set(shown)
    assert shown.count("⟨U+") == len(controls)


def test_score_histogram_splits_bars_into_failed_and_passed() -> None:
    results = [(10.0, False), (50.0, False), (96.0, True), (100.0, True), (99.5, False)]
    svg = str(score_histogram(results, 95.0))
    assert len(re.findall(r"<g><title>", svg)) == 18  # 10-100 in bins of 5
    assert "95–100: 3 articles (1 failed, 2 passed)" in svg and "10–15: 1 article (1 failed, 0 passed)" in svg
    assert len(re.findall(r'<rect class="bar fail"', svg)) == 3
    assert len(re.findall(r'<rect class="bar pass"', svg)) == 1


def test_score_histogram_zooms_in_on_a_batch_that_scores_high() -> None:
    assert histogram_bins([88.5, 91.0, 96.0, 99.0], 95.0) == (85.0, 1.0, 15)
    assert histogram_bins([], 95.0) == (90.0, 1.0, 10)
    svg = str(score_histogram([(88.5, False), (91.0, False), (96.0, True), (99.0, True), (100.0, True)], 95.0))
    assert "99–100: 2 articles" in svg and "88–89: 1 article " in svg
    parse(svg)


# --------------------------------------------------------------------------------------------------
# Whole report


def write(tmp_path: Path, articles: Sequence[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    data = report(articles)
    HtmlReporter().write(data, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "articles").glob("*.html")}
    return index, pages


def test_report_pages_are_escaped_and_load_nothing_remote(tmp_path: Path) -> None:
    nasty_id = '"><script>window.__pwned=1</script>\u202e'
    findings = [finding(INJECTION, 0, 5, message="<b>bold</b> message", suggestion="<i>x</i>")]
    index, pages = write(
        tmp_path,
        [article(nasty_id, INJECTION, findings, score=40.0), article("plain", ARABIC, [], score=99.0)],
    )
    assert len(pages) == 2
    for name, markup in [("index.html", index), *pages.items()]:
        checker = parse(markup)
        scripts = [a for t, a in checker.starts if t == "script"]
        assert all(
            (a.get("src") or "").startswith(("assets/", "../assets/")) or a.get("type") == "application/json"
            for a in scripts
        ), name
        assert "\u202e" not in markup, name
        assert "window.__pwned=1</script>" not in markup, name
        assert "<img" not in markup and "<b>" not in markup, name
        metas = [a for t, a in checker.starts if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert metas and metas[0]["content"] == CSP
        for tag, attrs in checker.starts:
            for attribute in ("src", "href"):
                value = attrs.get(attribute) or ""
                assert not re.match(r"(?i)\s*(https?:|//|javascript:|data:)", value), (name, tag, value)
    assert "default-src 'none'" in CSP and "http" not in CSP
    embedded = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', index, re.S)
    assert embedded is not None
    rows = json.loads(embedded.group(1))["rows"]
    assert {r[0] for r in rows} == {reveal(nasty_id), "plain"}


def test_article_page_lists_every_finding_and_links_to_its_highlight(tmp_path: Path) -> None:
    text = ARABIC + "\nUntranslated English line here.\n"
    english = text.index("Untranslated")
    findings = [
        finding(text, 0, 3, "minor", "P401", category="punctuation"),
        finding(text, english, len(text) - 1, "critical", "U101", suggestion="ترجمة"),
        finding(text, 2, 8, "major", "M901", category="mistranslation", confidence=0.8, evidence="chrF 12"),
    ]
    _, pages = write(tmp_path, [article("one", text, findings)])
    (page,) = pages.values()
    checker = parse(page)
    items = [a["id"] for t, a in checker.starts if t == "li" and (a.get("id") or "").startswith("finding-")]
    assert items == ["finding-0", "finding-1", "finding-2"]
    jumps = [a["href"] for t, a in checker.starts if t == "a" and "jump" in (a.get("class") or "")]
    assert jumps == ["#hl-0", "#hl-1", "#hl-2"]
    ids = {a.get("id") for _, a in checker.starts}
    assert {"hl-0", "hl-1", "hl-2", "fd-0", "fd-1", "fd-2", "tip"} <= ids
    assert len(anchors(page)) == 3
    assert "confidence 0.8" in page and "chrF 12" in page
    directions = [(a.get("dir"), a.get("lang")) for t, a in checker.starts if t == "p" and a.get("dir")]
    assert ("rtl", "ar") in directions and ("ltr", "en") in directions


def test_alignment_rows_are_shown_side_by_side(tmp_path: Path) -> None:
    text = ARABIC
    rows = [
        {
            "start": 0,
            "end": 20,
            "source": "The ministry spokesman said <b>",
            "retranslations": {"nllb": "قال المتحدث"},
            "metrics": {"chrf": 51.25, "signature": "chrF2|nc:6"},
        }
    ]
    _, pages = write(tmp_path, [article("aligned", text, [finding(text, 2, 6)], alignment=rows)])
    (page,) = pages.values()
    checker = parse(page)
    cells = [(a.get("class"), a.get("dir"), a.get("lang")) for t, a in checker.starts if t == "td" and a.get("dir")]
    assert cells == [("ar", "rtl", "ar"), ("en", "ltr", "en"), ("ar", "rtl", "ar")]
    assert "The ministry spokesman said &lt;b&gt;" in page
    assert "51.25" in page and "Re-translation: <bdi>nllb</bdi>" in page
    assert len(anchors(page)) == 1  # the aligned segment repeats the text without a second anchor


def test_article_without_text_lists_findings_without_highlights(tmp_path: Path) -> None:
    _, pages = write(tmp_path, [article("no-text", None, [finding(ARABIC, 0, 3)])])
    (page,) = pages.values()
    assert "not part of this report" in page
    assert anchors(page) == []
    assert 'id="finding-0"' in page


def test_index_table_static_rows_are_the_lowest_scores(tmp_path: Path) -> None:
    articles = [article(f"a{i:03}", ARABIC, [], score=float(100 - (i * 7) % 101)) for i in range(150)]
    index, pages = write(tmp_path, articles)
    assert len(pages) == 150
    body = index.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    scores = [float(s) for s in re.findall(r'<td class="num score">([\d.]+)</td>', body)]
    assert len(scores) == 100
    assert scores == sorted(scores)
    assert scores[0] == min(a["score"] for a in articles)
    assert "Showing the 100 lowest scores of 150 articles" in index
    assert "bad&lt;id&gt;" in index and "not valid utf-8 &lt;b&gt;" in index
    assert "audit-score|weights:1/5/25|version:0.1.0" in index


def test_metric_signatures_are_listed(tmp_path: Path) -> None:
    item = article("sig", ARABIC, [])
    item["metrics"]["chrf_signature"] = "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.2"
    item["metrics"]["bleu"] = {"score": 12.5, "signature": "nrefs:1|tok:13a"}
    index, _ = write(tmp_path, [item])
    assert "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.2" in index
    assert "bleu.signature" in index and "nrefs:1|tok:13a" in index


class LatinWords(Check):
    """Flags Latin words (test check)."""

    code = "X101"
    name = "latin-words"
    category = Category.UNTRANSLATED
    severity = Severity.MAJOR

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        for match in re.finditer(r"[A-Za-z]+", ctx.text):
            yield self.finding(ctx.text, match.start(), match.end(), "Latin word", suggestion="ترجمها")


def test_write_reports_gives_the_html_reporter_the_text_but_not_report_json(tmp_path: Path) -> None:
    articles = [
        Article(id="one", text="قال الرئيس إن Witkoff وصل.\n", path="one.txt", source="The president said."),
        Article(id="two", text=ARABIC + "\n", path="two.txt"),
    ]
    result = audit_batch(articles, Config(), checks=[LatinWords()])
    written = write_reports(result, ["json", "html"], tmp_path)
    assert tmp_path / "index.html" in written
    saved = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(report_dict(result), ensure_ascii=False))
    assert all("text" not in a and "reference_texts" not in a for a in saved["articles"])
    page = next(p for p in written if p.parent.name == "articles" and p.name.startswith("one-"))
    markup = page.read_text(encoding="utf-8")
    assert "Witkoff" in markup and len(anchors(markup)) == 1
    assert "The president said." in markup  # the English original, shown beside the text
    assert 'aria-label="Sub-scores by dimension"' in markup and ">accuracy <strong>" in markup
    assert "Mean accuracy" in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("ids", [["same", "same"], ["a", "A"]])
def test_colliding_ids_get_their_own_pages(tmp_path: Path, ids: list[str]) -> None:
    _, pages = write(tmp_path, [article(i, ARABIC, []) for i in ids])
    assert len(pages) == 2


def test_markup_escapes_attribute_values(tmp_path: Path) -> None:
    index, pages = write(tmp_path, [article('x" onmouseover="alert(1)', ARABIC, [])])
    for markup in [index, *pages.values()]:
        for _, attrs in parse(markup).starts:
            assert "onmouseover" not in attrs
    assert 'x" onmouseover="alert(1)' in "".join(parse(index).text)  # shown as text


def test_excerpts_show_white_space_at_their_edges() -> None:
    assert str(excerpt(" ،")) == '<span class="ws" aria-hidden="true">␣</span>،'
    assert str(excerpt("a <b>\n")) == 'a &lt;b&gt;<span class="ws" aria-hidden="true">↵</span>'
    assert str(excerpt("كلمة")) == "كلمة"


def test_paragraphs_carry_their_line_numbers() -> None:
    text = "سطر أول\n\nسطر ثالث\n   \nسطر خامس"
    assert [p.line for p in highlight(text, [])] == [1, 3, 5]


def test_alignment_gaps_and_segment_findings(tmp_path: Path) -> None:
    text = ARABIC + "\n" + ARABIC
    half = len(ARABIC)
    rows = [
        {"start": 0, "end": half, "source": "First.", "retranslations": {}, "metrics": {"chrf": None}},
        {
            "start": half + 1,
            "end": len(text),
            "source": "Second.",
            "retranslations": {},
            "metrics": {},
            "gaps": {"source": ["A sentence the translation dropped."]},
        },
    ]
    findings = [finding(text, 2, 6), finding(text, half + 3, half + 3, "critical"), finding(text, half - 2, half + 4)]
    _, pages = write(tmp_path, [article("gaps", text, findings, alignment=rows)])
    (page,) = pages.values()
    assert "Not aligned:</span> A sentence the translation dropped." in page
    links = re.findall(r'<a class="seg-findings sev-(\w+)" href="#hl-(\d+)"[^>]*>(\d+)</a>', page)
    assert links == [("major", "0", "2"), ("critical", "1", "2")]
    assert "<dd>—</dd>" in page  # a metric without a value


def test_empty_batch_still_writes_an_index(tmp_path: Path) -> None:
    index, pages = write(tmp_path, [])
    assert pages == {}
    parse(index)
    assert "No findings." in index and '"rows":[]' in index
    assert (tmp_path / "assets" / "index.js").is_file() and (tmp_path / "assets" / "report.css").is_file()


def test_aligned_cells_take_the_direction_of_their_text(tmp_path: Path) -> None:
    text = "This sentence was left in English.\nوقال إن Witkoff وصل."
    english_end = text.index("\n")
    rows = [
        {"start": 0, "end": english_end, "source": "This sentence...", "retranslations": {"m": "ترجمة"}, "metrics": {}},
        {"start": english_end + 1, "end": len(text), "source": "He said.", "retranslations": {"m": ""}, "metrics": {}},
    ]
    _, pages = write(tmp_path, [article("dirs", text, [], alignment=rows)])
    (page,) = pages.values()
    cells = [(a.get("dir"), a.get("lang")) for t, a in parse(page).starts if t == "td" and a.get("dir")]
    assert cells == [("ltr", "en"), ("ltr", "en"), ("rtl", "ar"), ("rtl", "ar"), ("ltr", "en"), ("rtl", "ar")]
    assert '<bdi dir="ltr">Witkoff</bdi>' in page.split('class="align"', 1)[1]
