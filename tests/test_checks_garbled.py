"""Tests of the garbled-word checks (G501, G502) and the lexicon backends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.arabic.lexicon import (
    ArabicTokens,
    BuckwalterLexicon,
    CombinedLexicon,
    KeyedCache,
    WordFrequencies,
    WordList,
    arabic_tokens,
    load_frequencies,
    load_lexicon,
)
from audit.checks import check_classes
from audit.checks.base import ArticleContext, CheckSettings
from audit.checks.garbled import (
    ALPHABET,
    GarbledWordCheck,
    JoinedWordsCheck,
    derived_known,
    impossible_spelling,
    name_shape,
    segment_known,
    word_analyst,
)
from audit.glossary import load_glossary
from audit.model import Article, Category, Finding, Severity

lexicon = load_lexicon()
needs_lexicon = pytest.mark.skipif(not lexicon.available, reason="no Arabic lexicon installed")
needs_frequencies = pytest.mark.skipif(
    not lexicon.available or load_frequencies() is None, reason="no Arabic lexicon or word frequencies installed"
)


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


@needs_frequencies
def test_wrong_long_vowel_suggests_the_common_verb_form() -> None:
    text = "إن مدح المبعوث للرئيس الذي شوهدته الولايات المتحدة طويلا خصما يلفت الانتباه."
    assert run(GarbledWordCheck(), text)[0].suggestion == "شاهدته"


@needs_frequencies
@pytest.mark.parametrize(
    ("text", "garbled", "meant"),
    [
        ("وصل الوفد إلى العاصمة للمشاركة في الاجتماعع السنوي للمنظمة.", "الاجتماعع", "الاجتماع"),
        ("أكد المسؤولون أن التعاون بين البلدين سيستمر رغم الصعوباتت.", "الصعوباتت", "الصعوبات"),
        ("أعلنت وزارة الصحة أن عدد الإصابات في المدينة ارتفع خلال الأسبوع الماضيي.", "الماضيي", "الماضي"),
    ],
)
def test_doubled_letter_in_a_common_word_is_major(text: str, garbled: str, meant: str) -> None:
    findings = run(GarbledWordCheck(), text)
    assert [(f.text, f.suggestion, f.severity) for f in findings] == [(garbled, meant, Severity.MAJOR)]


@needs_frequencies
def test_names_seen_in_real_text_are_not_garbled() -> None:
    # Unknown to the lexicons, one slip from common words («هيكل», «جونز»), but names common in real text.
    text = "قال هيكس إن فريق كانساس سيلعب غدا في دنفر، وأضاف أن جونس سجل هدفين في المباراة الأخيرة."
    assert run(GarbledWordCheck(), text) == []


def test_without_frequencies_the_lexicons_still_find_slips(monkeypatch: pytest.MonkeyPatch) -> None:
    if not lexicon.available:
        pytest.skip("no Arabic lexicon installed")
    import audit.checks.garbled as garbled

    monkeypatch.setattr(garbled, "load_frequencies", lambda: None)
    text = "أعلنت الحكومة خطة جديدة للمدارس. وقالت الحكومة إن الخطة تشمل المدارش كلها."
    findings = run(GarbledWordCheck(), text)
    assert [(f.text, f.suggestion) for f in findings] == [("المدارش", "المدارس")]


@needs_frequencies
def test_preparing_a_large_batch_reads_the_tables_whole_and_changes_no_finding() -> None:
    text = "رفض زيلينسكي فكرة الاعتراف بجنرة القرم كجزء من روسيا، وقالت الحكومة إن الخطة تشمل المدارش كلها."
    before = run(GarbledWordCheck(), text)
    check = GarbledWordCheck()
    check.prepare_batch()
    analyst = word_analyst(lexicon)
    assert analyst.frequencies is not None
    assert getattr(analyst.frequencies.zipf_table, "_all", True) is not None  # the compiled table, read whole
    assert all(model._complete for model in analyst.shapes or ())
    assert run(check, text) == before


@needs_frequencies
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


@needs_frequencies
def test_run_of_many_words_is_segmented_into_common_words() -> None:
    text = "تعهدتكورياالشماليةفياجتماعمعمونهذاالشهر بتفكيك موقع للصواريخ."
    findings = run(JoinedWordsCheck(), text)
    assert [f.suggestion for f in findings] == ["تعهدت كوريا الشمالية في اجتماع مع مون هذا الشهر"]
    assert run(GarbledWordCheck(), text) == []


@needs_frequencies
def test_word_boundary_letters_split_a_word_from_a_name() -> None:
    # «ة» only ends a word and «إ» only starts one: «فريقإيبروكس» is «فريق» + the name «إيبروكس».
    findings = run(JoinedWordsCheck(), "وصل فريقإيبروكس إلى الملعب، وقالت صحيفةدي إن المباراة صعبة.")
    assert [(f.text, f.suggestion) for f in findings] == [("فريقإيبروكس", "فريق إيبروكس"), ("صحيفةدي", "صحيفة دي")]


@needs_frequencies
@pytest.mark.parametrize("name", ["ماكدول", "جولدسون", "لامونت", "هوفنهايم", "النيوكليوتيد"])
def test_names_made_of_word_like_pieces_are_not_runs(name: str) -> None:
    assert segment_known(name, lexicon) is None


@needs_frequencies
def test_two_words_fused_into_a_non_word_are_reported() -> None:
    text = "قال المتحدث إن الأمريكالثلاثة وصلوا إلى العاصمة أمس."
    findings = run(GarbledWordCheck(), text) + run(JoinedWordsCheck(), text)
    assert [f.text for f in findings] == ["الأمريكالثلاثة"]


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


def test_keyed_cache_computes_once_and_empties_when_full() -> None:
    calls: list[str] = []

    def compute(word: str) -> int:
        calls.append(word)
        return len(word)

    cache: KeyedCache[str, int] = KeyedCache(compute, limit=2)
    assert [cache["ab"], cache["ab"], cache["abc"]] == [2, 2, 3]
    assert calls == ["ab", "abc"]
    cache["abcd"]
    assert len(cache) == 1 and calls == ["ab", "abc", "abcd"]


def test_arabic_tokens_give_offsets_folded_forms_and_counts() -> None:
    text = "قالَ أحمد: «إلى اللقاء» — Hello إلى"
    tokens = arabic_tokens(text)
    assert isinstance(tokens, ArabicTokens)
    assert [text[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)] == tokens.raw
    assert tokens.raw == ["قالَ", "أحمد", "إلى", "اللقاء", "إلى"]
    assert tokens.folded == ["قال", "احمد", "الي", "اللقاء", "الي"]
    assert tokens.counts["الي"] == 2
    assert tokens.index_at(tokens.starts[2]) == 2
    assert arabic_tokens(text) is tokens  # remembered for callers without an article context
    known = CombinedLexicon([WordList("w", ["قال", "إلى"])])
    assert tokens.known(known) == [True, False, True, False, True]
    assert tokens.unknown(known) == [1, 3]


def test_word_frequencies_use_zipf_and_ignore_diacritics() -> None:
    frequencies = WordFrequencies({"كتاب": 1e-4, "قلم": 1e-6})
    assert frequencies.zipf("كتاب") == pytest.approx(5.0)
    assert frequencies.zipf("كِتَاب") == pytest.approx(5.0)
    assert frequencies.zipf("قلم") == pytest.approx(3.0)
    assert frequencies.zipf("كتلم") == 0.0


def test_word_analyst_weighs_slips_by_frequency() -> None:
    from audit.checks.garbled import WordAnalyst

    analyst = WordAnalyst(CombinedLexicon([WordList("w", ["كتاب"])]), WordFrequencies({"كتاب": 1e-4, "كتب": 1e-5}))
    corrections = analyst.corrections("كتتاب")
    assert corrections[0].word == "كتاب" and corrections[0].slip == "doubled"
    assert analyst.corrections("كتاب")[0].word == "كتب"  # one letter more than «كتب»
    assert analyst.plausibility("بكتاب") == pytest.approx(5.0 - 0.7)  # clitic + a common word


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
def test_analysts_are_shared_per_lexicon() -> None:
    assert word_analyst(lexicon) is word_analyst(lexicon)


@needs_lexicon
def test_derived_forms_of_known_words_are_accepted() -> None:
    assert derived_known("المناعية", lexicon)
    assert not derived_known("بجنرة", lexicon)


@needs_lexicon
def test_overlong_word_is_reported_without_a_correction_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 100,000-letter glued word once drove the correction search to tens of gigabytes."""
    from audit.checks.garbled import WordAnalyst

    def no_search(self: WordAnalyst, word: str) -> tuple[object, ...]:
        raise AssertionError(f"correction search on a {len(word)}-letter word")

    monkeypatch.setattr(WordAnalyst, "corrections", no_search)
    monkeypatch.setattr(WordAnalyst, "likely_corrections", no_search)
    monkeypatch.setattr(WordAnalyst, "fused", no_search)
    glued = "بتم" * 33_334
    findings = run(GarbledWordCheck(), f"قال المسؤول إن {glued} لن يتكرر.")
    [finding] = [f for f in findings if f.text == glued]
    assert finding.severity is Severity.MAJOR and finding.suggestion is None
    assert "too long" in finding.message
    monkeypatch.undo()
    shorter = run(GarbledWordCheck(CheckSettings(options={"max_letters": 10**6})), "كلمة " + "بتم" * 4)
    assert all("too long" not in f.message for f in shorter)


