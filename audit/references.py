"""References for an article: loading them, and aligning the article with them once for every check.

Layout of a references folder (``audit check ARTICLES --references DIR``), top-level files only::

    DIR/<id>.en.txt            the English original of article <id>
    DIR/<id>.<name>.ar.txt     a re-translation of it named <name> (another engine, a human): any number

``<id>`` is the article id (the file stem of ``<id>.txt``, or the ``"id"`` of a JSONL record). JSONL records
may carry the same in ``"source"`` and ``"retranslations": {name: text}``; files add to (and, for the same
name, replace) what a record carries.

:func:`reference_view` aligns an article (its sentences) with its English original and with each
re-translation, then cuts the article into *segments*: runs of sentences that every alignment keeps
together, each with the English and re-translated text aligned to it. Sentences of a reference with
nothing aligned in the article are attached to the segment before them and listed as gaps. The view is
computed once per article and shared by the reference checks and the metrics analyzer.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit.align import Embedder, Link, SentenceEncoder, align_many, paragraph_numbers
from audit.inputs import DecodeError, Loaded, read_text_file
from audit.metrics import ChrfTable
from audit.model import Article, InputError
from audit.text import Document, Span

if TYPE_CHECKING:  # the checks import this module: no import of audit.checks at run time
    from audit.context import ArticleContext

SOURCE_SUFFIX = ".en.txt"
RETRANSLATION_SUFFIX = ".ar.txt"
_NAME_RE = re.compile(r"^[\w-]+$")
#: The name of the English original among an article's references (not a valid re-translation name).
SOURCE_KEY = "<source>"


class ReferenceError(Exception):
    """A references folder that cannot be used at all (missing, not a folder)."""


@dataclass(frozen=True)
class ReferenceFiles:
    """The files of one article in a references folder."""

    source: Path | None = None
    retranslations: Mapping[str, Path] = field(default_factory=dict)


def scan_references(directory: Path) -> dict[str, ReferenceFiles]:
    """Article id -> its reference files, from the top level of ``directory``."""
    if not directory.exists():
        raise ReferenceError(f"references folder not found: {directory}")
    if not directory.is_dir():
        raise ReferenceError(f"references path is not a folder: {directory}")
    sources: dict[str, Path] = {}
    retranslations: dict[str, dict[str, Path]] = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        name = path.name
        if name.endswith(SOURCE_SUFFIX) and len(name) > len(SOURCE_SUFFIX):
            sources[name[: -len(SOURCE_SUFFIX)]] = path
        elif name.endswith(RETRANSLATION_SUFFIX) and "." in name[: -len(RETRANSLATION_SUFFIX)]:
            article_id, label = name[: -len(RETRANSLATION_SUFFIX)].rsplit(".", 1)
            if article_id and _NAME_RE.match(label):
                retranslations.setdefault(article_id, {})[label] = path
    ids = sorted(set(sources) | set(retranslations))
    return {i: ReferenceFiles(sources.get(i), retranslations.get(i, {})) for i in ids}


def attach_references(
    loaded: Iterable[Loaded], directory: Path | Mapping[str, ReferenceFiles], encoding: str | None = None
) -> Iterator[Loaded]:
    """Articles with their references attached (from a folder, or an index made by :func:`scan_references`).

    An unreadable reference file becomes an input error for its article; the article is still audited with the
    references that could be read.
    """
    index = scan_references(directory) if isinstance(directory, Path) else directory
    for item in loaded:
        if isinstance(item, InputError):
            yield item
            continue
        files = index.get(item.id)
        if files is None:
            yield item
            continue
        source = item.source
        retranslations = dict(item.retranslations)
        problems: list[str] = []
        if files.source is not None:
            text = _read_reference(files.source, encoding, problems)
            source = text if text is not None else source
        for label, path in files.retranslations.items():
            text = _read_reference(path, encoding, problems)
            if text is not None:
                retranslations[label] = text
        yield dataclasses.replace(item, source=source, retranslations=retranslations)
        for problem in problems:
            yield InputError(id=item.id, path=item.path, message=problem)


def _read_reference(path: Path, encoding: str | None, problems: list[str]) -> str | None:
    try:
        return read_text_file(path, encoding)
    except (DecodeError, OSError) as exc:
        problems.append(f"reference file {path} cannot be read: {exc}")
        return None


# --- the aligned view of an article and its references ----------------------------------------------------


@dataclass(frozen=True)
class AlignmentSettings:
    """How articles are aligned with their references: ``embeddings`` is ``"auto"`` (when installed), on or off."""

    embeddings: str = "auto"


_default_settings = AlignmentSettings()


def configure(settings: AlignmentSettings) -> None:
    """Set how articles built without a configuration are aligned (library use and tests); an audit run
    always aligns as its configuration says."""
    global _default_settings
    _default_settings = settings


def settings_for(ctx: ArticleContext) -> AlignmentSettings:
    """How this article is aligned: from the run's configuration the context carries."""
    config = ctx.config
    return AlignmentSettings(embeddings=config.embeddings) if config is not None else _default_settings


