"""Alignment only where it is needed: segment-parallel versions are taken 1-1 without the dynamic programme or
the encoder; the encoder sees only disagreeing stretches, each distinct sentence once."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from align_samples import ARABIC, ARABIC_OTHER, ENGLISH

from audit.align import Link, SentenceEncoder, align, align_many, paragraph_numbers, stretches
from audit.metrics import ChrfTable, corpus_scores, score_segments, segment_scores
from audit.normalize import NONE, normalizer
from audit.text import Document


class CountingModel:
    """A stand-in for the sentence encoder's model that records what it is asked to encode."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, sentences: Sequence[str]) -> Any:
        self.calls.append(list(sentences))
        rng = np.random.default_rng(len(self.calls))
        vectors = rng.normal(size=(len(sentences), 8))
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def counting_encoder() -> tuple[SentenceEncoder, CountingModel]:
    model = CountingModel()
    return SentenceEncoder(load=lambda: model), model


def one_to_one(n: int) -> list[Link]:
    return [Link((i,), (i,)) for i in range(n)]


def align_paragraphs(source: str, target: str) -> tuple[list[str], list[str], list[Link], CountingModel]:
    """The two texts' sentences aligned paragraph by paragraph, and the model that saw what was encoded."""
    source_spans, target_spans = Document(source).sentences, Document(target).sentences
    source_sentences = [s.slice(source) for s in source_spans]
    target_sentences = [s.slice(target) for s in target_spans]
    encoder, model = counting_encoder()
    numbers = (paragraph_numbers(source, source_spans), paragraph_numbers(target, target_spans))
    links = align(source_sentences, target_sentences, embed=encoder, paragraphs=numbers)
    return source_sentences, target_sentences, links, model


def test_parallel_versions_need_no_encoder() -> None:
    encoder, model = counting_encoder()
    assert align(ARABIC_OTHER, ARABIC, embed=encoder) == one_to_one(5)
    assert align(ENGLISH, ARABIC, embed=encoder) == one_to_one(5)
    assert model.calls == []  # the model was not even loaded


def test_parallel_paragraphs_are_aligned_paragraph_by_paragraph() -> None:
    # One paragraph per line; the second paragraph has two sentences on one side and one on the other.
    source = "\n".join([ARABIC_OTHER[0], ARABIC_OTHER[1] + " " + ARABIC_OTHER[2], ARABIC_OTHER[3], ARABIC_OTHER[4]])
    target = "\n".join([ARABIC[0], ARABIC[1][:-1] + " و" + ARABIC[2], ARABIC[3], ARABIC[4]])
    source_sentences, target_sentences, links, model = align_paragraphs(source, target)
    assert len(source_sentences) == 5 and len(target_sentences) == 4
    assert links == [Link((0,), (0,)), Link((1, 2), (1,)), Link((3,), (2,)), Link((4,), (3,))]
    assert model.calls == []


def test_only_disagreeing_stretches_are_encoded_once_in_one_batch() -> None:
    # A long parallel run with one sentence missing in the middle of the target.
    source = [f"{s} ({k})" for k in range(4) for s in ARABIC_OTHER]
    target = [f"{s} ({k})" for k in range(4) for s in ARABIC]
    del target[10]
    encoder, model = counting_encoder()
    [links, again] = align_many([(source, target), (source, target)], embed=encoder)
    assert links == again
    assert Link((10,), ()) in links
    assert len(model.calls) == 1  # both problems' stretches in one batch
    encoded = model.calls[0]
    assert len(encoded) == len(set(encoded))  # each distinct sentence once
    assert len(encoded) < 16  # only the stretch around the gap, not the 39 sentences
    assert source[10] in encoded and source[0] not in encoded


def test_encoder_memory_belongs_to_the_instance() -> None:
    first, first_model = counting_encoder()
    first(["a", "b", "a"])
    first(["b", "c"])
    assert first_model.calls == [["a", "b"], ["c"]]
    assert first.encoded == 3
    second, second_model = counting_encoder()
    second(["a"])
    assert second_model.calls == [["a"]]


