"""The translators at work in the audit, before the checks run.

* Forward re-translation: the English original, sentence by sentence, into Arabic; the result becomes one
  more entry of ``article.retranslations`` (named ``mt:<model>``) for the reference-based comparison checks.
* Back-translation: the audited Arabic, sentence by sentence, into English; the sentences and their
  back-translations go into ``article.meta["backtranslation"]``, where check T101 compares them with the
  English original.

Both directions translate the whole batch in one pass (segments of every article sorted by length), so
batches stay full, and go through the disk cache. Sentences too long for a model (over
:data:`MAX_UNIT_WORDS` words: scraped lines without punctuation) are cut at clause punctuation, or
between words, and their pieces' translations joined.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from audit.model import Article, InputError
from audit.text import WORD_RE, Document, Span
from audit.translate.base import Translator
from audit.translate.settings import TranslateSettings

FORWARD_PREFIX = "mt:"
META_KEY = "backtranslation"
MAX_UNIT_WORDS = 100
_CHUNK = 256
_CLAUSE_END_RE = re.compile(r"[،,؛;:](?=\s)")


@dataclass(frozen=True)
class BackTranslation:
    """The audited text's sentences (character spans) and their English back-translations."""

    model: str
    segments: tuple[tuple[int, int, str], ...]

    def to_meta(self) -> dict[str, Any]:
        return {"model": self.model, "segments": [list(segment) for segment in self.segments]}

    @classmethod
    def from_article(cls, article: Article) -> BackTranslation | None:
        """The back-translation stored in the article's meta, or ``None`` (absent or malformed)."""
        data = article.meta.get(META_KEY)
        if not isinstance(data, Mapping):
            return None
        segments = []
        for item in data.get("segments") or ():
            if not (isinstance(item, (list, tuple)) and len(item) == 3):
                return None
            start, end, english = item
            if not (isinstance(start, int) and isinstance(end, int) and isinstance(english, str)):
                return None
            if not 0 <= start <= end <= len(article.text):
                return None
            segments.append((start, end, english))
        return cls(model=str(data.get("model", "")), segments=tuple(segments))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def split_long(text: str, start: int, end: int, max_words: int = MAX_UNIT_WORDS) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``max_words`` words, cut after clause punctuation when possible."""
    words = [(m.start(), m.end()) for m in WORD_RE.finditer(text, start, end)]
    if len(words) <= max_words:
        return [(start, end)]
    bounds = [start, *(m.end() for m in _CLAUSE_END_RE.finditer(text, start, end)), end]
    blocks: list[tuple[int, int]] = []  # (start, words) of each clause; a clause over the limit cut between words
    index = 0
    for right in bounds[1:]:
        inside = []
        while index < len(words) and words[index][0] < right:
            inside.append(words[index])
            index += 1
        for first in range(0, len(inside), max_words):
            blocks.append((inside[first][0], len(inside[first : first + max_words])))
    pieces: list[tuple[int, int]] = []
    current_start, current_words = start, 0
    for left, count in blocks:
        if current_words and current_words + count > max_words:
            pieces.append((current_start, left))
            current_start, current_words = left, 0
        current_words += count
    pieces.append((current_start, end))
    return [span for span in (_trimmed(text, a, b) for a, b in pieces) if span is not None]


def _units(text: str, spans: Sequence[Span]) -> list[list[tuple[int, int]]]:
    return [split_long(text, span.start, span.end) for span in spans]


def translate_all(translator: Translator, texts: Sequence[str], label: str) -> list[str]:
    """Translate many segments in chunks of similar length, with a progress bar on a terminal."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    results = [""] * len(texts)
    chunks = [order[i : i + _CHUNK] for i in range(0, len(order), _CHUNK)]
    progress: Any = None
    if len(chunks) > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(total=len(texts), desc=label, unit="segment", file=sys.stderr, leave=False)
    for chunk in chunks:
        for index, translation in zip(chunk, translator.translate([texts[i] for i in chunk]), strict=True):
            results[index] = translation
        if progress is not None:
            progress.update(len(chunk))
    if progress is not None:
        progress.close()
    return results


def _translate_units(
    translator: Translator, jobs: Sequence[tuple[str, list[list[tuple[int, int]]]]], label: str
) -> list[list[str]]:
    """For each (text, units) job, the translation of every unit (its pieces' translations joined)."""
    texts = [text[a:b] for text, units in jobs for pieces in units for a, b in pieces]
    translated = iter(translate_all(translator, texts, label))
    return [[" ".join(next(translated) for _ in pieces).strip() for pieces in units] for _, units in jobs]