def embedder(settings: AlignmentSettings) -> tuple[Embedder | None, str]:
    """The sentence embedder the settings ask for, and the name of the alignment method.

    The encoder is the process's one :class:`SentenceEncoder`: every article of a run shares its memory of
    encoded sentences (a re-translation aligned with several outputs is encoded once)."""
    if settings.embeddings in ("off", "false", "no"):
        return None, "length+anchors"
    try:
        return process_encoder(), "length+anchors+use-multilingual-v3"
    except ImportError:
        if settings.embeddings == "auto":
            return None, "length+anchors"
        raise


@lru_cache(maxsize=1)
def process_encoder() -> SentenceEncoder:
    """The sentence encoder of this process (``ImportError`` when the package is missing); its model is loaded
    at the first sentence that needs it."""
    return SentenceEncoder()


@dataclass(frozen=True)
class Segment:
    """A run of article sentences and the reference text aligned with it."""

    start: int
    end: int
    sentences: tuple[int, ...]
    source: str | None
    retranslations: Mapping[str, str]
    #: Reference sentences (by reference name, ``"source"`` for the English) with nothing aligned in the
    #: article, that come after this segment's text in that reference (not included in the texts above).
    gaps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class ReferenceView:
    """An article aligned with its English original and its re-translations."""

    def __init__(self, ctx: ArticleContext, settings: AlignmentSettings) -> None:
        self.ctx = ctx
        self.article: Article = ctx.article
        self.sentences: list[Span] = ctx.doc.sentences
        self.embed, self.method = embedder(settings)

    @cached_property
    def sentence_texts(self) -> list[str]:
        return [span.slice(self.ctx.text) for span in self.sentences]

    @cached_property
    def _source_split(self) -> tuple[list[str], list[int]]:
        source = self.article.source
        if not source:
            return [], []
        spans = Document(source).sentences
        return [span.slice(source) for span in spans], paragraph_numbers(source, spans)

    @cached_property
    def source_sentences(self) -> list[str]:
        return self._source_split[0]

    @cached_property
    def _retranslation_split(self) -> dict[str, tuple[list[str], list[int]]]:
        result = {}
        for label, text in sorted(self.article.retranslations.items()):
            spans = Document(text).sentences
            result[label] = ([span.slice(text) for span in spans], paragraph_numbers(text, spans))
        return result

    @cached_property
    def retranslation_sentences(self) -> dict[str, list[str]]:
        return {label: sentences for label, (sentences, _) in self._retranslation_split.items()}

    @cached_property
    def _links(self) -> tuple[list[Link], dict[str, list[Link]]]:
        """Every alignment of the article at once, so the sentences that need embeddings are encoded together."""
        labels = list(self.retranslation_sentences)
        own = paragraph_numbers(self.ctx.text, self.sentences)
        pairs = [(self.retranslation_sentences[label], self.sentence_texts) for label in labels]
        numbers = [(self._retranslation_split[label][1], own) for label in labels]
        if self.source_sentences:
            pairs.append((self.source_sentences, self.sentence_texts))
            numbers.append((self._source_split[1], own))
        found = align_many(pairs, embed=self.embed, paragraphs=numbers) if pairs else []
        source = found[len(labels)] if self.source_sentences else []
        return source, dict(zip(labels, found[: len(labels)], strict=True))

    @cached_property
    def source_links(self) -> list[Link]:
        """English sentences (link.source) aligned with article sentences (link.target)."""
        return self._links[0]

    @cached_property
    def retranslation_links(self) -> dict[str, list[Link]]:
        """Per re-translation: its sentences (link.source) aligned with article sentences (link.target)."""
        return self._links[1]

    @cached_property
    def segments(self) -> list[Segment]:
        alignments: dict[str, tuple[list[Link], list[str]]] = {}
        if self.source_sentences:
            alignments[SOURCE_KEY] = (self.source_links, self.source_sentences)
        for label, links in self.retranslation_links.items():
            alignments[label] = (links, self.retranslation_sentences[label])
        return build_segments(self.sentences, alignments)

    @cached_property
    def agreement(self) -> list[AgreementRow]:
        """Per segment: the closest re-translation, and how much the re-translations agree with each other."""
        return [segment_agreement(self.ctx.text[s.start : s.end], s, self.chrf) for s in self.segments]

    @cached_property
    def chrf(self) -> ChrfTable:
        """Sentence chrF between the versions of the article's segments, each version read once."""
        return ChrfTable()