def test_walk_covers_both_sides_in_order() -> None:
    def agrees(i: int, j: int) -> bool:
        return i == j and i not in (3, 4)

    pieces = stretches(10, 10, agrees)
    parallel = [p.i0 for p in pieces if p.parallel]
    assert parallel == [0, 7, 8, 9]  # two pairs of margin on either side of the disagreement
    assert [(p.i0, p.i1) for p in pieces if not p.parallel] == [(1, 7)]
    assert pieces[0].i0 == 0 and pieces[-1].i1 == 10 and pieces[-1].j1 == 10
    for left, right in itertools.pairwise(pieces):
        assert left.i1 == right.i0 and left.j1 == right.j0


def assert_one_pass_equals_separate(hyps: list[str], refs: list[list[str]]) -> None:
    """score_segments gives what corpus_scores (normalised and raw) and segment_scores give."""
    scored = score_segments(hyps, refs, normalizer())
    assert scored.corpus == corpus_scores(hyps, refs, normalizer())
    assert scored.corpus_raw == corpus_scores(hyps, refs, NONE)
    for k, hyp in enumerate(hyps):
        assert scored.segments[k] == segment_scores(hyp, [stream[k] for stream in refs], normalizer())


def test_one_pass_scores_equal_the_separate_ones() -> None:
    hyps = ["قال الوزير، إن الخطة ستبدأ غداً؛ هل هي جاهزة؟", "ارتفعت الأسعار بنسبة ٥٪.", "جملة أخرى هنا."]
    refs = [
        ["قال الوزير إن الخطة ستبدأ غدا، فهل هي جاهزة؟", "ارتفعت الأسعار بنسبة 5 في المئة.", ""],
        ["أكد الوزير أن الخطة تبدأ غداً؛ هل هي جاهزة؟", "زادت الأسعار 5%.", "جملة أخرى."],
    ]
    assert_one_pass_equals_separate(hyps, refs)


def test_chrf_table_equals_sacrebleu_sentence_chrf() -> None:
    from audit.metrics import sacrebleu_metrics

    chrf = sacrebleu_metrics().chrf
    table = ChrfTable()
    texts = [*ARABIC, *ARABIC_OTHER, "", " ", "x"]
    for a in texts:
        for b in texts:
            expected = chrf.sentence_score(a, [b]).score if a.strip() and b.strip() else 0.0
            assert abs(table.chrf(a, b) - expected) < 1e-9


def _shuffled_versions(seed: int) -> list[tuple[str, list[str]]]:
    """Hypotheses and references that share words in other orders (shifts), repeat words, and leave one empty."""
    import random

    rng = random.Random(seed)
    words = " ".join([*ARABIC, *ARABIC_OTHER]).split()
    cases = []
    for _ in range(60):
        base = rng.sample(words, rng.randint(3, 14))
        hypothesis = base[:]
        rng.shuffle(hypothesis)
        hypothesis = hypothesis[: rng.randint(1, len(hypothesis))] + rng.sample(base, 2)
        references = [" ".join(rng.sample(base, len(base))) for _ in range(3)] + [" ".join(base), ""]
        cases.append((" ".join(hypothesis), references))
    return cases


def test_ter_table_equals_sacrebleu_ter_statistics() -> None:
    from audit.metrics import TerTable, sacrebleu_metrics

    ter = sacrebleu_metrics().ter
    table = TerTable(ter)  # one table for every case: patterns computed once are reused
    for hypothesis, references in _shuffled_versions(7):
        streams = [[r] for r in references]
        assert table.corpus_statistics([hypothesis], streams) == ter._extract_corpus_statistics([hypothesis], streams)
    hyps = [*ARABIC, ARABIC[0]]
    refs = [[*ARABIC_OTHER, ARABIC[0]], [*reversed(ARABIC), ""]]
    assert table.corpus_statistics(hyps, refs) == ter._extract_corpus_statistics(hyps, refs)


