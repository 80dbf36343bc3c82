"""Tests of the duplication checks (D301 repeated block, D302 repeated sentence, D303 repeated phrase)."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.checks import ArticleContext, CheckSettings, build_checks
from audit.checks.duplication import (
    Match,
    RepeatedBlock,
    RepeatedPhrase,
    RepeatedSentence,
    find_runs,
    find_stutters,
    fold,
    paragraph_words,
    unit_words,
)
from audit.model import Article, Finding, Severity
from audit.text import Document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

PARAGRAPHS = [
    "أعلنت وزارة الصحة صباح اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية لخدمة السكان.",
    "وقال الوزير في مؤتمر صحفي إن المستشفيات الجديدة ستضم أكثر من خمسمئة سرير وأقساما للطوارئ والولادة.",
    "وأضاف أن الحكومة خصصت ميزانية إضافية لتدريب الأطباء والممرضين العاملين في هذه المستشفيات خلال العام المقبل.",
    "من جهتهم رحب سكان المنطقة بالقرار وأكدوا أنهم كانوا يقطعون مسافات طويلة للوصول إلى أقرب مستشفى.",
    "وأشار مدير الصحة في المحافظة إلى أن العمل سيبدأ الشهر المقبل بعد استكمال تجهيز الأقسام بالمعدات الطبية.",
    "ويأتي هذا الإعلان ضمن خطة وطنية أوسع لتحسين الخدمات الصحية في المناطق الريفية والنائية من البلاد.",
]


def run(check: RepeatedBlock | RepeatedSentence | RepeatedPhrase, text: str) -> list[Finding]:
    findings = list(check.run(ArticleContext(Article(id="t", text=text))))
    for f in findings:
        assert f.text == text[f.start : f.end]
    return findings


def test_block_of_paragraphs_printed_twice_is_one_critical_finding() -> None:
    text = "\n".join([*PARAGRAPHS, *PARAGRAPHS[1:5]]) + "\n"
    findings = run(RepeatedBlock(), text)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.CRITICAL
    repeat_start = text.index(PARAGRAPHS[1], len(PARAGRAPHS[0]) + len(PARAGRAPHS[1]))
    assert finding.start == repeat_start
    assert finding.end == len(text) - 1
    assert "4 paragraphs" in finding.message
    assert "repeat paragraphs 2–5" in finding.message
    assert "line 2" in finding.message


def test_near_identical_block_is_found_despite_diacritics_punctuation_and_one_changed_word() -> None:
    changed = [
        PARAGRAPHS[1].replace("الوزير", "الوَزِيرُ").replace(" إن ", " ، إن "),
        PARAGRAPHS[2].replace("الحكومة", "الحكومـــة"),
        PARAGRAPHS[3].replace("طويلة", "بعيدة"),
    ]
    text = "\n\n".join([*PARAGRAPHS, *changed])
    findings = run(RepeatedBlock(), text)
    assert len(findings) == 1
    assert findings[0].severity is Severity.CRITICAL
    assert "near-identical" in findings[0].message
    assert findings[0].text.startswith(changed[0])


def test_one_long_paragraph_repeated_far_away_is_major() -> None:
    text = "\n".join([*PARAGRAPHS, PARAGRAPHS[2]])
    (finding,) = run(RepeatedBlock(), text)
    assert finding.severity is Severity.MAJOR
    assert finding.text == PARAGRAPHS[2]
    assert "Paragraph 7 repeats paragraph 3" in finding.message


def test_short_paragraph_repeated_at_a_distance_is_minor_but_right_after_itself_is_major() -> None:
    short = "وقد زادت هذه الأخبار المخاوف من انتشار المرض"
    far = "\n".join([short, *PARAGRAPHS[:3], short])
    (finding,) = run(RepeatedBlock(), far)
    assert finding.severity is Severity.MINOR
    adjacent = "\n".join([*PARAGRAPHS[:2], short, short])
    (finding,) = run(RepeatedBlock(), adjacent)
    assert finding.severity is Severity.MAJOR


def test_very_short_repeated_lines_and_distinct_paragraphs_are_not_reported() -> None:
    text = "\n".join(["وأضاف:", PARAGRAPHS[0], "وأضاف:", PARAGRAPHS[1], "المصدر: رويترز", "المصدر: رويترز"])
    assert run(RepeatedBlock(), text) == []
    assert run(RepeatedBlock(), "\n".join(PARAGRAPHS)) == []


def test_block_options_change_thresholds() -> None:
    text = "\n".join([*PARAGRAPHS, *PARAGRAPHS[1:3]])
    assert run(RepeatedBlock(), text)[0].severity is Severity.MAJOR
    check = RepeatedBlock(CheckSettings(options={"critical_paragraphs": 2}))
    assert run(check, text)[0].severity is Severity.CRITICAL
    assert run(RepeatedBlock(CheckSettings(options={"min_words": 100})), text) == []


def test_find_runs_follows_diagonals_and_bridges_one_changed_unit() -> None:
    # units 10..14 repeat 0..4, except unit 12 which changed
    matches: list[list[Match]] = [[] for _ in range(15)]
    for later, earlier in ((10, 0), (11, 1), (13, 3), (14, 4)):
        matches[later] = [Match(earlier, later, 1.0)]
    (run_,) = find_runs(matches)
    assert (run_.earlier, run_.later, run_.length) == (0, 10, 5)


def test_find_runs_does_not_chain_scattered_single_matches() -> None:
    # a boilerplate line every other unit: matches at offset 2 with a changed unit between each
    matches: list[list[Match]] = [[] for _ in range(9)]
    for later in (3, 5, 7):
        matches[later] = [Match(later - 2, later, 1.0)]
    assert [r.length for r in find_runs(matches)] == [1, 1, 1]


def test_many_copies_of_a_boilerplate_paragraph_stay_fast() -> None:
    rng = random.Random(7)
    vocabulary = " ".join(PARAGRAPHS).split()
    boiler = "اشترك في نشرتنا البريدية لتصلك آخر الأخبار والتحليلات من مراسلينا حول العالم"
    text = "\n".join(p for _ in range(3000) for p in (" ".join(rng.choices(vocabulary, k=20)), boiler))
    started = time.perf_counter()
    findings = run(RepeatedBlock(), text)
    assert time.perf_counter() - started < 20
    assert len(findings) == 2999
    assert all(f.text == boiler and f.severity is Severity.MINOR for f in findings)


def test_repeated_sentence_inside_a_paragraph() -> None:
    sentence = "وقال المتحدث باسم الحكومة إن الاجتماع استمر أكثر من أربع ساعات في العاصمة."
    text = "\n".join([PARAGRAPHS[0], f"{sentence} {sentence} وانتهى بلا اتفاق.", PARAGRAPHS[1]])
    (finding,) = run(RepeatedSentence(), text)
    assert finding.severity is Severity.MAJOR
    assert finding.text == sentence
    assert finding.start == text.index(sentence) + len(sentence) + 1
    assert run(RepeatedBlock(), text) == []


def test_repeated_quotation_is_minor_and_short_sentences_are_ignored() -> None:
    quote = "«لن نقبل بأي اتفاق لا يضمن انسحاب القوات من جميع الأراضي المحتلة»."
    text = "\n".join([f"وقال الرئيس: {PARAGRAPHS[0]} {quote}", PARAGRAPHS[1], f"{PARAGRAPHS[2]} {quote}"])
    (finding,) = run(RepeatedSentence(), text)
    assert finding.severity is Severity.MINOR
    assert "pull quote" in finding.message
    short = "وأضاف أن العمل سيستمر."
    assert run(RepeatedSentence(), f"{short} {PARAGRAPHS[0]}\n{short} {PARAGRAPHS[1]}") == []


def test_sentence_check_leaves_repeated_paragraphs_to_the_block_check() -> None:
    text = "\n".join([*PARAGRAPHS, PARAGRAPHS[2]])
    assert run(RepeatedSentence(), text) == []
    assert len(run(RepeatedBlock(), text)) == 1


@pytest.mark.parametrize(
    ("sentence", "phrase", "suggestion", "severity"),
    [
        (
            "تقدم الصفقة قبولًا قانونيًا للضم غير القانوني لروسيا غير القانوني لشبه جزيرة القرم.",
            "غير القانوني",
            "غير القانوني لروسيا",
            Severity.MAJOR,
        ),
        ("وقال الوزير في في مؤتمر صحفي إن العمل مستمر.", "في", "في", Severity.MINOR),
        (
            "وأكد أن المحادثات المباشرة المحادثات المباشرة ستبدأ قريبًا.",
            "المحادثات المباشرة",
            "المحادثات المباشرة",
            Severity.MAJOR,
        ),
    ],
)
def test_stutters_are_found_named_and_fixed(sentence: str, phrase: str, suggestion: str, severity: Severity) -> None:
    (finding,) = run(RepeatedPhrase(), sentence)
    assert f"«{phrase}»" in finding.message
    assert finding.suggestion == suggestion
    assert finding.severity is severity
    assert finding.text.startswith(phrase) and finding.text.endswith(phrase)
    corrected = sentence[: finding.start] + suggestion + sentence[finding.end :]
    assert finding.evidence == f"sentence without the repeat: {corrected}"


@pytest.mark.parametrize(
    "sentence",
    [
        "رفض الرئيس مرارًا وتكرارًا فكرة التنازل عن الأرض.",
        "تتحسن الأوضاع شيئًا فشيئًا منذ بداية العام.",
        "يزداد عدد الزوار يومًا بعد يوم في المدينة القديمة.",
        "وقف الجنود جنبًا إلى جنب مع المتطوعين.",
        "تقدم المفاوضون رويدًا رويدًا نحو الاتفاق.",
        "كانت الخطة ناجحة جدا جدا بحسب المسؤولين.",
        "ظهر مراسل سي إن إن على الهواء مباشرة.",
        "شغل المنصب من عام 1977 إلى عام 1981 قبل أن يتقاعد.",
        "يقول المركز الوطني للأعاصير (المركز الوطني للأعاصير) إن العاصفة تضعف.",
        "أعلن المدير العام لمنظمة الصحة العالمية، منظمة الصحة العالمية، حالة الطوارئ.",
        "تؤثر المادة الداكنة على المادة الداكنة الأخرى بالطريقة نفسها.",
        "المادة المظلمة حول مجرة تقع حول مجرة في هالة.",
        "كان الفريق أفضل في الشوط الأول وخرجنا في الشوط الثاني بلا أهداف.",
        "وأن أي شخص يستطيع مقاضاة أي شخص آخر.",
        "تشبه الأعراض التي يسببها ميرس الأعراض التي يسببها سارس.",
        "في الاجتماع الأول في جنيف وفي الاجتماع الثاني في فيينا لم يتفقوا.",
        "قال «لا لا» ثم غادر القاعة.",
        "حضر الاجتماع محمد بن سلمان ومحمد بن زايد.",
    ],
)
def test_legitimate_repetition_is_left_alone(sentence: str) -> None:
    assert run(RepeatedPhrase(), sentence) == []


def test_single_word_repeated_two_words_later_only_with_the_option() -> None:
    sentence = "ناقش الجانبان إمكانية استئناف روسيا وأوكرانيا استئناف المحادثات المباشرة."
    sentence = sentence.replace("وأوكرانيا", "أوكرانيا")
    assert run(RepeatedPhrase(), sentence) == []
    (finding,) = run(RepeatedPhrase(CheckSettings(options={"single_words": True})), sentence)
    assert finding.severity is Severity.MINOR
    assert finding.text == "استئناف روسيا أوكرانيا استئناف"


def test_find_stutters_reports_the_longest_phrase_once() -> None:
    sentence = "قال إن غير القانوني لروسيا غير القانوني لشبه"
    keys = [fold(w) for w in sentence.split()]
    (stutter,) = find_stutters(keys, max_phrase=6, max_gap=2)
    assert (stutter.first, stutter.second, stutter.length, stutter.gap) == (2, 5, 2, 1)


def test_fold_ignores_diacritics_tatweel_and_letter_variants() -> None:
    assert fold("الحكومـــةُ") == fold("الحكومه")
    assert fold("إلى") == fold("الي")
    assert fold("٢٠٢٤") == "2024"


_WORDS = st.sampled_from(["في", "غير", "القانوني", "روسيا", "قال", "الوزير", "،", ".", "\n", "«", "»", "5"])


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=60))
def test_spans_always_match_the_text(words: list[str]) -> None:
    text = " ".join(words)
    for check in (RepeatedBlock(), RepeatedSentence(), RepeatedPhrase(CheckSettings(options={"single_words": True}))):
        for finding in run(check, text):
            assert 0 <= finding.start < finding.end <= len(text)


_PIECES = st.sampled_from(
    [
        "في",
        "القانونيُّ",
        "روسـيا",
        "Trump",
        "'s",
        "’",
        "٢٠",
        "5",
        "ـ",
        "\u064e",
        "İ",
        "ΑΣ",
        ".",
        "؟",
        "!",
        "…",
        "»",
        '"',
        ")",
        " ",
        " ",
        "\n",
        "\t",
        "،",
        "-",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_paragraph_words_are_the_words_of_its_sentences(pieces: list[str]) -> None:
    doc = Document("".join(pieces))
    joined = paragraph_words(doc.paragraphs, doc.sentences, unit_words(doc.text, doc.sentences))
    assert joined == unit_words(doc.text, doc.paragraphs)


def test_checks_are_registered_and_documented() -> None:
    codes = {c.code: c for c in build_checks(select=["D3"])}
    assert {"D301", "D302", "D303"} <= set(codes)
    for check in codes.values():
        doc = check.documentation()
        assert "Bad:" in doc and "Good:" in doc


@pytest.mark.slow
def test_seed_with_a_block_printed_twice_gives_one_block_finding() -> None:
    seeds = sorted((SHARED / "seeds").glob("002_*.txt"))
    if not seeds:
        pytest.skip("../shared/seeds not available")
    text = seeds[0].read_text(encoding="utf-8")
    findings = run(RepeatedBlock(), text)
    assert len(findings) == 1
    assert findings[0].severity is Severity.CRITICAL
    assert "16 paragraphs" in findings[0].message
    assert run(RepeatedSentence(), text) == []


@pytest.mark.slow
def test_few_major_duplication_findings_on_clean_human_arabic() -> None:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data not available")
    lines = (data / "ntrex" / "ref.ar.txt").read_text(encoding="utf-8").splitlines()
    ids = (data / "ntrex" / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines, strict=True):
        docs.setdefault(doc_id, []).append(line)
    tico = (data / "tico19" / "ref.ar.txt").read_text(encoding="utf-8").splitlines()
    texts = ["\n".join(v) for v in docs.values()] + ["\n".join(tico[i : i + 10]) for i in range(0, len(tico), 10)]
    checks = [RepeatedBlock(), RepeatedSentence(), RepeatedPhrase()]
    words = serious = 0
    for text in texts:
        ctx = ArticleContext(Article(id="h", text=text))
        words += ctx.doc.word_count
        serious += sum(1 for c in checks for f in c.run(ctx) if f.severity.rank >= Severity.MAJOR.rank)
    assert 1000 * serious / words <= 0.1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["في", "من", "الحكومة", "قال", "ال"]), max_size=8), st.booleans())
def test_the_stutter_filter_passes_every_repeat(keys: list[str], single_words: bool) -> None:
    """The quick filter lets through every sentence with a doubled word or a pair seen twice (any repeated word with
    ``single_words``), and only those."""
    from itertools import pairwise

    from audit.checks.duplication import _may_stutter

    pairs = list(pairwise(keys))
    repeated = len(set(keys)) < len(keys)
    expected = repeated if single_words else any(a == b for a, b in pairs) or len(set(pairs)) < len(pairs)
    assert _may_stutter(keys, single_words) == expected
