"""Meaning traps: lost negation (M901) and calques (M902), and the data file behind them."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.arabic.orthography import FoldedText
from audit.checks import ArticleContext, CheckSettings
from audit.checks.traps import Calque, LostNegation, fold, load_traps, parse_traps
from audit.glossary import Glossary, load_glossary
from audit.model import Article, Category, Finding, Severity

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def run(check: LostNegation | Calque, text: str) -> list[Finding]:
    findings = list(check.run(ArticleContext(Article(id="t", text=text))))
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    return findings


def calque(**options: object) -> Calque:
    return Calque(CheckSettings(options={"defer_to_glossary": False, **options}))


# ------------------------------------------------------------------------------------------- folding


def test_fold_drops_marks_and_folds_letter_variants() -> None:
    assert fold("أبداً") == "ابدا"
    assert fold("مُطلقةٌ") == "مطلقه"
    assert fold("إلى") == "الي"


def test_folded_text_maps_spans_back_to_the_original() -> None:
    text = "قالَ إنَّ الصراعَ يجبُ ألّا يحدثَ أبداً."
    folded = FoldedText(text)
    start = folded.folded.index("ابدا")
    original_start, original_end = folded.span(start, start + 4)
    assert text[original_start:original_end] == "أبداً"


def test_folded_text_without_marks_is_the_identity_map() -> None:
    folded = FoldedText("نقطة فلاش")
    assert folded.span(0, 4) == (0, 4)
    assert folded.folded == "نقطه فلاش"


# ------------------------------------------------------------------------------------------- M901


def test_lost_negation_flags_never_without_negator_and_suggests_the_negation() -> None:
    text = 'وكتب ترامب أن الصراع "لا معنى له" و "يجب أن يحدث أبداً".'
    [finding] = run(LostNegation(), text)
    assert finding.check == "M901"
    assert finding.category is Category.MISTRANSLATION
    assert finding.severity is Severity.MAJOR
    assert finding.text == "يجب أن يحدث أبداً"
    assert finding.suggestion == "ما كان يجب أن يحدث أبداً"


def test_lost_negation_flags_the_adverb_alone_when_no_mechanical_fix() -> None:
    [finding] = run(LostNegation(), "وقال الوزير إن بلاده تتخلى أبدًا عن حقها.")
    assert finding.text == "أبدًا"
    assert finding.suggestion is None


@pytest.mark.parametrize(
    "text",
    [
        "لم يحدث ذلك أبداً من قبل.",
        "وأضاف: لن تتخلى بوليفيا أبدًا عن حقها.",
        "ولم أخفِ أبدًا أفكاري السياسية.",
        "وعد بعدم استخدام الجيش أبدًا ضد الشعب.",
        "نفى أن يكون قد التقاه مطلقاً.",
        "ليس هذا ما أريده إطلاقاً.",
        "سنبقى معاً دائماً وأبداً.",
        "هل زرت باريس أبداً؟",
        "أريد أن أبدأ العمل الآن.",
        "وصلت المساعدات فقط إلى الشمال.",
        "رُصدت الطفرة في قط الزباد.",
        "تستحق المضخة إطلاقًا جريئًا في الأسواق.",
        "هاجم المسلح المارة مطلقاً النار عشوائياً.",
        "لدي قط.",
        "أبداً.",
    ],
)
def test_lost_negation_leaves_negated_and_other_uses_alone(text: str) -> None:
    assert run(LostNegation(), text) == []


def test_lost_negation_window_is_an_option() -> None:
    text = "لم يكن هناك أي طبيب يزور القرية أبداً"
    assert run(LostNegation(), text) == []
    assert [f.text for f in run(LostNegation(CheckSettings(options={"window": 3})), text)] == ["أبداً"]


def test_lost_negation_clause_ends_at_a_comma() -> None:
    assert run(LostNegation(), "إنها ليست مهمة سهلة، لكنني أعتبر أبداً نفسي ناجحًا.")


# ------------------------------------------------------------------------------------------- M902


def test_calque_flags_flashpoint_with_the_accepted_rendering() -> None:
    [finding] = run(calque(), "أصبحت مسألة القرم نقطة فلاش خاصة.")
    assert (finding.check, finding.text, finding.suggestion) == ("M902", "نقطة فلاش", "بؤرة توتر")
    assert finding.category is Category.MISTRANSLATION
    assert "نقطة اشتعال" in (finding.evidence or "")


def test_calque_matches_through_diacritics_clitics_and_spacing() -> None:
    [finding] = run(calque(), "وبصُورةِ  البلياردو هذه التي وزعتها الوكالة")
    assert finding.text == "صُورةِ  البلياردو"


def test_calque_core_group_limits_the_span() -> None:
    [finding] = run(calque(), "وكتب ترامب على منصة الحقيقة الاجتماعية أن الحرب بلا معنى.")
    assert finding.text == "الحقيقة الاجتماعية"
    assert finding.suggestion == "تروث سوشيال"


def test_calque_severity_comes_from_the_entry() -> None:
    [finding] = run(calque(), "الديون هي الفيل في الغرفة.")
    assert finding.severity is Severity.MINOR


def test_accepted_calques_are_not_flagged_and_mask_overlapping_traps() -> None:
    assert run(calque(), "يعيش الرئيس مرحلة البطة العرجاء وكل الخيارات على الطاولة.") == []
    assert run(calque(), "قص الوزير الشريط الأحمر الحكومي إيذانا بافتتاح الجسر.") == []
    assert run(calque(), "وعدت الحكومة بتقليص الشريط الأحمر أمام المستثمرين.")


def test_calque_defers_to_glossary_variants_by_default() -> None:
    text = "أصبحت مسألة القرم نقطة فلاش خاصة."
    glossary_knows_it = any("نقطة فلاش" in variant for entry in _glossary().entries for variant in entry.variants)
    assert bool(run(Calque(), text)) is not glossary_knows_it
    assert run(calque(), text)


def _glossary() -> Glossary:
    return load_glossary()


def test_every_trap_example_behaves() -> None:
    """Each flagged example is found exactly once; no accepted example is flagged."""
    book = load_traps()
    check = calque()
    problems = []
    for trap in book.traps:
        assert trap.example, f"trap {trap.en!r} has no example"
        findings = run(check, trap.example)
        wrong = bool(findings) if trap.accepted else len(findings) != 1
        if wrong:
            problems.append((trap.en, [f.text for f in findings]))
    assert problems == []


def test_trap_file_is_rich_enough() -> None:
    book = load_traps()
    flagged = [t for t in book.traps if not t.accepted]
    assert len(flagged) >= 40
    assert len([t for t in book.traps if t.accepted]) >= 10
    assert all(t.good for t in flagged)
    assert len({t.en for t in book.traps}) == len(book.traps)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"trap": [{"en": "x", "ar": ["أ"], "good": ["ب"], "colour": 1}]}, "unknown key"),
        ({"trap": [{"en": "x", "regex": ["(unclosed"], "good": ["ب"]}]}, "invalid regex"),
        ({"trap": [{"en": "x", "ar": ["أ"]}]}, "needs at least one 'good'"),
        ({"trap": [{"en": "x", "good": ["ب"]}]}, "'ar' or 'regex'"),
        ({"trap": [{"en": "x", "ar": ["أ"], "good": ["ب"], "severity": "critical"}]}, "'severity'"),
        ({"negation": {"adverbs": []}}, "'adverbs' must not be empty"),
        ({"traps": []}, "unknown top-level"),
    ],
)
def test_trap_file_errors_name_the_entry(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        parse_traps(data, "traps.toml")
    assert "traps.toml" in str(error.value)


def test_anchors_select_the_patterns_to_try() -> None:
    book = parse_traps(
        {
            "negation": {"adverbs": ["أبدا"]},
            "trap": [
                {"en": "a", "regex": ["(?:خزان|دبابة) (?:ال)?فكر"], "good": ["مركز أبحاث"]},
                {"en": "b", "ar": ["نقطة فلاش"], "good": ["بؤرة توتر"]},
            ],
        },
        "t.toml",
    )
    found = [(trap.en, start, end) for start, end, trap in book.find(fold("أصدر خزان الفكر تقريراً، ونقطة فلاش"))]
    assert [en for en, _, _ in found] == ["a", "b"]


# ------------------------------------------------------------------------------------------- seeds


@pytest.mark.slow
@pytest.mark.skipif(not SEEDS.is_dir(), reason="no ../shared/seeds")
def test_seed_traps_are_flagged() -> None:
    texts = {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    negation = run(LostNegation(), texts["002"])
    assert {f.text for f in negation} == {"يجب أن يحدث أبداً"}
    calques = {f.text for name in texts for f in run(calque(), texts[name])}
    assert {"نقطة فلاش", "صورة البلياردو", "الحقيقة الاجتماعية", "متجر إعلامي"} <= calques


def test_a_pattern_is_tried_only_when_the_text_has_every_literal_it_needs() -> None:
    book = parse_traps(
        {"negation": {"adverbs": ["أبدا"]}, "trap": [{"en": "b", "ar": ["نقطة فلاش"], "good": ["بؤرة توتر"]}]},
        "t.toml",
    )
    assert list(book.find(fold("نقطة البداية وفلاشات الكاميرات"))) == []
    assert list(book.find(fold("في نقطة الفلاشة"))) == []
    assert [trap.en for _, _, trap in book.find(fold("أصبحت نقطة فلاش"))] == ["b"]


def test_the_article_words_find_what_the_folded_text_finds() -> None:
    """Calque.run gives find() the literals of the article's Arabic words; the calques found are those of the folded
    text alone."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from audit.arabic.lexicon import arabic_tokens

    book = load_traps()
    pieces = ["نقطة", "فلاش", "صورة", "البلياردو", "الحقيقة", "الاجتماعية", "نقطه", "ی", "ة", "\u064e", "ـ", "2", "a"]

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=12), st.sampled_from(["", " "]))
    def same(parts: list[str], separator: str) -> None:
        text = separator.join(parts)
        folded = FoldedText(text).folded
        words = {fold(word) for word in arabic_tokens(text).folded}
        literals = [literal for word in arabic_tokens(text).folded for literal in book.word_literals(fold(word))]
        assert list(book.find(folded, words)) == list(book.find(folded)) == list(book.find(folded, literals=literals))

    same()
