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

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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
    table: ChrfTable | None = None,
) -> ScoredSegments:
    """What :func:`corpus_scores` (normalised and raw) and :func:`segment_scores` give, with the same numbers, at
    about the cost of one corpus pass.

    sacrebleu computes a corpus score from per-segment statistics, and a sentence score is the same statistics
    of one segment: each statistic is computed once, from sacrebleu's own functions. chrF and chrF++ read the
    character n-grams of each distinct text once (``table``, shared with the engine-agreement check: pass the
    article's), TER computes each pattern of hypothesis and reference words once (:class:`TerTable`), and the
    raw pass reads again only the segments the normalisation changes. A segment with an empty reference is
    scored against the others (as :func:`segment_scores` leaves empty references out).
    """
    normalize = normalizer() if normalize is None else normalize
    table = ChrfTable() if table is None else table
    metrics = sacrebleu_metrics(tokenize)
    named = metrics.by_name()
    tables = _Tables(table, TerTable(metrics.ter), BleuTable(metrics.bleu))
    hyps = normalize.apply_all(hypotheses)
    refs = _streams(references, normalize)
    stats = _statistics(metrics, hyps, refs, tables)
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
        for name, values in _statistics(metrics, sub_hyps, sub_refs, tables).items():
            for k, value in zip(changed, values, strict=True):
                raw_stats[name][k] = value
    corpus_raw = {name: _corpus_entry(named[name], raw_stats[name], signed[name], NONE) for name in named}

    segments: list[dict[str, Any]] = []
    for k, hyp in enumerate(hyps):
        segment_refs = [stream[k] for stream in refs]
        present = [r for r in segment_refs if r.strip()]
        if not present:
            segments.append({})
            continue
        if len(present) == len(segment_refs):
            segment_stats = {name: stats[name][k] for name in named}
        else:
            alone = _statistics(metrics, [hyp], [[r] for r in present], tables)
            segment_stats = {name: found[0] for name, found in alone.items()}
        row: dict[str, Any] = {
            "bleu": round(float(metrics.sentence_bleu._compute_score_from_stats(segment_stats["bleu"]).score), 2),
            "chrf": round(float(metrics.chrf._compute_score_from_stats(segment_stats["chrf"]).score), 2),
            "chrf++": round(float(metrics.chrfpp._compute_score_from_stats(segment_stats["chrf++"]).score), 2),
            "ter": round(float(metrics.ter._compute_score_from_stats(segment_stats["ter"]).score), 2),
        }
        row.update(error_rates(hyp, present))
        segments.append(row)
    return ScoredSegments(corpus, corpus_raw, segments)


@dataclass(frozen=True)
class _Tables:
    """What one scoring pass remembers: n-grams and edit counts computed once for all the metrics."""

    chrf: ChrfTable
    ter: TerTable
    bleu: BleuTable


def _statistics(
    metrics: Metrics, hypotheses: Sequence[str], references: Sequence[Sequence[str]], tables: _Tables
) -> dict[str, list[Any]]:
    """Per-segment statistics of each metric, as ``metric._extract_corpus_statistics`` gives them."""
    count = len(references)
    per_segment = [[stream[k] for stream in references] for k in range(len(hypotheses))]
    return {
        "bleu": tables.bleu.corpus_statistics(hypotheses, per_segment, count),
        "chrf": tables.chrf.corpus_statistics(metrics.chrf, hypotheses, per_segment, count),
        "chrf++": tables.chrf.corpus_statistics(metrics.chrfpp, hypotheses, per_segment, count),
        "ter": tables.ter.corpus_statistics(hypotheses, references),
    }


def _corpus_entry(metric: Any, stats: list[Any], signed: str, normalize: Compose) -> dict[str, Any]:
    score = metric._aggregate_and_compute(stats)
    return {"score": round(float(score.score), 2), "signature": f"{signed}|arnorm:{normalize.name}"}


def _count_references(metric: Any, count: int) -> None:
    """Record the number of references in the metric's signature, as sacrebleu does when it reads them."""
    metric._cache_references([[""] for _ in range(count)])