@dataclass(frozen=True)
class AgreementRow:
    """How one segment of the article agrees with its re-translations (chrF, 0-100, both directions averaged)."""

    segment: Segment
    #: Highest chrF of the segment against one re-translation, and that re-translation's name.
    best: float | None
    closest: str
    #: Median chrF of the segment against the re-translations (robust to one engine that copies another).
    median: float | None
    #: Median chrF between two re-translations of the segment; None with fewer than two.
    mutual: float | None


def segment_agreement(text: str, segment: Segment, table: ChrfTable | None = None) -> AgreementRow:
    table = ChrfTable() if table is None else table
    texts = {name: t for name, t in segment.retranslations.items() if t.strip()}
    if not texts:
        return AgreementRow(segment, None, "", None, None)
    scores = {name: table.symmetric(text, t) for name, t in texts.items()}
    closest = max(scores, key=lambda name: scores[name])
    names = sorted(texts)
    pairs = [table.symmetric(texts[a], texts[b]) for i, a in enumerate(names) for b in names[i + 1 :]]
    median = statistics.median(scores.values())
    return AgreementRow(segment, scores[closest], closest, median, statistics.median(pairs) if pairs else None)


def build_segments(
    sentences: Sequence[Span], alignments: Mapping[str, tuple[Sequence[Link], Sequence[str]]]
) -> list[Segment]:
    """Cut the article into the finest runs of sentences that every alignment keeps whole.

    ``alignments`` maps a reference name (:data:`SOURCE_KEY` for the English original) to its links (reference
    sentences in ``link.source``, article sentences in ``link.target``) and its sentence texts.
    """
    count = len(sentences)
    if count == 0:
        return []
    # joined[k] is True when sentence k+1 must share a segment with sentence k.
    joined = [False] * max(count - 1, 0)
    for links, _ in alignments.values():
        for link in links:
            for k in link.target[:-1]:
                joined[k] = True
    segment_of = [0] * count
    bounds: list[list[int]] = [[0]]
    for k in range(1, count):
        if joined[k - 1]:
            bounds[-1].append(k)
        else:
            bounds.append([k])
        segment_of[k] = len(bounds) - 1
    texts: dict[str, list[list[str]]] = {name: [[] for _ in bounds] for name in alignments}
    gaps: dict[str, list[list[str]]] = {name: [[] for _ in bounds] for name in alignments}
    for name, (links, reference) in alignments.items():
        last_segment = 0
        for link in links:
            pieces = [reference[i] for i in link.source]
            if link.target:
                last_segment = segment_of[link.target[0]]
                texts[name][last_segment].extend(pieces)
            else:
                gaps[name][last_segment].extend(pieces)
    segments = []
    for index, members in enumerate(bounds):
        start, end = sentences[members[0]].start, sentences[members[-1]].end
        source = " ".join(texts[SOURCE_KEY][index]) if SOURCE_KEY in alignments else None
        retranslations = {name: " ".join(texts[name][index]) for name in alignments if name != SOURCE_KEY}
        segment_gaps = {name: tuple(gaps[name][index]) for name in alignments if gaps[name][index]}
        segments.append(Segment(start, end, tuple(members), source, retranslations, segment_gaps))
    return segments


def reference_view(ctx: ArticleContext) -> ReferenceView:
    """The article's aligned view, computed once per article context (in its memo: the view refers to the
    context, so a table keyed by the context would keep every article alive)."""
    return ctx.memo("reference-view", lambda c: ReferenceView(c, settings_for(c)))


def as_rows(segments: Sequence[Segment], metrics: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Alignment rows of the report: ``{"start", "end", "source", "retranslations", "metrics"}`` (+ ``"gaps"``)."""
    rows = []
    for segment, values in zip(segments, metrics, strict=True):
        row: dict[str, Any] = {
            "start": segment.start,
            "end": segment.end,
            "source": segment.source,
            "retranslations": dict(segment.retranslations),
            "metrics": dict(values),
        }
        if segment.gaps:
            row["gaps"] = {("source" if name == SOURCE_KEY else name): list(t) for name, t in segment.gaps.items()}
        rows.append(row)
    return rows
