"""Tests of the news glossary: loading, validation and Arabic matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.glossary import Glossary, GlossaryEntry, load_glossary, normalize_arabic

SMALL = """
[[term]]
en = "Vladimir Putin"
ar = ["فلاديمير بوتين", "بوتين"]
kind = "person"
gender = "m"

[[term]]
en = "Kremlin"
ar = ["الكرملين"]
kind = "organisation"

[[term]]
en = "Crimea"
ar = ["شبه جزيرة القرم", "القرم"]
kind = "place"

[[term]]
en = "Ukrainian settlement"
ar = ["التسوية الأوكرانية"]
kind = "term"
variants = ["المستوطنة الأوكرانية"]

[[term]]
en = "Yulia Svyrydenko"
ar = ["يوليا سفيريدينكو", "سفيريدينكو"]
kind = "person"
gender = "f"
"""


@pytest.fixture
def small(tmp_path: Path) -> Glossary:
    path = tmp_path / "glossary.toml"
    path.write_text(SMALL, encoding="utf-8")
    return load_glossary(path)


def test_loads_entries_and_fields(small: Glossary) -> None:
    assert len(small.entries) == 5
    putin = small.by_english("vladimir putin")
    assert putin == GlossaryEntry("Vladimir Putin", ("فلاديمير بوتين", "بوتين"), "person", "m", ())
    assert putin.preferred == "فلاديمير بوتين"
    assert small.by_english("Svyrydenko") is not None  # unique surname
    assert small.by_english("Nobody") is None
    assert [p.en for p in small.persons()] == ["Vladimir Putin", "Yulia Svyrydenko"]


def test_find_arabic_handles_clitics_and_multiword_terms(small: Glossary) -> None:
    text = "وقال بوتين للكرملين إن وبشبه جزيرة القرم روسية، وبالقرم قاعدة."
    found = [(text[s:e], entry.en) for s, e, entry in small.find_arabic(text)]
    assert found == [
        ("بوتين", "Vladimir Putin"),
        ("كرملين", "Kremlin"),
        ("شبه جزيرة القرم", "Crimea"),
        ("القرم", "Crimea"),
    ]


def test_find_arabic_respects_word_boundaries(small: Glossary) -> None:
    # «بوتينات» is not «بوتين»; «القرمزي» (crimson) is not «القرم».
    assert small.find_arabic("بوتينات القرمزي") == []


def test_find_arabic_ignores_diacritics_and_reports_variants(small: Glossary) -> None:
    text = "بُوتِين ناقش المستوطنة الأوكرانية"
    found = small.find_arabic(text)
    assert [e.en for _, _, e in found] == ["Vladimir Putin", "Ukrainian settlement"]
    start, end, _ = found[0]
    assert text[start:end] == "بُوتِين"
    start, end, _ = found[1]
    assert small.is_variant(text[start:end])
    assert not small.is_variant("التسوية الأوكرانية")


def test_multiword_term_needs_only_spaces_between_words(small: Glossary) -> None:
    assert [e.en for _, _, e in small.find_arabic("شبه جزيرة، القرم")] == ["Crimea"]


def test_normalize_folds_hamza_alifs_and_final_letters() -> None:
    assert normalize_arabic("إسرائيلِيّة") == normalize_arabic("اسرائيليه")
    assert normalize_arabic("مستشفى") == "مستشفي"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[term]]\nar = ["x"]\nkind = "term"\n', "entry 1: 'en'"),
        ('[[term]]\nen = "A"\nkind = "term"\n', "entry 1 (A): 'ar' is missing"),
        ('[[term]]\nen = "A"\nar = ["ا"]\nkind = "planet"\n', "'kind' must be one of"),
        ('[[term]]\nen = "A"\nar = ["ا"]\nkind = "person"\n', "needs 'gender'"),
        ('[[term]]\nen = "A"\nar = ["ا"]\nkind = "place"\ngender = "m"\n', "only persons"),
        ('[[term]]\nen = "A"\nar = []\nkind = "term"\nx = 1\n', "unknown key"),
        ('[[term]]\nen = "A"\nar = ["ا"]\nkind = "term"\n[[term]]\nen = "a"\nar = ["ب"]\nkind = "term"\n', "entry 2"),
        ("[[term]\n", "not valid TOML"),
    ],
)
def test_malformed_glossary_names_file_and_entry(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.toml") as info:
        load_glossary(path)
    assert message in str(info.value)


def test_missing_explicit_glossary_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot read glossary"):
        load_glossary(tmp_path / "absent.toml")


def test_override_folder_without_a_glossary_keeps_the_bundled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = len(load_glossary())
    monkeypatch.setenv("AUDIT_REFERENCES", str(tmp_path))
    assert len(load_glossary()) == bundled > 0
    (tmp_path / "glossary.toml").write_text("", encoding="utf-8")
    assert len(load_glossary()) == 0


def test_shipped_glossary_is_valid_and_broad() -> None:
    glossary = load_glossary()
    kinds = {kind: sum(1 for e in glossary.entries if e.kind == kind) for kind in ("person", "place", "organisation")}
    assert len(glossary) >= 300
    assert all(count >= 50 for count in kinds.values())
    assert all(p.gender in ("m", "f") for p in glossary.persons())
    assert glossary.by_english("Volodymyr Zelensky") is not None
    assert glossary.is_variant("زيلنسكي")
    # No Arabic form is claimed by two different entries.
    owners: dict[str, str] = {}
    for entry in glossary.entries:
        for form in entry.ar:
            key = normalize_arabic(form)
            assert owners.setdefault(key, entry.en) == entry.en, (form, owners[key], entry.en)


def test_find_arabic_with_the_articles_tokens_matches_plain_search(small: Glossary) -> None:
    from audit.arabic.lexicon import ArabicTokens

    text = "قال بوتين للكرملين إن شبه جزيرة القرم روسية. وبالقرم قاعدة، والمستوطنة الأوكرانية موضوع آخر."
    fresh = Glossary(small.entries)  # no remembered results
    assert fresh.find_arabic(text, ArabicTokens(text)) == small.find_arabic(text)
    assert [e.en for _, _, e in fresh.find_arabic(text)] == [
        "Vladimir Putin",
        "Kremlin",
        "Crimea",
        "Crimea",
        "Ukrainian settlement",
    ]


def _ways_taking_words_apart(index: set[str], word: str) -> tuple[tuple[int, str], ...]:
    """The ways ``word`` can start a form whose first word is in ``index``, found by trying each clitic prefix on
    the word itself."""
    from audit.glossary import CLITIC_PREFIXES

    found = [(0, word)] if word in index else []
    for length in (1, 2, 3, 4):
        if len(word) - length < 2:
            break
        prefix, stem = word[:length], word[length:]
        if prefix in CLITIC_PREFIXES:
            if stem in index:
                found.append((length, stem))
            if prefix.endswith("لل") and "ال" + stem in index:
                found.append((length, "ال" + stem))
    return tuple(found)


def test_the_table_of_form_starts_agrees_with_taking_each_word_apart() -> None:
    glossary = load_glossary()
    starts = glossary._starts
    from audit.glossary import CLITIC_PREFIXES

    firsts = {normalize_arabic(form).split()[0] for entry in glossary.entries for form in (*entry.ar, *entry.variants)}
    words = {prefix + word[cut:] for word in firsts for prefix in ("", *CLITIC_PREFIXES) for cut in (0, 1, 2)}
    words |= {word[:-1] for word in firsts} | {"ل" + word for word in words}
    assert len(words) > 10_000
    for word in words:
        assert starts.get(word, ()) == _ways_taking_words_apart(firsts, word), word
    assert any(len(ways) > 1 for ways in starts.values())