@needs_frequencies
@pytest.mark.parametrize("damaged", ["الثضماء", "بقخحدة", "يجقشها", "أحطخدك"])
def test_words_no_arabic_word_or_name_resembles_are_flagged(damaged: str) -> None:
    text = f"وقال المسؤول إن {damaged} كانت موضوع النقاش في الاجتماع الأخير للحكومة."
    [finding] = run(GarbledWordCheck(), text)
    assert finding.text == damaged


@needs_frequencies
def test_transliterated_names_keep_their_shape_protection() -> None:
    text = "التقى الوزير بنظيره سكرامنتو في العاصمة، وناقشا مع زيلينسكي وماكرون خطة السلام."
    assert run(GarbledWordCheck(), text) == []


@needs_frequencies
def test_word_split_in_two_is_joined_again() -> None:
    text = "أعلنت الحك ومة عن خطة جديدة لدعم المزارعين هذا العام."
    [finding] = run(GarbledWordCheck(), text)
    assert finding.text == "الحك ومة" and finding.suggestion == "الحكومة"
    assert finding.fix is not None


@needs_frequencies
def test_word_cut_short_is_completed() -> None:
    cut = word_analyst(lexicon).cut_short("تتجاو")
    assert cut is not None and cut.word == "تتجاوز" and cut.slip == "cut"
    assert word_analyst(lexicon).cut_short("قخحظ") is None


