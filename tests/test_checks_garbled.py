"""Tests of the garbled-word checks (G501, G502) and the lexicon backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.checks import check_classes
from audit.checks.base import ArticleContext, CheckSettings
from audit.checks.garbled import GarbledWordCheck, JoinedWordsCheck, derived_known, impossible_spelling, name_shape
from audit.lexicon import BuckwalterLexicon, CombinedLexicon, WordList, load_lexicon
from audit.model import Article, Category, Finding, Severity

lexicon = load_lexicon()
needs_lexicon = pytest.mark.skipif(not lexicon.available, reason="no Arabic lexicon installed")


def run(check: GarbledWordCheck | JoinedWordsCheck, text: str, source: str | None = None) -> list[Finding]:
    return list(check.run(ArticleContext(Article(id="t", text=text, source=source))))


def test_registered() -> None:
    classes = check_classes()
    assert classes["G501"] is GarbledWordCheck
    assert classes["G502"] is JoinedWordsCheck


@needs_lexicon
def test_damaged_glossary_phrase_is_major_with_phrase_suggestion() -> None:
    text = "رفض الرئيس الأوكراني مرارا فكرة الاعتراف بجنرة القرم جزءا من روسيا."
    findings = run(GarbledWordCheck(), text)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.text == "بجنرة"
    assert finding.category is Category.GARBLED
    assert finding.severity is Severity.MAJOR
    assert finding.suggestion == "بشبه جزيرة القرم"
    assert finding.confidence is not None and finding.confidence >= 0.8


@needs_lexicon
def test_non_word_verb_form_is_flagged() -> None:
    text = "إن مدح المبعوث للرئيس الذي شوهدته الولايات المتحدة طويلا خصما يلفت الانتباه."
    findings = run(GarbledWordCheck(), text)
    assert [f.text for f in findings] == ["شوهدته"]
    assert findings[0].suggestion


@needs_lexicon
def test_word_damaged_against_the_article_vocabulary_is_major() -> None:
    text = (
        "أعلنت الحكومة خطة جديدة للمدارس. وقالت الحكومة إن الخطة تشمل المدارس كلها. "
        "وأكدت الحكومة أن الخطة ستبدأ العام المقبل في المدارس الحكومية."
    )
    garbled = text.replace("تشمل المدارس", "تشمل المدارش")
    findings = run(GarbledWordCheck(), garbled)
    assert [f.text for f in findings] == ["المدارش"]
    assert findings[0].suggestion == "المدارس"
    assert findings[0].severity is Severity.MAJOR


@needs_lexicon
def test_final_taa_marbuta_slip_is_minor() -> None:
    text = "أعلنت الحكومة خطة جديدة. وقالت الحكومة إن الخطة شاملة، لكن الحكومه لم تحدد الميزانية."
    findings = run(GarbledWordCheck(), text)
    assert [(f.text, f.severity) for f in findings] == [("الحكومه", Severity.MINOR)]


@needs_lexicon
def test_impossible_spelling_is_major() -> None:
    text = "وصل الوفد إلى العاصمة صباح اليوم لإجراء محادثاةت مع المسؤولين."
    findings = run(GarbledWordCheck(), text)
    assert [f.text for f in findings] == ["محادثاةت"]
    assert findings[0].severity is Severity.MAJOR


@needs_lexicon
@pytest.mark.parametrize(
    "text",
    [
        # Names: glossary, recurrence, name cues, transliteration shape, neighbouring unknown names.
        "أجرى المبعوث ستيف ويتكوف محادثات مع يوري أوشاكوف في موسكو.",
        "تقدمت القوات قرب كونستانتينيفكا وهوليايبولي، وقالت رئيسة الوزراء يوليا سفيريدينكو إن الوضع صعب.",
        "قال المدرب غارفيلد إن الفريق جاهز. وأضاف غارفيلد أن اللاعبين تدربوا جيدا، وأشاد غارفيلد بالجمهور.",
        "وصل الرئيس تاكوريني إلى العاصمة أمس.",
        "فاز المتسابق جوهانسبرينك بالسباق في مدينة لوتشيسترفيلد.",
    ],
)
def test_names_are_not_garbled(text: str) -> None:
    assert run(GarbledWordCheck(), text) == []


@needs_lexicon
def test_latin_name_in_english_original_protects_its_transliteration() -> None:
    text = "قال المتحدث إن بريكمور سيزور البلاد الشهر المقبل لبحث التعاون."
    source = "The spokesman said Brickmore will visit the country next month to discuss cooperation."
    assert run(GarbledWordCheck(), text, source=source) == []


@needs_lexicon
def test_clean_sentence_has_no_findings() -> None:
    text = "قالت وزارة الصحة إن عدد الإصابات تراجع خلال الأسبوع الماضي، وحثت المواطنين على الالتزام بالإجراءات."
    assert run(GarbledWordCheck(), text) == []
    assert run(JoinedWordsCheck(), text) == []


@needs_lexicon
def test_joined_words_split_with_suggestion() -> None:
    text = "وقالتإنه لن يحضر الاجتماع المقرر في العاصمة."
    findings = run(JoinedWordsCheck(), text)
    assert len(findings) == 1
    assert findings[0].text == "وقالتإنه"
    assert findings[0].suggestion == "وقالت إنه"
    assert findings[0].severity is Severity.MINOR
    assert run(GarbledWordCheck(), text) == []  # not also reported as a garbled word


@needs_lexicon
def test_severity_and_threshold_options() -> None:
    text = "إن مدح المبعوث للرئيس الذي شوهدته الولايات المتحدة طويلا خصما يلفت الانتباه."
    strict = GarbledWordCheck(CheckSettings(options={"min_confidence": 0.95}))
    assert run(strict, text) == []
    overridden = GarbledWordCheck(CheckSettings(severity=Severity.CRITICAL))
    assert [f.severity for f in run(overridden, text)] == [Severity.CRITICAL]


def test_missing_lexicon_gives_one_info_note(monkeypatch: pytest.MonkeyPatch) -> None:
    check = GarbledWordCheck()
    check._lexicon = CombinedLexicon([], notes=["Arabic lexicon 'aspell' unavailable (test)"])
    findings = run(check, "نص عربي قصير.")
    assert len(findings) == 1
    assert findings[0].severity is Severity.INFO
    assert findings[0].start == findings[0].end == 0


def test_unknown_backend_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown lexicon backend"):
        load_lexicon(("nonsense",))


def test_unavailable_backend_degrades_with_note(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        BuckwalterLexicon(tmp_path)


def test_combined_lexicon_accepts_when_any_backend_knows() -> None:
    combined = CombinedLexicon([WordList("a", ["كتاب"]), WordList("b", ["قلم"])])
    assert combined.knows("كتاب") and combined.knows("قلم")
    assert not combined.knows("كتلم")


def test_spelling_rules() -> None:
    assert impossible_spelling("محادثاةت")
    assert impossible_spelling("الالمدينة")
    assert impossible_spelling("بإمكان") is None
    assert impossible_spelling("مدرسة") is None
    assert impossible_spelling("الألباكا") is None


def test_name_shape_separates_transliterations_from_native_words() -> None:
    assert name_shape("كونستانتينيفكا") >= 0.5
    assert name_shape("أوشاكوف") >= 0.5
    assert name_shape("سفيريدينكو") >= 0.5
    assert name_shape("جنرة") < 0.5
    assert name_shape("مدرسة") < 0.5


@needs_lexicon
def test_derived_forms_of_known_words_are_accepted() -> None:
    assert derived_known("المناعية", lexicon)
    assert not derived_known("بجنرة", lexicon)