class BleuTable:
    """sacrebleu's BLEU statistics of segments, each reference's word n-grams extracted once (sacrebleu's
    tokenisation and extraction), however many passes read it (normalised and raw texts, a segment scored again
    without its empty references)."""

    def __init__(self, bleu: Any) -> None:
        self._bleu = bleu
        self._ngrams: dict[str, tuple[Any, int]] = {}

    def _reference(self, text: str) -> tuple[Any, int]:
        found = self._ngrams.get(text)
        if found is None:
            from sacrebleu.metrics.helpers import extract_all_word_ngrams

            bleu = self._bleu
            found = extract_all_word_ngrams(bleu._preprocess_segment(text), 1, bleu.max_ngram_order)
            self._ngrams[text] = found
        return found

    def corpus_statistics(
        self, hypotheses: Sequence[str], references: Sequence[Sequence[str]], count: int
    ) -> list[list[int]]:
        """What ``BLEU._extract_corpus_statistics`` returns, with ``references`` given per hypothesis (``count`` of
        them each): the references' n-grams merged by highest count, as ``BLEU._extract_reference_info`` does."""
        bleu = self._bleu
        _count_references(bleu, count)
        stats = []
        for hypothesis, refs in zip(hypotheses, references, strict=True):
            merged: Counter[Any] = Counter()
            lengths = []
            for reference in refs:
                ngrams, length = self._reference(reference)
                lengths.append(length)
                if not merged:
                    merged.update(ngrams)
                    continue
                for ngram, number in ngrams.items():
                    if number > merged[ngram]:
                        merged[ngram] = number
            info = {"ref_ngrams": merged, "ref_lens": lengths}
            stats.append(bleu._compute_segment_statistics(bleu._preprocess_segment(hypothesis), info))
        return stats


