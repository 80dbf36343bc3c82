"""Reference-based checks R1xx (English original) and R2xx (re-translations), on small composed articles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import pytest

from audit.arabic.numbers import arabic_months, arabic_numbers
from audit.checks import ArticleContext
from audit.checks.base import AnyCheck, Check
from audit.checks.reference import (
    EngineDisagreement,
    RetranslationOmission,
    SourceAddition,
    SourceLengthRatio,
    SourceMonths,
    SourceNames,
    SourceNumbers,
    SourceOmission,
    english_months,
    english_numbers,
    name_candidates,
    name_rendered,
)
from audit.config import Config
from audit.engine import audit_batch
from audit.model import Article, Category, Finding, Severity

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def no_embeddings() -> None:
    from audit.references import AlignmentSettings, configure

    configure(AlignmentSettings(embeddings="off"))


def run(
    check: Check, text: str, source: str | None = None, retranslations: Mapping[str, str] | None = None
) -> list[Finding]:
    article = Article(id="t", text=text, source=source, retranslations=dict(retranslations or {}))
    ctx = ArticleContext(article)
    if not check.applies_to(ctx):
        return []
    findings = list(check.run(ctx))
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    return findings


# --- numbers ---------------------------------------------------------------------------------------------------

ENGLISH_FIRE = (
    "The fire destroyed 5,000 homes on Tuesday.\nOfficials said damage reached $3.5 million, or 12% of the budget."
)


@pytest.mark.parametrize(
    "arabic",
    [
        "دمر الحريق 5000 منزل يوم الثلاثاء.\nوقال المسؤولون إن الأضرار بلغت 3.5 مليون دولار، أي 12% من الميزانية.",
        "دمر الحريق ٥٬٠٠٠ منزل يوم الثلاثاء.\nوقال المسؤولون إن الأضرار بلغت ٣٫٥ مليون دولار، أي ١٢٪ من الميزانية.",
        "دمر الحريق خمسة آلاف منزل يوم الثلاثاء.\n"
        "وقال المسؤولون إن الأضرار بلغت 3,5 ملايين دولار، أي 12 في المئة من الميزانية.",
    ],
)
def test_numbers_in_any_arabic_form_match(arabic: str) -> None:
    assert run(SourceNumbers(), arabic, ENGLISH_FIRE) == []


def test_wrong_or_missing_numbers_are_found() -> None:
    arabic = "دمر الحريق 500 منزل يوم الثلاثاء.\nوقال المسؤولون إن الأضرار بلغت 3.5 مليار دولار من الميزانية."
    findings = run(SourceNumbers(), arabic, ENGLISH_FIRE)
    messages = [f.message for f in findings]
    assert len(findings) == 3
    assert "«5,000»" in messages[0] and "500" in messages[0]
    assert findings[0].text.startswith("دمر الحريق")
    assert any("«3.5 million»" in m for m in messages) and any("«12»" in m for m in messages)
    assert all(f.category is Category.NUMBER and f.severity is Severity.MAJOR for f in findings)


def test_english_numbers_skip_ordinals_decades_times_and_codes() -> None:
    text = "In the 1990s, the 21st G7 summit began at 10:30 and 3pm; F-35 jets flew 2.5bn miles in 2019."
    assert [(n.text, n.value) for n in english_numbers(text)] == [("2.5bn", 2.5e9), ("2019", 2019.0)]


def test_arabic_numbers_read_words_scales_and_separators() -> None:
    values = {n.value for n in arabic_numbers("بلغ عددهم خمسة وعشرين ألفا ثم ٣٫٥ مليون و١٬٢٠٠ شخص ومليوني دولار")}
    assert {25000.0, 3.5e6, 1200.0, 2e6} <= values
    assert {n.value for n in arabic_numbers("في سن الثالثة عشرة والرابعة")} >= {13.0, 4.0}


# --- months ----------------------------------------------------------------------------------------------------


def test_months_of_both_arabic_series_match() -> None:
    english = "The vote is due in March, after talks in January."
    assert run(SourceMonths(), "من المقرر إجراء التصويت في آذار بعد محادثات في كانون الثاني.", english) == []
    assert run(SourceMonths(), "من المقرر إجراء التصويت في مارس بعد محادثات في يناير.", english) == []


def test_a_different_month_is_a_mistranslation_and_a_missing_one_an_omission() -> None:
    english = "The vote is due in March."
    (wrong,) = run(SourceMonths(), "من المقرر إجراء التصويت في أبريل.", english)
    assert wrong.severity is Severity.MAJOR and wrong.category is Category.MISTRANSLATION
    (missing,) = run(SourceMonths(), "من المقرر إجراء التصويت قريبا.", english)
    assert missing.severity is Severity.MINOR and missing.category is Category.OMISSION


def test_may_is_a_month_only_in_a_date_context() -> None:
    assert english_months("Theresa May said prices may rise.") == []
    assert english_months("It opened in May and closed on 5 May.") == [(5, "May"), (5, "May")]
    assert arabic_months("في أيار ومايو وتشرين الأول") == [5, 5, 10]


# --- names -----------------------------------------------------------------------------------------------------


def test_transliterated_and_verbatim_names_are_rendered() -> None:
    assert name_rendered("Ushakov", "وقال يوري أوشاكوف إن المحادثات مفيدة")
    assert name_rendered("Zelensky", "حث الرئيس زيلينسكي الحلفاء")
    assert name_rendered("Baldwin", "وزوجها دان بالدوين")
    assert name_rendered("Greece", "نزاع مع اليونان المجاورة")
    assert name_rendered("Harvard", "في جامعةهارفارد")  # words run together
    assert name_rendered("MWPs", "إلى MWPs")
    assert not name_rendered("Ushakov", "وقال المساعد إن المحادثات مفيدة")


def test_name_candidates_skip_common_words_and_sentence_starts() -> None:
    text = "Officials met in Parliament. Yuri Ushakov said the Senate agreed. Then the officials left."
    names = [w for _, _, w in name_candidates(text)]
    assert "Ushakov" in names and "Yuri" not in names
    assert "Officials" not in names and "Then" not in names
    assert "Parliament" not in names and "Senate" not in names


def test_missing_name_is_found() -> None:
    english = "The aide, Yuri Ushakov, said the talks were useful."
    (finding,) = run(SourceNames(), "وقال المساعد إن المحادثات كانت مفيدة.", english)
    assert "Ushakov" in finding.message and finding.severity is Severity.MINOR
    assert run(SourceNames(), "وقال المساعد يوري أوشاكوف إن المحادثات كانت مفيدة.", english) == []


# --- omissions, additions, length ------------------------------------------------------------------------------

SOURCE = (
    "Talks between the two delegations ended in Geneva on Friday after three days.\n"
    "No agreement was reached on the border dispute, officials from both sides said.\n"
    "A new round of negotiations is planned for next month in Vienna.\n"
)
FULL = (
    "انتهت المحادثات بين الوفدين في جنيف يوم الجمعة بعد ثلاثة أيام.\n"
    "ولم يتم التوصل إلى اتفاق بشأن النزاع الحدودي، بحسب مسؤولين من الجانبين.\n"
    "ومن المقرر عقد جولة جديدة من المفاوضات الشهر المقبل في فيينا.\n"
)


def test_omitted_sentence_is_found() -> None:
    lines = FULL.splitlines()
    text = f"{lines[0]}\n{lines[2]}\n"
    (finding,) = run(SourceOmission(), text, SOURCE)
    assert "No agreement was reached" in finding.message
    assert finding.category is Category.OMISSION
    assert run(SourceOmission(), FULL, SOURCE) == []


def test_added_sentence_is_found() -> None:
    lines = FULL.splitlines()
    added = "وأكد المتحدث أن الحكومة ستعلن عن خطة جديدة لدعم المزارعين قبل نهاية الشهر المقبل."
    text = f"{lines[0]}\n{lines[1]}\n{added}\n{lines[2]}\n"
    (finding,) = run(SourceAddition(), text, SOURCE)
    assert finding.text == added and finding.category is Category.ADDITION
    assert run(SourceAddition(), FULL, SOURCE) == []


def test_added_residue_and_repeats_are_left_to_their_own_checks() -> None:
    lines = FULL.splitlines()
    residue = "اشترك الآن في نشرتنا البريدية اليومية لتصلك آخر الأخبار كل صباح."
    assert run(SourceAddition(), f"{lines[0]}\n{lines[1]}\n{residue}\n{lines[2]}\n", SOURCE) == []
    assert run(SourceAddition(), f"{lines[0]}\n{lines[1]}\n{lines[1]}\n{lines[2]}\n", SOURCE) == []


def test_length_ratio_anomaly() -> None:
    source = (
        "The finance minister, who took office in 2019 after a long career in banking, insurance and consulting "
        "across Europe and the Gulf, resigned on Monday.\n" + SOURCE
    )
    text = "استقال وزير المالية يوم الاثنين.\n" + FULL
    findings = run(SourceLengthRatio(), text, source)
    assert [f.text for f in findings] == ["استقال وزير المالية يوم الاثنين."]
    assert "of the length expected" in findings[0].message
    assert run(SourceLengthRatio(), FULL, SOURCE) == []


# --- re-translations -------------------------------------------------------------------------------------------

ENGINE_A = (
    "رفعت الحكومة الضريبة على الوقود بنسبة عشرة في المئة اعتبارا من الشهر المقبل.\n"
    "وقال وزير المالية إن القرار ضروري لخفض العجز في الموازنة العامة.\n"
)
ENGINE_B = (
    "رفعت الحكومة ضريبة الوقود بنسبة عشرة في المئة بدءا من الشهر المقبل.\n"
    "وقال وزير المالية إن هذا القرار ضروري لتقليص عجز الموازنة العامة.\n"
)


def test_engine_disagreement_suggests_the_closest_retranslation() -> None:
    text = (
        "ألغت السلطات جميع الرسوم المفروضة على السيارات المستوردة منذ العام الماضي.\n"
        "وقال وزير المالية إن القرار ضروري لخفض العجز في الموازنة العامة.\n"
    )
    (finding,) = run(EngineDisagreement(), text, retranslations={"a": ENGINE_A, "b": ENGINE_B})
    assert finding.text.startswith("ألغت السلطات")
    assert finding.suggestion == ENGINE_A.splitlines()[0]
    assert finding.category is Category.MISTRANSLATION and finding.severity is Severity.MAJOR
    assert run(EngineDisagreement(), ENGINE_A, retranslations={"b": ENGINE_B, "c": ENGINE_A}) == []
    assert run(EngineDisagreement(), text, retranslations={"a": ENGINE_A}) == []  # needs two to agree


def test_retranslation_omission() -> None:
    text = ENGINE_A.splitlines()[0] + "\n"
    (finding,) = run(RetranslationOmission(), text, retranslations={"a": ENGINE_A, "b": ENGINE_B})
    assert finding.suggestion == ENGINE_A.splitlines()[1]
    assert finding.severity is Severity.MAJOR
    (single,) = run(RetranslationOmission(), text, retranslations={"a": ENGINE_A})
    assert single.severity is Severity.MINOR
    assert run(RetranslationOmission(), ENGINE_B, retranslations={"a": ENGINE_A}) == []


def test_reference_checks_need_their_references() -> None:
    checks: list[AnyCheck] = [SourceNumbers(), SourceOmission(), EngineDisagreement(), RetranslationOmission()]
    assert all(check.requires for check in checks)
    assert run(SourceNumbers(), "دمر الحريق 500 منزل.") == []
    assert run(EngineDisagreement(), "نص.", source="Text.") == []


# --- false alarms on human translations ----------------------------------------------------------------------


@pytest.mark.slow
def test_number_check_false_alarms_on_ntrex_at_most_one_per_hundred_segments() -> None:
    folder = SHARED / "ntrex"
    if not folder.is_dir():
        pytest.skip("../shared/data is absent")
    english = (folder / "src.en.txt").read_text(encoding="utf-8").splitlines()
    arabic = (folder / "ref.ar.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[int]] = defaultdict(list)
    for line, doc in enumerate((folder / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()):
        docs[doc.split("\t")[0]].append(line)
    articles = [
        Article(id=d, text="\n".join(arabic[k] for k in ks), source="\n".join(english[k] for k in ks))
        for d, ks in docs.items()
    ]
    result = audit_batch(articles, Config(embeddings="off"), checks=[SourceNumbers()])
    assert not result.errors
    findings = sum(len(a.findings) for a in result.articles)
    assert findings / len(english) * 100 <= 1.0
