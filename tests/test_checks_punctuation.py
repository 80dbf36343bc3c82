"""Tests of the punctuation and typography checks (P401-P409)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from audit.checks import ArticleContext, CheckSettings, build_checks
from audit.checks.base import Check
from audit.checks.punctuation import (
    DetachedPrefix,
    DoubledPunctuation,
    InvisibleControls,
    LatinPunctuation,
    PresentationForms,
    SpaceBeforePercent,
    SpaceBeforePunctuation,
    TatweelDash,
    UnbalancedQuotes,
)
from audit.model import Article, Finding, Severity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALL = (
    SpaceBeforePunctuation,
    LatinPunctuation,
    UnbalancedQuotes,
    SpaceBeforePercent,
    TatweelDash,
    DoubledPunctuation,
    DetachedPrefix,
    InvisibleControls,
    PresentationForms,
)


def run(check: Check, text: str) -> list[Finding]:
    findings = list(check.run(ArticleContext(Article(id="t", text=text))))
    for f in findings:
        assert f.text == text[f.start : f.end]
    return findings


def fixed(text: str, findings: list[Finding]) -> str:
    """The text with every suggestion applied (right to left, so offsets stay valid)."""
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        assert f.suggestion is not None
        text = text[: f.start] + f.suggestion + text[f.end :]
    return text


def test_space_before_arabic_punctuation_one_finding_each() -> None:
    text = "استمرت المحادثات ثلاث ساعات ، وفقًا لمساعد بوتين ، وقال إنها مفيدة ؛ ثم غادر . هل انتهت ؟"
    findings = run(SpaceBeforePunctuation(), text)
    assert [f.text for f in findings] == [" ،", " ،", " ؛", " .", " ؟"]
    assert all(f.severity is Severity.MINOR for f in findings)
    assert (
        fixed(text, findings) == "استمرت المحادثات ثلاث ساعات، وفقًا لمساعد بوتين، وقال إنها مفيدة؛ ثم غادر. هل انتهت؟"
    )


@pytest.mark.parametrize(
    "text",
    [
        "استمرت المحادثات ثلاث ساعات، وفقًا لمساعد بوتين.",
        "وقال إن الأمر يحتاج إلى وقت ...",
        "بلغت النسبة .5 في المئة",
        "زار الموقع www .example.com أمس",
        "، في بداية السطر",
    ],
)
def test_no_space_before_punctuation_finding(text: str) -> None:
    assert run(SpaceBeforePunctuation(), text) == []


def test_latin_comma_semicolon_question_mark_between_arabic_words() -> None:
    text = "قال الوزير, إن المحادثات ستستمر; وأضاف: هل ستنجح? لا أحد يعرف. في عام 2014, وقعت الحرب."
    findings = run(LatinPunctuation(), text)
    assert [f.text for f in findings] == [",", ";", "?", ","]
    assert [f.suggestion for f in findings] == ["،", "؛", "؟", "،"]


@pytest.mark.parametrize(
    "text",
    [
        "قتل 5,000 شخص في الحرب",
        "قال بوتين Hello, world ثم غادر",
        "بلغت النسبة 3,5 في المئة",
        "سأل الصحفي: Is it over? فأجاب بالنفي",
    ],
)
def test_latin_punctuation_left_alone_in_numbers_and_latin_runs(text: str) -> None:
    assert run(LatinPunctuation(), text) == []


def test_wrong_direction_closing_quote() -> None:
    text = "وقال ترامب: “أعتقد أن الحرب بدأت عندما تحدثوا عن الناتو “.\nوأضاف: “سنرى”."
    (finding,) = run(UnbalancedQuotes(), text)
    assert finding.start == text.index(" “.") + 1
    assert "wrong way" in finding.message
    assert finding.suggestion == "”"


def test_quote_never_closed_before_a_later_quoted_paragraph() -> None:
    text = "\n".join(
        [
            'وقال روبيو: "إن الدور الذي نحاول أن نلعبه مهم". "قد لا يكون ذلك ممكنا. آمل أن ينجح.',
            "في كييف، قال زيلينسكي إنه يدعم المفاوضات.",
            '"يجب على أمريكا أن تقول بوضوح ما تريد". وقال الزعيم إنه متفائل.',
        ]
    )
    (finding,) = run(UnbalancedQuotes(), text)
    assert finding.start == text.index('"قد')
    assert "never closed" in finding.message


def test_closing_quote_without_opening() -> None:
    text = 'وقال المتحدث إن العمل سيستمر" في الأسابيع المقبلة.'
    (finding,) = run(UnbalancedQuotes(), text)
    assert finding.text == '"'
    assert "no opening" in finding.message


def test_mixed_quote_marks() -> None:
    text = 'صرح “هيل" قائلًا إن الأمر انتهى.'
    (finding,) = run(UnbalancedQuotes(), text)
    assert "Mixed" in finding.message
    assert finding.suggestion == "”"


@pytest.mark.parametrize(
    "text",
    [
        'وقال: "لقد كنا على وشك الحرب.\nوالآن نتمتع بعلاقات طيبة."',
        '"الفقرة الأولى من الاقتباس.\n"الفقرة الثانية من الاقتباس.\n"والفقرة الأخيرة."',
        "قال «لن نتراجع عن موقفنا» ثم غادر.",
        "قال «إن الرئيس وصف الخطة بأنها «غير مقبولة» أمس» وغادر.",
        'وصف "عملية عسكرية خاصة" "لتجريد" البلاد من السلاح.',
        "أكد أن المحادثات كانت “بناءة ومفيدة”.",
    ],
)
def test_balanced_quotes_are_left_alone(text: str) -> None:
    assert run(UnbalancedQuotes(), text) == []


def test_guillemets_closing_without_opening_and_unclosed() -> None:
    findings = run(UnbalancedQuotes(), "قال إن الوضع صعب» ثم غادر.\nوأضاف «سنعود قريبا.")
    assert [f.text for f in findings] == ["»", "«"]


def test_open_quote_limit_option() -> None:
    text = '"بداية الاقتباس.\nجملة.\nجملة.\nنهاية الاقتباس."'
    assert run(UnbalancedQuotes(), text) == []
    strict = UnbalancedQuotes(CheckSettings(options={"max_open_paragraphs": 1}))
    assert len(run(strict, text)) == 2


def test_space_before_percent() -> None:
    text = "بلغت حوالي 20 ٪ من الأراضي و15 % من السكان و30٪ من الموارد و40% من المياه."
    findings = run(SpaceBeforePercent(), text)
    assert [f.text for f in findings] == [" ٪", " %"]
    assert fixed(text, findings) == "بلغت حوالي 20٪ من الأراضي و15% من السكان و30٪ من الموارد و40% من المياه."


def test_tatweel_as_dash_but_not_as_prefix_joiner() -> None:
    text = 'وراء غزوه ــ وهي اختصار لقائمة طويلة، بـ 30 نقطة و الـ"ناتو" و ـ هنا'
    findings = run(TatweelDash(), text)
    assert [f.text for f in findings] == ["ــ", "ـ"]
    assert all(f.suggestion == "–" for f in findings)


def test_doubled_punctuation() -> None:
    text = "قال الوزير،، إن المحادثات ستستمر.. هل ستنجح؟؟ ربما،. لكن…"
    findings = run(DoubledPunctuation(), text)
    assert [f.text for f in findings] == ["،،", "..", "؟؟", "،."]
    assert [f.suggestion for f in findings] == ["،", ".", "؟", "."]


@pytest.mark.parametrize(
    "text",
    ["انتظر قليلا... ثم تكلم", "يا للهول!!", "حقا؟!", "راجع الملف ../data/file", "الفترة 1..5", "الساعة 10:30"],
)
def test_ellipsis_emphasis_and_technical_marks_are_left_alone(text: str) -> None:
    assert run(DoubledPunctuation(), text) == []


def test_detached_prefixes() -> None:
    text = "انتقد زيلينسكي روسيا ل الفشل في الموافقة، وتحدث ب الأمس عن الحرب و الحكومة ك المعتاد."
    findings = run(DetachedPrefix(), text)
    assert [f.text for f in findings] == ["ل الفشل", "ب الأمس", "و الحكومة", "ك المعتاد"]
    assert [f.suggestion for f in findings] == ["للفشل", "بالأمس", "والحكومة", "كالمعتاد"]
    assert [f.severity for f in findings] == [Severity.MAJOR, Severity.MAJOR, Severity.MINOR, Severity.MAJOR]


@pytest.mark.parametrize(
    "text",
    [
        "لجأت الحكومة إلى الخطة ب في النهاية.",
        "يحتاج الجسم إلى فيتامين ب لإنتاج الطاقة.",
        "أصيب بالتهاب الكبد ب منذ سنوات.",
        "اختر الإجابة أ و ب من القائمة.",
        "التقى Witkoff و Putin في موسكو.",
        "قتل 5 و 7 جرحوا.",
        "والحكومة بالأمس للفشل كالمعتاد.",
    ],
)
def test_labels_enumerations_and_attached_prefixes_are_left_alone(text: str) -> None:
    assert run(DetachedPrefix(), text) == []


def test_invisible_controls_grouped_and_named() -> None:
    text = "قال الرئيس\u200f\u200f إن المحادثات\u200b مستمرة \u202bفعلا\u202c."
    findings = run(InvisibleControls(), text)
    assert len(findings) == 4
    assert findings[0].text == "\u200f\u200f"
    assert "2 invisible control characters" in findings[0].message
    assert "U+200F" in findings[0].message
    assert fixed(text, findings) == "قال الرئيس إن المحادثات مستمرة فعلا."


def test_presentation_forms_suggest_nfkc_and_ligatures_are_info() -> None:
    text = "أعلنت ﺍﻟﺤﻜﻮﻣﺔ ﺍﻟﺠﺪﻳﺪﺓ خطة، قال الشيخ ﷺ."
    findings = run(PresentationForms(), text)
    assert [f.suggestion for f in findings] == ["الحكومة الجديدة", "صلى الله عليه وسلم"]
    assert [f.severity for f in findings] == [Severity.MINOR, Severity.INFO]


def test_clean_arabic_gives_no_finding() -> None:
    text = (
        "أجرى المبعوث الأمريكي والرئيس الروسي محادثات «بناءة» في موسكو يوم الجمعة، وفقًا لمساعد بوتين.\n"
        'وقال أوشاكوف: "تبدو بعض المقترحات مقبولة إلى حد ما". وأضاف أن نحو 20% من الأراضي محل خلاف؛ '
        "فهل تنجح المفاوضات؟ لا أحد يعرف...\n"
    )
    for cls in ALL:
        assert run(cls(), text) == [], cls.code


_PIECES = st.sampled_from(
    ["قال", " ", "،", ",", '"', "“", "”", "«", "»", "ل", "و", "ـ", "5", "%", "\u200f", "ﻻ", "\n", "."]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_PIECES, max_size=50))
def test_spans_always_match_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    for cls in ALL:
        for finding in run(cls(), text):
            assert 0 <= finding.start < finding.end <= len(text)


def test_checks_are_registered_and_documented() -> None:
    codes = {c.code: c for c in build_checks(select=["P4"])}
    assert {cls.code for cls in ALL} <= set(codes)
    for cls in ALL:
        doc = cls.documentation()
        assert "Bad:" in doc and "Good:" in doc, cls.code


@pytest.mark.slow
def test_seed_with_spaced_commas_gives_one_minor_finding_per_comma() -> None:
    seeds = sorted((SHARED / "seeds").glob("000_*.txt"))
    if not seeds:
        pytest.skip("../shared/seeds not available")
    text = seeds[0].read_text(encoding="utf-8")
    findings = run(SpaceBeforePunctuation(), text)
    assert len(findings) == text.count(" ،")
    assert len(findings) >= 30


@pytest.mark.slow
def test_no_major_punctuation_findings_on_clean_human_arabic() -> None:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data not available")
    checks = [cls() for cls in ALL]
    words = serious = 0
    for name in ("flores-devtest/ref-a.ar.txt", "tico19/ref.ar.txt", "ntrex/ref.ar.txt"):
        lines = (data / name).read_text(encoding="utf-8").splitlines()
        for i in range(0, len(lines), 10):
            ctx = ArticleContext(Article(id="h", text="\n".join(lines[i : i + 10])))
            words += ctx.doc.word_count
            serious += sum(1 for c in checks for f in c.run(ctx) if f.severity.rank >= Severity.MAJOR.rank)
    assert 1000 * serious / words <= 0.05


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["ب", "و", "ك", "الفشل", "في", "َ", "a", " ", "\t", "\n", "(", "«", "،"]), max_size=20))
@example(["و", " ", "الفشل", " ", "ب", " ", "الفشل"])
@example(["«", "ل", " ", " ", "في", "\n", "ك", "\t", "الفشل"])
def test_detached_letters_are_the_patterns_matches(pieces: list[str]) -> None:
    """DetachedPrefix tries its pattern only at one-letter words: it finds what the pattern finds in the whole text."""
    from audit.checks.punctuation import _detached_letters

    text = "".join(pieces)
    pattern = DetachedPrefix._PATTERN
    found = [m.span() for m in _detached_letters(ArticleContext(Article(id="t", text=text)), pattern)]
    assert found == [m.span() for m in pattern.finditer(text)]


def test_the_quick_tests_come_from_the_patterns() -> None:
    """P404, P405 and P408 skip an article without the characters their pattern needs, read from the pattern."""
    assert SpaceBeforePercent._NEEDS == [("%", "٪")]
    assert TatweelDash._NEEDS == [("\u0640",)]
    assert len(InvisibleControls._NEEDS) == 1 and "\u200b" in InvisibleControls._NEEDS[0]