def retranslate(articles: Sequence[Article], translator: Translator) -> list[Article]:
    """Articles with an English original get ``retranslations["mt:<model>"]`` (kept if already there)."""
    name = f"{FORWARD_PREFIX}{translator.name}"
    chosen = [i for i, a in enumerate(articles) if a.source and name not in a.retranslations]
    jobs = []
    layouts: list[list[int]] = []  # sentences per paragraph, to rebuild the text's paragraphs
    for i in chosen:
        doc = Document(articles[i].source or "")
        sentences = []
        layout = []
        for paragraph in doc.paragraphs:
            inside = [s for s in doc.sentences if paragraph.start <= s.start < paragraph.end]
            sentences.extend(inside)
            layout.append(len(inside))
        jobs.append((doc.text, _units(doc.text, sentences)))
        layouts.append(layout)
    result = list(articles)
    for i, translated, layout in zip(chosen, _translate_units(translator, jobs, "re-translate"), layouts, strict=True):
        lines, position = [], 0
        for count in layout:
            lines.append(" ".join(t for t in translated[position : position + count] if t))
            position += count
        text = "\n".join(lines) + "\n"
        result[i] = replace(result[i], retranslations={**result[i].retranslations, name: text})
    return result


def backtranslate(articles: Sequence[Article], translator: Translator) -> list[Article]:
    """Articles with an English original get their sentences' back-translations in ``meta["backtranslation"]``."""
    chosen = [i for i, a in enumerate(articles) if a.source]
    docs = {i: Document(articles[i].text) for i in chosen}
    jobs = [(articles[i].text, _units(articles[i].text, docs[i].sentences)) for i in chosen]
    result = list(articles)
    for i, translated in zip(chosen, _translate_units(translator, jobs, "back-translate"), strict=True):
        segments = tuple((s.start, s.end, t) for s, t in zip(docs[i].sentences, translated, strict=True))
        record = BackTranslation(model=translator.name, segments=segments)
        result[i] = replace(result[i], meta={**result[i].meta, META_KEY: record.to_meta()})
    return result


def translate_articles(
    items: Iterable[Article | InputError],
    forward: Translator | None = None,
    backward: Translator | None = None,
) -> list[Article | InputError]:
    """Re-translate and back-translate the articles of a loaded batch; input errors pass through in place."""
    loaded = list(items)
    positions = [i for i, item in enumerate(loaded) if isinstance(item, Article)]
    articles: list[Article] = [loaded[i] for i in positions]  # type: ignore[misc]
    if forward is not None:
        articles = retranslate(articles, forward)
    if backward is not None:
        articles = backtranslate(articles, backward)
    for i, article in zip(positions, articles, strict=True):
        loaded[i] = article
    return loaded


def translators(settings: TranslateSettings) -> tuple[Translator | None, Translator | None]:
    """The forward (English -> Arabic) and backward (Arabic -> English) translators the settings ask for."""
    from audit.translate import build_translator

    cache: Path | None = settings.cache_path()
    forward = backward = None
    if settings.retranslate_model:
        forward = build_translator(settings.spec(settings.retranslate_model, "en", "ar"), cache)
    if settings.backtranslate_model:
        backward = build_translator(settings.spec(settings.backtranslate_model, "ar", "en"), cache)
    return forward, backward


def translate_with_settings(
    items: Iterable[Article | InputError], values: Mapping[str, Any]
) -> Iterator[Article | InputError]:
    """What the command line runs: ``items`` unchanged without models, else translated as configured.

    Raises :class:`audit.translate.TranslationError` when a model cannot be used.
    """
    settings = TranslateSettings.from_mapping(values)
    if not settings.active:
        return iter(items)
    forward, backward = translators(settings)
    loaded = translate_articles(items, forward, backward)
    for translator, what in ((forward, "re-translated"), (backward, "back-translated")):
        hits, misses = getattr(translator, "hits", None), getattr(translator, "misses", None)
        if translator is not None and hits is not None:
            print(
                f"audit: {what} {hits + misses} segments with {translator.name} ({hits} from the cache)",
                file=sys.stderr,
            )
    return iter(loaded)
