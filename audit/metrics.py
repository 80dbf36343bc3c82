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

from audit.normalize import Compose, normalizer

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


@lru_cache(maxsize=100_000)
def chrf_pair(hypothesis: str, reference: str) -> float:
    """Sentence chrF of one text against one other (0 when either is empty); used for engine agreement.

    Remembered, as the same pairs of re-translations come back when several systems are audited in turn."""
    if not hypothesis.strip() or not reference.strip():
        return 0.0
    return float(sacrebleu_metrics().chrf.sentence_score(hypothesis, [reference]).score)


def signatures(normalize: Compose | None = None, tokenize: str = TOKENIZER) -> Mapping[str, str]:
    normalize = normalizer() if normalize is None else normalize
    return {name: signature(metric, normalize) for name, metric in sacrebleu_metrics(tokenize).by_name().items()}