class TerTable:
    """sacrebleu's TER statistics of segments, each pattern of hypothesis and reference words computed once.

    TER counts the edits (shifts, insertions, deletions, substitutions) that turn a hypothesis into a reference
    and compares words only for equality, so two pairs with the same pattern of equal words (a text and its
    normalised form when the normalisation merges none of their words; a reference two engines share) need the
    same edits: each pattern is computed once, by sacrebleu's ``translation_edit_rate``. A segment's statistics
    keep only the fewest edits over its references, and no reference can need fewer edits than the words it
    cannot match (the longer side's length minus the words both share), so references whose bound is no better
    than the best found are not computed: the statistics are exactly sacrebleu's.
    """

    def __init__(self, ter: Any) -> None:
        self._ter = ter
        self._edits: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}

    def corpus_statistics(self, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> list[list[float]]:
        """What ``TER._extract_corpus_statistics(hypotheses, references)`` returns."""
        ter = self._ter
        cached = ter._cache_references(references)  # sacrebleu's tokenisation; records the reference count
        return [
            self.segment_statistics(ter._preprocess_segment(hyp).split(), info["ref_words"])
            for hyp, info in zip(hypotheses, cached, strict=False)
        ]

    def segment_statistics(self, hypothesis: Sequence[str], references: Sequence[Sequence[str]]) -> list[float]:
        """``TER._compute_segment_statistics`` of tokenised words: ``[fewest edits, mean reference length]``."""
        counts = Counter(hypothesis)
        bounds = [_unmatched_words(counts, words) for words in references]
        best = int(1e16)
        for k in sorted(range(len(references)), key=bounds.__getitem__):
            if bounds[k] >= best:
                break
            edits = self._pair(hypothesis, references[k])
            if edits < best:
                best = edits
        return [best, sum(len(words) for words in references) / len(references)]

    def _pair(self, hypothesis: Sequence[str], reference: Sequence[str]) -> int:
        ids: dict[str, int] = {}
        key = (
            tuple(ids.setdefault(w, len(ids)) for w in hypothesis),
            tuple(ids.setdefault(w, len(ids)) for w in reference),
        )
        edits = self._edits.get(key)
        if edits is None:
            from sacrebleu.metrics.lib_ter import translation_edit_rate

            edits = int(translation_edit_rate(list(hypothesis), list(reference))[0])
            self._edits[key] = edits
        return edits


def _unmatched_words(hypothesis: Counter[str], reference: Sequence[str]) -> int:
    """The fewest edits (and word errors) between two texts' words: the longer side's length minus the words both
    share."""
    return max(hypothesis.total(), len(reference)) - sum((hypothesis & Counter(reference)).values())


def error_rates(hypothesis: str, references: Sequence[str]) -> dict[str, float]:
    """jiwer WER (over ``intl`` tokens) and CER against the closest of ``references`` (lowest WER, the first of
    equals).

    No reference can have a lower WER than the words it cannot match (:func:`_unmatched_words`) over its length,
    so references whose bound cannot beat the closest found are not compared.
    """
    import jiwer

    tokenizer = _word_tokenizer()
    hyp_tokens = tokenizer(hypothesis).split()
    hyp_words = " ".join(hyp_tokens)
    hyp_counts = Counter(hyp_tokens)
    candidates = []
    for index, reference in enumerate(references):
        ref_tokens = tokenizer(reference).split()
        if not ref_tokens:
            continue
        bound = _unmatched_words(hyp_counts, ref_tokens) / len(ref_tokens) if hyp_tokens else 1.0
        candidates.append((bound, index, " ".join(ref_tokens)))
    best: tuple[float, int] | None = None
    for bound, index, ref_words in sorted(candidates):
        if best is not None and (bound, index) > best:
            continue
        wer = jiwer.wer(ref_words, hyp_words) if hyp_words else 1.0
        if best is None or (wer, index) < best:
            best = (wer, index)
    if best is None:
        return {}
    wer, index = best
    closest = references[index]
    cer = jiwer.cer(" ".join(closest.split()), " ".join(hypothesis.split())) if hypothesis.strip() else 1.0
    return {"wer": round(float(wer), 4), "cer": round(float(cer), 4)}


class _Grams:
    """One text's n-gram counters (one per order), their totals, and the n-grams it has more than once."""

    __slots__ = ("counters", "repeated", "totals")

    def __init__(self, counters: list[Any]) -> None:
        self.counters = counters
        self.totals = [sum(counter.values()) for counter in counters]
        self.repeated = [{gram for gram, count in counter.items() if count > 1} for counter in counters]


class ChrfTable:
    """Sentence chrF (and chrF++) between any two texts of a set, both directions at once, each text's n-grams
    extracted once (sacrebleu's extraction, match statistics and F-score, so the numbers are sacrebleu's).

    One table serves one article: its versions of a segment (the audited text, each re-translation, and their
    normalised forms) are compared with every other, and each is read once, whether by the engine-agreement
    check, the reference score or the corpus and sentence metrics.
    """

    def __init__(self) -> None:
        metrics = sacrebleu_metrics()
        self._chrf = metrics.chrf
        self._chrfpp = metrics.chrfpp
        self._chars: dict[str, _Grams] = {}
        self._words: dict[str, _Grams] = {}
        self._char_stats: dict[tuple[str, str], list[int]] = {}
        self._word_stats: dict[tuple[str, str], list[int]] = {}
        self._pairs: dict[tuple[str, str], tuple[float, float]] = {}

    def _char_grams(self, text: str) -> _Grams:
        found = self._chars.get(text)
        if found is None:
            from sacrebleu.metrics.helpers import extract_all_char_ngrams

            chrf = self._chrf
            grams = extract_all_char_ngrams(chrf._preprocess_segment(text), chrf.char_order, chrf.whitespace)
            found = _Grams(grams)
            self._chars[text] = found
        return found

    def _word_grams(self, text: str) -> _Grams:
        found = self._words.get(text)
        if found is None:
            from sacrebleu.metrics.helpers import extract_word_ngrams

            chrfpp = self._chrfpp
            words = chrfpp._remove_punctuation(chrfpp._preprocess_segment(text))
            found = _Grams([extract_word_ngrams(words, n) for n in range(1, chrfpp.word_order + 1)])
            self._words[text] = found
        return found

    @staticmethod
    def _match(a: _Grams, b: _Grams) -> tuple[list[int], list[int]]:
        """sacrebleu's match statistics (``CHRF._get_match_statistics``) of ``a`` against ``b`` and of ``b``
        against ``a``, per order: the n-grams both have count once each, plus what those seen more than once on
        both sides add."""
        forward: list[int] = []
        backward: list[int] = []
        for left, left_count, left_repeated, right, right_count, right_repeated in zip(
            a.counters, a.totals, a.repeated, b.counters, b.totals, b.repeated, strict=True
        ):
            common = left.keys() & right.keys()
            match = len(common)
            if left_repeated and right_repeated:
                for gram in common & left_repeated & right_repeated:
                    x, y = left[gram], right[gram]
                    match += (x if x < y else y) - 1
            forward += [left_count if right else 0, right_count, match]
            backward += [right_count if left else 0, left_count, match]
        return forward, backward

    @classmethod
    def _statistics(
        cls,
        remembered: dict[tuple[str, str], list[int]],
        grams: Callable[[str], _Grams],
        hypothesis: str,
        reference: str,
    ) -> list[int]:
        """:meth:`_match` of the two texts' ``grams``, both directions remembered at once."""
        key = (hypothesis, reference)
        found = remembered.get(key)
        if found is None:
            found, other = cls._match(grams(hypothesis), grams(reference))
            remembered[key] = found
            remembered[(reference, hypothesis)] = other
        return found

    def char_statistics(self, hypothesis: str, reference: str) -> list[int]:
        """chrF match statistics of ``hypothesis`` against ``reference`` (character orders)."""
        return self._statistics(self._char_stats, self._char_grams, hypothesis, reference)

    def word_statistics(self, hypothesis: str, reference: str) -> list[int]:
        """chrF++'s word-order match statistics of ``hypothesis`` against ``reference``."""
        return self._statistics(self._word_stats, self._word_grams, hypothesis, reference)

    def segment_statistics(self, metric: Any, hypothesis: str, references: Sequence[str]) -> list[int]:
        """``CHRF._compute_segment_statistics`` for the table's chrF or chrF++: the statistics against the
        reference with the best F-score (the first of equals)."""
        best: list[int] = []
        best_score = -1.0
        for reference in references:
            stats = self.char_statistics(hypothesis, reference)
            if metric.word_order > 0:
                stats = stats + self.word_statistics(hypothesis, reference)
            score = metric._compute_f_score(stats)
            if score > best_score:
                best_score, best = score, stats
        return best

    def corpus_statistics(
        self, metric: Any, hypotheses: Sequence[str], references: Sequence[Sequence[str]], count: int
    ) -> list[list[int]]:
        """What ``metric._extract_corpus_statistics`` returns, with ``references`` given per hypothesis (``count``
        of them each)."""
        _count_references(metric, count)
        return [self.segment_statistics(metric, h, refs) for h, refs in zip(hypotheses, references, strict=True)]

    def pair(self, a: str, b: str) -> tuple[float, float]:
        """chrF of ``a`` against ``b`` and of ``b`` against ``a`` (0 when either is empty)."""
        key = (a, b)
        found = self._pairs.get(key)
        if found is not None:
            return found
        if not a.strip() or not b.strip():
            return 0.0, 0.0
        chrf = self._chrf
        found = (
            chrf._compute_f_score(self.char_statistics(a, b)),
            chrf._compute_f_score(self.char_statistics(b, a)),
        )
        self._pairs[key] = found
        self._pairs[(b, a)] = (found[1], found[0])
        return found

    def chrf(self, hypothesis: str, reference: str) -> float:
        return self.pair(hypothesis, reference)[0]

    def symmetric(self, a: str, b: str) -> float:
        forward, backward = self.pair(a, b)
        return (forward + backward) / 2


def signatures(normalize: Compose | None = None, tokenize: str = TOKENIZER) -> Mapping[str, str]:
    normalize = normalizer() if normalize is None else normalize
    return {name: signature(metric, normalize) for name, metric in sacrebleu_metrics(tokenize).by_name().items()}
