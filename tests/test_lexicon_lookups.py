"""Equivalence tests of the quicker look-ups of the garbled-word analysis: each gives what the plain way gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.arabic import compiled
from audit.arabic.lexicon import CombinedLexicon, WordFrequencies, WordList
from audit.checks.garbled import _MAX_PART, MISSING_SPACE, WordAnalyst, _one_letter_clitic, _strip_clitics

_FORMS = {
    "في": 1e-2,
    "من": 1e-2,
    "قال": 1e-4,
    "قالت": 1e-4,
    "إنه": 1e-4,
    "الحكومة": 1e-4,
    "حكومة": 1e-5,
    "كتاب": 1e-4,
    "كتب": 1e-5,
    "بالكتاب": 1e-6,
    "وزير": 1e-4,
    "مدينة": 1e-5,
    "ميكلسون": 1e-8,
    "الخارجية": 1e-5,
}
_LETTERS = "ابتثجحخدذرسشصطعغفقكلمنهويةىإأءو"
_words = st.lists(st.sampled_from([*_FORMS, *_LETTERS]), min_size=1, max_size=5).map("".join)


def _analyst() -> WordAnalyst:
    return WordAnalyst(CombinedLexicon([WordList("w", ["كتاب", "حكومة"])]), WordFrequencies(_FORMS))


def _plain_segment(analyst: WordAnalyst, word: str, minimum: int) -> tuple[str, ...] | None:
    """:meth:`WordAnalyst._segment` written plainly: every piece looked up, every start and end tried in turn."""
    n = len(word)
    assert analyst.frequencies is not None
    table = analyst.frequencies.existing(
        [word[a:b] for a in range(n) for b in range(a + minimum, min(n, a + _MAX_PART) + 1)]
    )
    heads = [word[:b] for b in range(minimum, min(n, _MAX_PART) + 1)]
    tails = [word[a:] for a in range(max(0, n - _MAX_PART), n - minimum + 1)]
    if not (any(h in table for h in heads) and any(t in table for t in tails)):
        return None
    best: list[tuple[float, int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0.0, 0, ())
    for start in range(n - minimum + 1):
        before = best[start]
        if before is None:
            continue
        for end in range(start + minimum, min(n, start + _MAX_PART) + 1):
            part = word[start:end]
            if part not in table:
                continue
            frequency, rare = analyst._part_value(part)
            if not frequency:
                continue
            score = before[0] + frequency - 9.0 + (MISSING_SPACE if start else 0.0) + (MISSING_SPACE if rare else 0.0)
            current = best[end]
            if current is None or score > current[0]:
                best[end] = (score, before[1] + rare, (*before[2], part))
    result = best[n]
    if result is None or len(result[2]) < 2:
        return None
    _score, rare_parts, parts = result
    if rare_parts and (len(parts) < 3 or 2 * rare_parts > len(parts) - rare_parts):
        return None
    return parts


@settings(max_examples=300, deadline=None)
@given(word=_words, minimum=st.sampled_from([2, 3]))
def test_segmentation_matches_the_plain_dynamic_programme(word: str, minimum: int) -> None:
    analyst = _analyst()
    assert analyst._segment(word, minimum) == _plain_segment(analyst, word, minimum)


@settings(max_examples=300, deadline=None)
@given(word=_words)
def test_analyst_frequencies_are_the_tables(word: str) -> None:
    analyst = _analyst()
    assert analyst.frequencies is not None
    for form in (word, word + "\u064e", word[1:]):
        assert analyst.zipf(form) == analyst.frequencies.zipf(form)


@settings(max_examples=500, deadline=None)
@given(word=st.text(alphabet="وفبكلالسم", max_size=7))
def test_one_letter_clitic_test_is_the_full_one(word: str) -> None:
    prefix, stem = _strip_clitics(word)
    quick = _one_letter_clitic(word)
    assert quick == (bool(prefix) and len(prefix) == 1)
    if quick:
        assert stem == word[1:]


_keys = st.text(alphabet="abcxyz", min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(
    table=st.dictionaries(_keys, st.lists(_keys, min_size=1, max_size=3), max_size=8),
    asked=st.lists(_keys, max_size=12),
    bulk_after=st.integers(1, 6),
)
def test_packed_maps_answer_as_the_dictionary(table: dict[str, list[str]], asked: list[str], bulk_after: int) -> None:
    packed = {key: compiled._ITEMS.join(values) for key, values in table.items()}
    expected = {key: tuple(values) for key, values in table.items()}
    queries: list[str] = []

    def query(key: str) -> str | None:
        queries.append(key)
        return packed.get(key)

    whole = compiled.PackedMap(dict(packed), fields=False)
    lazy = compiled.LazyPackedMap(query, lambda: dict(packed), fields=False, bulk_after=bulk_after)
    for key in asked:
        for mapping in (whole, lazy):
            assert mapping.get(key) == expected.get(key)
            assert (key in mapping) == (key in expected)
            assert mapping.get(key, ()) == expected.get(key, ())
            if key in expected:
                assert mapping[key] == expected[key]
    assert len(queries) == len(set(queries))  # each key asked of the store once at most
    assert dict(lazy.items()) == dict(whole.items()) == expected


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from([*_FORMS, "زيلينسكي", "وزيلينسكي", "كتلم", "بموسكو"]), max_size=12))
def test_unknown_words_of_the_glossary_lexicon_are_found_through_the_base_lexicon(words: list[str]) -> None:
    from audit.arabic.lexicon import ArabicTokens
    from audit.checks.garbled import GlossaryWords, _unknown_words

    base = CombinedLexicon([WordList("w", ["كتاب", "قال", "في"])])
    extended = CombinedLexicon([base, GlossaryWords(["زيلينسكي", "موسكو"])])
    tokens = ArabicTokens(" ".join(words))
    assert _unknown_words(tokens, extended, base) == ArabicTokens(tokens.text).unknown(extended)


@settings(max_examples=300, deadline=None)
@given(
    letters=st.lists(st.floats(min_value=-6.0, max_value=0.0, allow_subnormal=False), min_size=1, max_size=20),
    width=st.sampled_from([1, 2, 3]),
)
def test_least_plausible_spot_is_the_plain_minimum(letters: list[float], width: int) -> None:
    from audit.arabic.wordmodel import _worst

    if len(letters) <= width:
        expected = sum(letters) / len(letters)
    else:
        expected = min(sum(letters[i : i + width]) / width for i in range(len(letters) - width + 1))
    assert _worst(letters, width) == expected


@settings(max_examples=200, deadline=None)
@given(word=_words)
def test_letter_scores_are_those_of_each_window(word: str) -> None:
    from audit.arabic.wordmodel import END, PAD, WordModel, train

    rows = {gram: (logp, backoff) for gram, logp, backoff in train(list(_FORMS))}
    model = WordModel(lambda grams: {g: rows[g] for g in grams if g in rows})
    padded = PAD * (model.order - 1) + word + END
    windows = [padded[i - model.order + 1 : i + 1] for i in range(model.order - 1, len(padded))]
    assert model.letter_scores(word) == [model._letter(gram) for gram in windows]


def _plain_starts(glossary: object) -> dict[str, tuple[tuple[int, str], ...]]:
    """:meth:`Glossary._starts` built plainly: every prefix before every first word, one list per key."""
    from audit.glossary import CLITIC_PREFIXES

    index = glossary._by_first_word  # type: ignore[attr-defined]
    ways: dict[str, list[tuple[int, str]]] = {word: [(0, word)] for word in index}
    for length in sorted({len(prefix) for prefix in CLITIC_PREFIXES}):
        prefixes = [prefix for prefix in CLITIC_PREFIXES if len(prefix) == length]
        for prefix in prefixes:
            for word in index:
                if len(word) >= 2:
                    ways.setdefault(prefix + word, []).append((length, word))
        for prefix in prefixes:
            if prefix.endswith("لل"):
                for word in index:
                    if word.startswith("ال") and len(word) >= 4:
                        ways.setdefault(prefix + word[2:], []).append((length, word))
    return {word: tuple(found) for word, found in ways.items()}


@settings(max_examples=100, deadline=None)
@given(
    forms=st.lists(
        st.sampled_from(["الكرملين", "كرملين", "موسكو", "لموسكو", "البيت الأبيض", "بيت", "الأبيض", "ب"]), max_size=6
    )
)
def test_glossary_start_index_is_the_plain_one(forms: list[str]) -> None:
    from audit.glossary import Glossary, GlossaryEntry, load_glossary

    glossary = Glossary(tuple(GlossaryEntry(en=f"term {i}", ar=(form,), kind="place") for i, form in enumerate(forms)))
    for tested in (glossary, load_glossary()):
        assert list(tested._starts.items()) == list(_plain_starts(tested).items())


_TIES = """
from audit.arabic.lexicon import CombinedLexicon, WordFrequencies, WordList
from audit.checks.garbled import WordAnalyst
frequencies = WordFrequencies({"بيتمان": 1e-7, "بيثمان": 1e-6, "بينمان": 1e-6, "بييمان": 1e-6})
analyst = WordAnalyst(CombinedLexicon([WordList("w", [])]), frequencies)
print(" ".join(c.word for c in analyst.corrections("بيتمان")))
"""


def test_equally_likely_corrections_keep_one_order_whatever_the_hash_seed() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    orders = {
        subprocess.run(
            [sys.executable, "-c", _TIES],
            env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": root},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in range(1, 6)
    }
    assert orders == {"بيثمان بينمان بييمان"}  # the similar letters of «ت» in their group's order
