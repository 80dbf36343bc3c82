"""Tests of the consistency checks (C601 entity spelling, C602 across the batch, C603 glossary variants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.arabic.lexicon import load_frequencies, load_lexicon
from audit.arabic.transliteration import spelling_skeleton as skeleton
from audit.checks import check_classes
from audit.checks.base import ArticleContext
from audit.checks.consistency import (
    BatchEntitySpellingCheck,
    EntitySpellingCheck,
    GlossaryVariantCheck,
    Occurrence,
    closest_rendering,
    preferred_spelling,
)
from audit.glossary import load_glossary
from audit.model import Article, Category, Finding, Severity

needs_lexicon = pytest.mark.skipif(not load_lexicon().available, reason="no Arabic lexicon installed")


def context(text: str, name: str = "t") -> ArticleContext:
    return ArticleContext(Article(id=name, text=text))


def run(check: EntitySpellingCheck | GlossaryVariantCheck, text: str) -> list[Finding]:
    return list(check.run(context(text)))


@pytest.fixture
def no_glossary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run without the shipped glossary (an empty one in the override folder): the checks' main path."""
    (tmp_path / "glossary.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("AUDIT_REFERENCES", str(tmp_path))


def test_registered() -> None:
    classes = check_classes()
    assert classes["C601"] is EntitySpellingCheck
    assert classes["C602"] is BatchEntitySpellingCheck
    assert classes["C603"] is GlossaryVariantCheck


def test_skeleton_ignores_long_vowels_and_transliteration_letters() -> None:
    assert skeleton("زيلنسكي") == skeleton("زيلينسكي")
    assert skeleton("دميترييف") == skeleton("ديميترييف")
    assert skeleton("بيلغورود") == skeleton("بلجورود")
    assert skeleton("موسكو") != skeleton("مينسك")


@needs_lexicon
def test_name_spelled_two_ways_without_glossary(no_glossary: None) -> None:
    text = (
        "وصل المبعوث كاراباخوف إلى العاصمة يوم الاثنين. وقال كاراباخوف إن المحادثات بناءة. "
        "وأضاف كراباخوف أن جولة جديدة ستعقد قريبا، وأكد كاراباخوف أنه متفائل."
    )
    findings = run(EntitySpellingCheck(), text)
    assert [f.text for f in findings] == ["كراباخوف"]
    finding = findings[0]
    assert finding.suggestion == "كاراباخوف"
    assert finding.category is Category.INCONSISTENCY
    assert finding.severity is Severity.MINOR


@needs_lexicon
def test_clitic_prefixes_do_not_make_variants(no_glossary: None) -> None:
    text = "التقى ويتكوف الوزير، ثم غادر ويتكوف. وقال مصدر إن لويتكوف دورا كبيرا وإن وويتكوف سيعود."
    assert run(EntitySpellingCheck(), text) == []


@needs_lexicon
def test_adjective_and_country_are_not_variants(no_glossary: None) -> None:
    text = "قال مسؤول أوكراني إن أوكرانيا تريد السلام، وإن الجيش الأوكراني صامد في أوكرانيا."
    assert run(EntitySpellingCheck(), text) == []


@needs_lexicon
def test_glossary_confirmed_spelling_is_major() -> None:
    text = "قال زيلينسكي إن الوضع صعب. وأضاف زيلينسكي أن الدعم مهم، بينما طالب زيلينيسكي بالمزيد."
    findings = run(EntitySpellingCheck(), text)
    assert [f.text for f in findings] == ["زيلينيسكي"]
    assert findings[0].suggestion == "زيلينسكي"
    assert findings[0].severity is Severity.MAJOR


@needs_lexicon
def test_batch_spelling_difference_between_consistent_articles(no_glossary: None) -> None:
    first = context("التقى الوزير بالمبعوث كاراباخوف في موسكو، وقال كاراباخوف إن اللقاء مثمر.", "a")
    second = context("أعلن كاراباخوف أمس أنه سيزور كييف، وأكد كاراباخوف أن الزيارة مهمة.", "b")
    third = context("قال كراباخوف إن الاتفاق قريب، وأضاف كراباخوف أن الجانبين متفقان.", "c")
    found = list(BatchEntitySpellingCheck().run_batch([first, second, third]))
    assert [(index, f.text, f.suggestion) for index, f in found] == [(2, "كراباخوف", "كاراباخوف")]


def test_known_mistranslation_variant_is_major() -> None:
    text = "قال المتحدث إن الاجتماع تناول جوانب المستوطنة الأوكرانية."
    findings = run(GlossaryVariantCheck(), text)
    assert len(findings) == 1
    assert findings[0].text == "المستوطنة الأوكرانية"
    assert findings[0].suggestion == "التسوية الأوكرانية"
    assert findings[0].severity is Severity.MAJOR
    assert findings[0].category is Category.MISTRANSLATION


def test_term_rendered_two_ways_is_an_inconsistency() -> None:
    text = "تطرق الاجتماع إلى المستوطنة الأوكرانية. وقال الكرملين: موضوع الاجتماع جوانب التسوية الأوكرانية."
    findings = run(GlossaryVariantCheck(), text)
    assert [f.category for f in findings] == [Category.INCONSISTENCY]


def test_non_preferred_name_spelling_is_minor() -> None:
    text = "انتقد زيلنسكي روسيا."
    findings = run(GlossaryVariantCheck(), text)
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [("زيلنسكي", "زيلينسكي", Severity.MINOR)]


def test_closest_rendering_keeps_word_count() -> None:
    entry = load_glossary().by_english("Volodymyr Zelensky")
    assert entry is not None
    assert closest_rendering(entry, "زيلنسكي") == "زيلينسكي"
    assert closest_rendering(entry, "فولوديمير زيلنسكي") == "فولوديمير زيلينسكي"


@needs_lexicon
def test_glossary_prefers_its_earliest_rendering_over_an_accepted_variant() -> None:
    # «ترامب» and «ترمب» are both accepted renderings of Trump; mixing them is inconsistent, «ترامب» comes first.
    text = "قال الرئيس ترامب إن الاتفاق قريب. وأضاف ترامب أن المحادثات مثمرة، وأكد ترمب أنه متفائل."
    findings = run(EntitySpellingCheck(), text)
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [("ترمب", "ترامب", Severity.MAJOR)]


@needs_lexicon
def test_tie_goes_to_the_spelling_common_in_real_text(no_glossary: None) -> None:
    if load_frequencies() is None:
        pytest.skip("wordfreq is not installed")
    # One each: the spelling seen far more often in real Arabic text is the one to keep, wherever it comes.
    text = "قال المدرب غرايسن إن الفريق جاهز. وأضاف غرايسون أن اللاعبين تدربوا جيدا."
    findings = run(EntitySpellingCheck(), text)
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [("غرايسن", "غرايسون", Severity.MAJOR)]
    assert findings[0].evidence is not None and "wordfreq" in findings[0].evidence


@needs_lexicon
def test_clitic_is_split_off_a_spelling_variant_of_a_standalone_name(no_glossary: None) -> None:
    text = (
        "قال كاراباخوف إن المحادثات بناءة. وأضاف كاراباخوف أن جولة جديدة ستعقد، "
        "وقال مصدر مقرب من كاراباخوف إن لكراباخوف دورا كبيرا."
    )
    findings = run(EntitySpellingCheck(), text)
    assert [(f.text, f.suggestion) for f in findings] == [("كراباخوف", "كاراباخوف")]


def test_preferred_spelling_reports_its_evidence(no_glossary: None) -> None:
    glossary = load_glossary()
    first = Occurrence(0, 5, "ابجدي", None, "ابجدي")
    second = Occurrence(10, 15, "ابجادي", None, "ابجادي")
    forms = {"ابجدي": [first], "ابجادي": [second, second]}
    assert preferred_spelling(forms, {"ابجدي": 1, "ابجادي": 2}, glossary) == ("ابجادي", "majority")