def test_chrf_table_statistics_equal_sacrebleu_chrf_and_chrfpp() -> None:
    from audit.metrics import sacrebleu_metrics

    metrics = sacrebleu_metrics()
    table = ChrfTable()
    cases = _shuffled_versions(11)
    hyps = [h for h, _ in cases]
    streams = [[refs[r] for _, refs in cases] for r in range(5)]
    for metric in (metrics.chrf, metrics.chrfpp):
        expected = metric._extract_corpus_statistics(hyps, streams)
        assert table.corpus_statistics(metric, hyps, [refs for _, refs in cases], 5) == expected


def test_one_pass_scores_equal_the_separate_ones_on_varied_segments() -> None:
    cases = _shuffled_versions(3)
    hyps = [h for h, _ in cases]
    refs = [[refs[r] for _, refs in cases] for r in range(5)]
    hyps[0] = "ارتفعت الأسعار بنسبة ٥٪ عامًا بعد عام."  # the normalisation changes this one
    refs[0][0] = "ارتفعت الأسعار بنسبة 5% عاما بعد عام."
    assert_one_pass_equals_separate(hyps, refs)


def test_a_paragraph_one_version_lengthened_is_aligned_within_its_pair() -> None:
    # Eight paragraphs of two or three sentences; the target's fourth paragraph has a long sentence added.
    added = "وأضاف المتحدث باسم الوزارة أن الحكومة ستعلن تفاصيل إضافية عن التمويل والجدول الزمني خلال الأسابيع المقبلة."
    left = [f"{ARABIC_OTHER[k % 5][:-1]} ({k})." for k in range(16)]
    right = [f"{ARABIC[k % 5][:-1]} ({k})." for k in range(16)]
    source = "\n".join(" ".join(left[k : k + 2]) for k in range(0, 16, 2))
    target = "\n".join(" ".join(right[k : k + 2]) + (" " + added if k == 6 else "") for k in range(0, 16, 2))
    source_sentences, target_sentences, links, model = align_paragraphs(source, target)
    assert len(source_sentences) == 16 and len(target_sentences) == 17
    expected = [Link((k,), (k,)) for k in range(8)] + [Link((), (8,))] + [Link((k,), (k + 1,)) for k in range(8, 16)]
    assert links == expected
    # Only the lengthened pair of paragraphs went to the encoder.
    assert sorted({s for call in model.calls for s in call}) == sorted([*source_sentences[6:8], *target_sentences[6:9]])


def test_error_rates_take_the_first_closest_reference() -> None:
    import jiwer

    from audit.metrics import _word_tokenizer, error_rates

    hypothesis = ARABIC[0]
    references = [ARABIC_OTHER[0], "", ARABIC[0], ARABIC[0] + " وقال", ARABIC[0]]
    assert error_rates(hypothesis, references) == {"wer": 0.0, "cer": 0.0}
    references = [ARABIC_OTHER[0], ARABIC[1], " ".join(reversed(ARABIC_OTHER[0].split())), ARABIC_OTHER[0]]
    found = error_rates(hypothesis, references)
    tokens = _word_tokenizer()
    wers = [jiwer.wer(tokens(r), tokens(hypothesis)) for r in references]  # every reference compared
    assert found["wer"] == round(min(wers), 4)
    closest = references[wers.index(min(wers))]
    assert found["cer"] == round(jiwer.cer(closest, hypothesis), 4)


def test_bleu_table_equals_sacrebleu_bleu_statistics() -> None:
    from audit.metrics import BleuTable, sacrebleu_metrics

    bleu = sacrebleu_metrics().bleu
    table = BleuTable(bleu)
    cases = _shuffled_versions(13)
    hyps = [h for h, _ in cases]
    streams = [[refs[r] for _, refs in cases] for r in range(5)]
    for _ in range(2):  # the second time from the remembered n-grams
        assert table.corpus_statistics(hyps, [refs for _, refs in cases], 5) == bleu._extract_corpus_statistics(
            hyps, streams
        )