@needs_frequencies
def test_two_letter_half_of_a_split_word_is_joined() -> None:
    text = "أعلنت الجمع ية العامة للأمم المتحدة عن قرار جديد هذا الأسبوع."
    [finding] = run(GarbledWordCheck(), text)
    assert finding.text == "الجمع ية" and finding.suggestion == "الجمعية"


_LETTERS = "ابتدرسلمنويةىأ"


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text(_LETTERS, min_size=1, max_size=6), min_size=1, max_size=40),
    written=st.text(_LETTERS + "\u064e", min_size=1, max_size=7),
    scan=st.sampled_from([0, 1000]),
)
def test_near_word_indexed_and_scanned_agree_with_the_definition(words: list[str], written: str, scan: int) -> None:
    from audit.arabic.lexicon import fold
    from audit.checks.garbled import _Article

    text = " ".join(words)
    tokens = ArabicTokens(text)
    lexicon = CombinedLexicon([WordList("w", [])])
    article = _Article(
        ArticleContext(Article(id="t", text=text)),
        tokens,
        lexicon,
        tokens.unknown(lexicon),
        load_glossary(),
        word_analyst(CombinedLexicon([WordList("w", [])])),
        lambda word: False,
    )
    article.SCAN_WORDS = scan
    word = fold(written)
    same_allowed = re.fullmatch(f"[{ALPHABET}]+", written) is None

    def replaced(other: str) -> bool:  # one letter replaced, or none when the written word has other letters
        differences = sum(a != b for a, b in zip(other, word, strict=True))
        return differences == 1 or (differences == 0 and same_allowed)

    def added(other: str) -> bool:
        return any(other[:i] + other[i + 1 :] == word for i in range(len(other)))

    expected = any(
        (len(other) == len(word) and replaced(other)) or (len(other) == len(word) + 1 and added(other))
        for other in set(tokens.folded)
    )
    assert article.near_word(written) is expected


@needs_frequencies
def test_stored_analyses_restore_what_the_searches_find(tmp_path: Path) -> None:
    from audit.arabic.wordstore import open_records
    from audit.checks.garbled import WordAnalyst

    fresh = word_analyst(lexicon)
    words = ["ترامب", "كوفيد", "بوتين", "الفيروسات", "ويتكوف", "بايدن", "الاتحادالأوروبي"]
    common = [w for w in words if fresh.zipf(w) >= 2.0]
    assert common  # names seen in real text
    builder = WordAnalyst(lexicon, fresh.frequencies, fresh.shapes)
    store = open_records(tmp_path, "test-analyses", "d1", lambda: common, builder.record, "test analyses")
    assert store is not None and set(store.records(words)) == set(common)
    restored = WordAnalyst(lexicon, fresh.frequencies, fresh.shapes, stored=lambda: store)
    restored.prefill(words)
    assert set(restored._corrections) == set(common)  # only the stored words, taken from the store
    for word in words:
        assert restored.run_of_words(word) == fresh.run_of_words(word)
        assert restored.corrections(word) == fresh.corrections(word)
        assert restored.likely_corrections(word) == fresh.likely_corrections(word)
        assert restored.fused(word) == fresh.fused(word)
        assert restored.cut_short(word) == fresh.cut_short(word)
        assert restored.shape_features(word) == fresh.shape_features(word)
        assert restored.run_together(word) == fresh.run_together(word)


def test_a_damaged_word_store_is_built_again_or_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from audit.arabic.wordstore import WordRecords, open_records

    def build() -> WordRecords | None:
        return open_records(tmp_path, "s", "d1", lambda: ["ab", "cd"], lambda w: (w, 1.5), "test records")

    first = build()
    assert first is not None and first.records(["ab", "x"]) == {"ab": ("ab", 1.5)}
    first.path.write_bytes(b"not a database")
    assert first.records(["ab"]) == {}  # unreadable: the records are computed instead, with a note
    assert "unreadable" in capsys.readouterr().err
    again = build()  # rebuilt in place
    assert again is not None and again.records(["cd"]) == {"cd": ("cd", 1.5)}
    assert open_records(tmp_path / "file", "s", "d1", lambda: ["ab"], lambda w: 1 / 0, "test records") is None
