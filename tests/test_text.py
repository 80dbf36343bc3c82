"""Segmentation: paragraphs, sentences and words carry exact character offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from audit.text import Document, arabic_ratio, split_paragraphs


def test_paragraphs_are_non_empty_trimmed_lines() -> None:
    text = "\ufeff  العنوان  \n\n\nالفقرة الأولى.\r\nالفقرة الثانية\n   \n"
    spans = split_paragraphs(text)
    assert [s.slice(text) for s in spans] == ["\ufeff  العنوان".strip(), "الفقرة الأولى.", "الفقرة الثانية"]


def test_sentences_split_on_arabic_and_latin_punctuation_keeping_quotes() -> None:
    text = "قال الوزير: “المحادثات مفيدة.” وأضاف أنه متفائل؟ نعم! Then English. 3.5 مليون\n"
    doc = Document(text)
    sentences = [s.slice(text) for s in doc.sentences]
    assert sentences == [
        "قال الوزير: “المحادثات مفيدة.”",
        "وأضاف أنه متفائل؟",
        "نعم!",
        "Then English.",
        "3.5 مليون",
    ]


def test_words_include_arabic_with_diacritics_latin_and_digits() -> None:
    text = "قُتِلَ 12 شخصاً في Kyiv، و٣ آخرون."
    doc = Document(text)
    assert [w.slice(text) for w in doc.words] == ["قُتِلَ", "12", "شخصاً", "في", "Kyiv", "و٣", "آخرون"]
    assert doc.word_count == 7


def test_paragraph_of_finds_the_enclosing_paragraph() -> None:
    text = "أول\nثان طويل\n\nثالث"
    doc = Document(text)
    assert doc.paragraph_of(text.index("طويل")).slice(text) == "ثان طويل"  # type: ignore[union-attr]
    assert doc.paragraph_of(text.index("\n\n") + 1) is None


def test_arabic_ratio() -> None:
    assert arabic_ratio("Putin") == 0.0
    assert arabic_ratio("بوتين") == 1.0
    assert arabic_ratio("123 ،") == 1.0
    assert 0.4 < arabic_ratio("بوتين Putin") < 0.6


@given(st.text(alphabet=st.sampled_from(list('ab بت.؟!\n “”"')), max_size=200))
def test_every_span_slices_back_to_its_text(text: str) -> None:
    doc = Document(text)
    for span in [*doc.paragraphs, *doc.sentences, *doc.words]:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
    for sentence in doc.sentences:
        paragraph = doc.paragraph_of(sentence.start)
        assert paragraph is not None and paragraph.start <= sentence.start < sentence.end <= paragraph.end
