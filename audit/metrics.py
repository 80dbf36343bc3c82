"""Reference-based metrics: sacrebleu's BLEU, chrF, chrF++ and TER (with their signatures) and jiwer's WER/CER.

Scores compare the audited Arabic with any number of re-translations at once (multi-reference), per
article (corpus statistics summed over the aligned segments, exactly as ``sacrebleu`` sums over lines)
and per segment. Texts are normalised first (:mod:`audit.normalize`); the normalisation is appended to
each signature (``|arnorm:diacritics+tatweel+digits``).

BLEU tokenizer: ``intl``. sacrebleu's default ``13a`` splits only ASCII punctuation, so «قال،» and «غداً؛»
stay one token glued to the Arabic comma and semicolon, and a hypothesis is punished for ``،`` vs ``,``
twice over (a missed word and a missed n-gram). ``intl`` splits every Unicode punctuation and symbol
character (، ؛ ؟ « » ٪), which is what Arabic needs; ``flores200``/``spm`` would need a SentencePiece model
downloaded at run time, which this tool never does. TER uses its own tercom tokenisation; chrF and chrF++
read characters and need none. WER and CER: WER over ``intl`` tokens (punctuation split off), CER over the
normalised characters, each against the closest reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from audit.normalize import NONE, Compose, normalizer

TOKENIZER = "intl"
METRIC_NAMES = ("bleu", "chrf", "chrf++", "ter")


@dataclass(frozen=True)
class Metrics:
    """The four sacrebleu metric objects, configured once."""

    bleu: Any
    sentence_bleu: Any
    chrf: Any
    chrfpp: Any
    ter: Any

    def by_name(self) -> dict[str, Any]:
        return {"bleu": self.bleu, "chrf": self.chrf, "chrf++": self.chrfpp, "ter": self.ter}


@lru_cache(maxsize=4)
def sacrebleu_metrics(tokenize: str = TOKENIZER) -> Metrics:
    from sacrebleu.metrics import BLEU, CHRF, TER

    return Metrics(
        bleu=BLEU(tokenize=tokenize),
        sentence_bleu=BLEU(tokenize=tokenize, effective_order=True),
        chrf=CHRF(),
        chrfpp=CHRF(word_order=2),
        ter=TER(),
    )


@lru_cache(maxsize=1)
def _word_tokenizer() -> Any:
    from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International

    return TokenizerV14International()


def signature(metric: Any, normalize: Compose) -> str:
    return f"{metric.get_signature()}|arnorm:{normalize.name}"


def _streams(references: Sequence[Sequence[str]], normalize: Compose) -> list[list[str]]:
    return [normalize.apply_all(stream) for stream in references]


def corpus_scores(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    normalize: Compose | None = None,
    tokenize: str = TOKENIZER,
) -> dict[str, dict[str, Any]]:
    """BLEU, chrF, chrF++ and TER of ``hypotheses`` against reference streams (one stream per re-translation).

    Each stream has one reference per hypothesis (an empty string where that reference has nothing).
    Returns ``{name: {"score", "signature"}}``.
    """
    normalize = normalizer() if normalize is None else normalize
    metrics = sacrebleu_metrics(tokenize)
    hyps = normalize.apply_all(hypotheses)
    refs = _streams(references, normalize)
    result: dict[str, dict[str, Any]] = {}
    for name, metric in metrics.by_name().items():
        score = metric.corpus_score(hyps, refs)
        result[name] = {"score": round(float(score.score), 2), "signature": signature(metric, normalize)}
    return result


def segment_scores(
    hypothesis: str,
    references: Sequence[str],
    normalize: Compose | None = None,
    tokenize: str = TOKENIZER,
) -> dict[str, Any]:
    """Sentence-level BLEU (effective order), chrF, chrF++, TER against all references; WER/CER against the closest.

    References that are empty are left out; with none left, only the hypothesis length is returned.
    """
    normalize = normalizer() if normalize is None else normalize
    hyp = normalize(hypothesis)
    refs = [normalize(r) for r in references if r.strip()]
    if not refs:
        return {}
    metrics = sacrebleu_metrics(tokenize)
    result: dict[str, Any] = {
        "bleu": round(float(metrics.sentence_bleu.sentence_score(hyp, refs).score), 2),
        "chrf": round(float(metrics.chrf.sentence_score(hyp, refs).score), 2),
        "chrf++": round(float(metrics.chrfpp.sentence_score(hyp, refs).score), 2),
        "ter": round(float(metrics.ter.sentence_score(hyp, refs).score), 2),
    }
    result.update(error_rates(hyp, refs))
    return result


@dataclass(frozen=True)
class ScoredSegments:
    """Corpus scores (normalised and raw) and per-segment scores from one pass over the segments."""

    corpus: dict[str, dict[str, Any]]
    corpus_raw: dict[str, dict[str, Any]]
    segments: list[dict[str, Any]]


def score_segments(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    normalize: Compose | None = None,
    tokenize: str = TOKENIZER,
) -> ScoredSegments:
    """What :func:`corpus_scores` (normalised and raw) and :func:`segment_scores` give, with the same numbers, at
    about the cost of one corpus pass.

    sacrebleu computes a corpus score from per-segment statistics, and a sentence score is the same statistics
    of one segment: each metric reads each segment once, and the raw pass reads again only the segments the
    normalisation changes. A segment with an empty reference is scored on its own (as :func:`segment_scores`
    leaves empty references out).
    """
    normalize = normalizer() if normalize is None else normalize
    metrics = sacrebleu_metrics(tokenize)
    named = metrics.by_name()
    hyps = normalize.apply_all(hypotheses)
    refs = _streams(references, normalize)
    stats = {name: metric._extract_corpus_statistics(hyps, refs) for name, metric in named.items()}
    signed = {name: metric.get_signature().format() for name, metric in named.items()}
    corpus = {name: _corpus_entry(named[name], stats[name], signed[name], normalize) for name in named}

    changed = [
        k
        for k, hyp in enumerate(hypotheses)
        if hyps[k] != hyp or any(refs[r][k] != references[r][k] for r in range(len(references)))
    ]
    raw_stats = {name: list(values) for name, values in stats.items()}
    if changed:
        sub_hyps = [hypotheses[k] for k in changed]
        sub_refs = [[stream[k] for k in changed] for stream in references]
        for name, metric in named.items():
            for k, value in zip(changed, metric._extract_corpus_statistics(sub_hyps, sub_refs), strict=True):
                raw_stats[name][k] = value
    corpus_raw = {name: _corpus_entry(named[name], raw_stats[name], signed[name], NONE) for name in named}

    segments: list[dict[str, Any]] = []
    for k, hyp in enumerate(hyps):
        segment_refs = [stream[k] for stream in refs]
        if not any(r.strip() for r in segment_refs):
            segments.append({})
            continue
        if not all(r.strip() for r in segment_refs):
            segments.append(segment_scores(hyp, segment_refs, NONE, tokenize))
            continue
        values = {
            "bleu": round(float(metrics.sentence_bleu._compute_score_from_stats(stats["bleu"][k]).score), 2),
            "chrf": round(float(metrics.chrf._compute_score_from_stats(stats["chrf"][k]).score), 2),
            "chrf++": round(float(metrics.chrfpp._compute_score_from_stats(stats["chrf++"][k]).score), 2),
            "ter": round(float(metrics.ter._compute_score_from_stats(stats["ter"][k]).score), 2),
        }
        values.update(error_rates(hyp, segment_refs))
        segments.append(values)
    return ScoredSegments(corpus, corpus_raw, segments)


def _corpus_entry(metric: Any, stats: list[Any], signed: str, normalize: Compose) -> dict[str, Any]:
    score = metric._aggregate_and_compute(stats)
    return {"score": round(float(score.score), 2), "signature": f"{signed}|arnorm:{normalize.name}"}


def error_rates(hypothesis: str, references: Sequence[str]) -> dict[str, float]:
    """jiwer WER (over ``intl`` tokens) and CER against the closest of ``references`` (lowest WER)."""
    import jiwer

    tokenizer = _word_tokenizer()
    hyp_words = tokenizer(hypothesis).split()
    best: tuple[float, float] | None = None
    for reference in references:
        ref_words = tokenizer(reference).split()
        if not ref_words:
            continue
        wer = jiwer.wer(" ".join(ref_words), " ".join(hyp_words)) if hyp_words else 1.0
        ref_chars = " ".join(reference.split())
        cer = jiwer.cer(ref_chars, " ".join(hypothesis.split())) if hypothesis.strip() else 1.0
        if best is None or wer < best[0]:
            best = (wer, cer)
    if best is None:
        return {}
    return {"wer": round(float(best[0]), 4), "cer": round(float(best[1]), 4)}


class ChrfTable:
    """Sentence chrF between any two texts of a set, both directions at once, each text's character n-grams
    extracted once (sacrebleu's extraction, match statistics and F-score, so the numbers are sacrebleu's).

    One table serves one article: its versions of a segment (the audited text, each re-translation) are compared
    with every other, and each is read once.
    """

    def __init__(self) -> None:
        self._chrf = sacrebleu_metrics().chrf
        self._ngrams: dict[str, list[Any]] = {}
        self._pairs: dict[tuple[str, str], tuple[float, float]] = {}

    def _grams(self, text: str) -> list[Any]:
        grams = self._ngrams.get(text)
        if grams is None:
            from sacrebleu.metrics.helpers import extract_all_char_ngrams

            chrf = self._chrf
            grams = extract_all_char_ngrams(chrf._preprocess_segment(text), chrf.char_order, chrf.whitespace)
            self._ngrams[text] = grams
        return grams

    def pair(self, a: str, b: str) -> tuple[float, float]:
        """chrF of ``a`` against ``b`` and of ``b`` against ``a`` (0 when either is empty)."""
        key = (a, b)
        found = self._pairs.get(key)
        if found is not None:
            return found
        if not a.strip() or not b.strip():
            return 0.0, 0.0
        forward: list[int] = []
        backward: list[int] = []
        for left, right in zip(self._grams(a), self._grams(b), strict=True):
            match, left_count = 0, 0
            for gram, count in left.items():
                left_count += count
                other = right.get(gram)
                if other:
                    match += count if count < other else other
            right_count = sum(right.values())
            forward += [left_count if right else 0, right_count, match]
            backward += [right_count if left else 0, left_count, match]
        found = (self._chrf._compute_f_score(forward), self._chrf._compute_f_score(backward))
        self._pairs[key] = found
        self._pairs[(b, a)] = (found[1], found[0])
        return found

    def chrf(self, hypothesis: str, reference: str) -> float:
        return self.pair(hypothesis, reference)[0]

    def symmetric(self, a: str, b: str) -> float:
        forward, backward = self.pair(a, b)
        return (forward + backward) / 2


@lru_cache(maxsize=100_000)
def chrf_pair(hypothesis: str, reference: str) -> float:
    """Sentence chrF of one text against one other (0 when either is empty).

    Remembered, as the same pairs of re-translations come back when several systems are audited in turn."""
    if not hypothesis.strip() or not reference.strip():
        return 0.0
    return float(sacrebleu_metrics().chrf.sentence_score(hypothesis, [reference]).score)


def signatures(normalize: Compose | None = None, tokenize: str = TOKENIZER) -> Mapping[str, str]:
    normalize = normalizer() if normalize is None else normalize
    return {name: signature(metric, normalize) for name, metric in sacrebleu_metrics(tokenize).by_name().items()}
