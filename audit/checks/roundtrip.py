"""Check T101: where the back-translation of the audited Arabic drifts from the English original.

The back-translations come from a neural MT model run before the audit (``--backtranslate-model``, see
:mod:`audit.translate.roundtrip`); without one configured the check finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

from audit.checks.base import ArticleContext, Check, Option
from audit.model import Category, Finding, Severity

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
#: English function words (and reporting verbs), left out of the comparison: a shared frame such as
#: "The minister said the ..." would otherwise make a sentence about something else look close.
_FUNCTION_WORDS = """a an the this that these those it its he she they them their his her him we us our you your i me my
    is are was were be been being am has have had having do does did will would shall should can could may might
    must of in on at to for from by with about as into onto over under than then there here so such very also too
    just and or but nor if because while when where which who whom whose what how why not no all any both each
    few more most other some only own same said says say told tell according"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def content_words(text: str) -> str:
    """The words of ``text`` in lower case, function words left out, one space between them."""
    return " ".join(w for w in (m.group().lower() for m in _WORD_RE.finditer(text)) if w not in FUNCTION_WORDS)


@lru_cache(maxsize=1)
def _chrf() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF()


def drift_scores(back_translation: str, original: str) -> tuple[float, float]:
    """chrF (sacrebleu, 0-100) and WER (jiwer) of a back-translation against the original, on content words."""
    hypothesis, reference = content_words(back_translation), content_words(original)
    if not reference:
        return 100.0, 0.0
    if not hypothesis:
        return 0.0, 1.0
    import jiwer

    return float(_chrf().sentence_score(hypothesis, [reference]).score), float(jiwer.wer(reference, hypothesis))


_DIMENSIONS = 1 << 12
#: Share of every vector on one common axis: the cosine of two sentences without a shared word is then
#: 0.4, the level the aligner treats as "unrelated" (what multilingual sentence encoders give such pairs).
_COMMON = 0.4


def backtranslation_embedder(back_translations: Mapping[str, str]) -> Callable[[Sequence[str]], Any]:
    """Sentence vectors for :func:`audit.align.align` from the back-translations.

    An Arabic sentence is represented by its English back-translation, an English one by itself, as a
    hashed bag of content-word stems, so sentences of the original and back-translations that share
    words are drawn together; the cosine is 0.4 + 0.6 x (the stems' cosine), never below the aligner's
    baseline for unrelated sentences, so a sentence that drifted is not pushed out of its place.
    """
    import zlib

    import numpy as np

    def vector(sentence: str) -> Any:
        row = np.zeros(_DIMENSIONS + 1)
        for word in content_words(back_translations.get(sentence, sentence)).split():
            row[1 + zlib.crc32(word[:6].encode()) % _DIMENSIONS] += 1.0
        norm = float(np.linalg.norm(row))
        if norm > 0:
            row *= (1 - _COMMON) ** 0.5 / norm
        row[0] = _COMMON**0.5
        return row / float(np.linalg.norm(row))

    def embed(sentences: Sequence[str]) -> Any:
        return np.stack([vector(sentence) for sentence in sentences]) if sentences else np.zeros((0, _DIMENSIONS + 1))

    return embed


class BackTranslationDrift(Check):
    """Back-translating a sentence into English gives something far from the English original.

    The audited Arabic is translated back into English by a neural MT model (``--backtranslate-model``);
    each sentence, aligned with the English original, is compared with it by chrF (sacrebleu) and word
    error rate (jiwer) over content words, function words left out so that a shared frame ("The minister
    said the ...") cannot hide a changed claim. A back-translation as far from the original as an unrelated
    English sentence (content-word chrF under 20, nearly every word different) is a major mistranslation;
    a clearly distant one a minor one. One with far fewer words than the original is an omission. The
    back-translation is the evidence: read it beside the original, as the back-translating model errs too,
    and a free but faithful paraphrase can look distant.

    Bad: «وقال الوزير إن الطقس في العاصمة سيكون مشمسا غدا.» for "The minister said the talks with the rebels
    in Geneva were frank and useful." (back-translation "The minister said the weather in the capital would
    be sunny tomorrow."), or «وقال الوزير إن المحادثات.» (back-translation "The minister said the talks.").

    Good: «وقال الوزير إن المحادثات مع المتمردين في جنيف كانت صريحة ومفيدة.» (back-translation "The Minister
    said that talks with rebels in Geneva had been frank and helpful.")
    """

    code = "T101"
    name = "back-translation-drift"
    category = Category.MISTRANSLATION
    severity = Severity.MINOR
    requires = frozenset({"source"})
    options: ClassVar[Mapping[str, Option]] = {
        "min_words": Option(6, "skip English segments shorter than this many words (chrF is unstable on them)"),
        "minor_chrf": Option(30.0, "content-word chrF below this (with WER at or above minor_wer): minor drift"),
        "minor_wer": Option(0.75, "content-word WER at or above this (with chrF below minor_chrf): minor drift"),
        "major_chrf": Option(20.0, "content-word chrF below this (with WER at or above major_wer): major drift"),
        "major_wer": Option(0.9, "content-word WER at or above this (with chrF below major_chrf): major drift"),
        "minor_omission_ratio": Option(0.55, "back-translation words / original words below this: minor omission"),
        "major_omission_ratio": Option(0.35, "back-translation words / original words below this: major omission"),
    }

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        from audit.translate.roundtrip import BackTranslation  # machine translation only when an article has it

        record = BackTranslation.from_article(ctx.article)
        source_doc = ctx.source_doc
        if record is None or not record.segments or source_doc is None or not source_doc.sentences:
            return
        from audit.align import align

        originals = [span.slice(source_doc.text) for span in source_doc.sentences]
        segments = record.segments
        sentences = [ctx.text[start:end] for start, end, _ in segments]
        embed = backtranslation_embedder({ctx.text[start:end]: back for start, end, back in segments})
        links = align(originals, sentences, embed=embed)
        for link in links:
            if not link.source or not link.target:
                continue  # unaligned sentences are the alignment checks' business
            original = " ".join(originals[i] for i in link.source)
            back = " ".join(segments[j][2] for j in link.target).strip()
            finding = self._judge(ctx.text, segments[link.target[0]][0], segments[link.target[-1]][1], original, back)
            if finding is not None:
                yield finding

    def _judge(self, text: str, start: int, end: int, original: str, back: str) -> Finding | None:
        config = self.config
        original_words = len(_WORD_RE.findall(original))
        if original_words < config["min_words"]:
            return None
        back_words = len(_WORD_RE.findall(back))
        chrf, wer = drift_scores(back, original)
        ratio = back_words / original_words
        scores = f"content-word chrF {chrf:.1f}, WER {wer:.2f}"
        if ratio < config["minor_omission_ratio"]:
            severity = Severity.MAJOR if ratio < config["major_omission_ratio"] else Severity.MINOR
            category = Category.OMISSION
            message = (
                f"the back-translation has {back_words} words where the English original has {original_words} "
                f"({scores}): content seems to be missing"
            )
        elif chrf < config["minor_chrf"] and wer >= config["minor_wer"]:
            major = chrf < config["major_chrf"] and wer >= config["major_wer"]
            severity = Severity.MAJOR if major else Severity.MINOR
            category = Category.MISTRANSLATION
            message = f"the back-translation drifts from the English original ({scores})"
        else:
            return None
        shown = original if len(original) <= 300 else original[:297] + "..."
        return self.finding(
            text,
            start,
            end,
            message,
            suggestion=f"compare with the original: {shown}",
            severity=severity,
            category=category,
            evidence=back,
        )
