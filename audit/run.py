"""A streamed, resumable audit run and its output folder.

Articles are read lazily, audited in bounded chunks and each result is appended to ``results.jsonl`` (one
article a line, the article record of ``report.json``) as soon as it is scored. Batch checks keep what their
``collect`` step returned for each article on disk and add their findings in a final pass, which rewrites
``results.jsonl`` in input order. Memory does not grow with the batch: what batch checks collected, and the
articles, are also kept in memory for the final pass while they are small (:data:`HOLD_BYTES`), and read back from
disk beyond that.

The output folder holds, besides the reports:

* ``manifest.json``: the configuration signature, the tool version, the inputs and whether the run finished;
* ``results.jsonl``: the article records;
* ``.audit-run/``: the state ``--resume`` reads (the lock file, a fixed-size frame per audited article, the
  records before the batch pass, what batch checks collected, and each article with its findings).

A frame is written last, after everything it points at, and carries a checksum: a run killed at any moment
(SIGKILL included) leaves a prefix of valid frames, and ``--resume`` continues from it, skipping every
article already audited under the same configuration signature with the same content hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import socket
import struct
import sys
import time
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from audit import __version__
from audit.baseline import Baseline, gate_article
from audit.checks import ArticleContext
from audit.engine import (
    ArticleOutcome,
    ArticleResult,
    BatchFound,
    Executor,
    RunSpec,
    _ArticleOutput,
    batch_findings,
    chunks,
    config_signature,
    rescore,
)
from audit.inputs import RUN_STATE_DIR
from audit.model import Article, InputError

STATE_DIR = RUN_STATE_DIR
RESULTS = "results.jsonl"
MANIFEST = "manifest.json"
LOCK = "lock"
MANIFEST_SCHEMA = "audit-run/1"
# key digest, content digest, then (offset, length) of the record line, the details and the collected data,
# flags and a CRC of everything before it.
_FRAME = struct.Struct("<16s16sQIQIQII")
_FRAME_CRC = struct.Struct("<I")
FRAME_SIZE = _FRAME.size + _FRAME_CRC.size
_HAS_ERRORS = 1
#: The first byte of a zlib stream: details written compressed (the store now holds plain pickles, which start
#: with the pickle protocol byte 0x80).
_ZLIB_FIRST = b"x"
#: Up to how many bytes of pickled ``collect`` results and article text the store also keeps in memory (as
#: objects, about three times that), so that the batch pass of a batch that fits need not read them back.
HOLD_BYTES = 4 << 20
#: ``results.jsonl`` up to this size is parsed once, its records kept for the summary, the reports and the
#: terminal (with their lines and their report.json text, several times the file's size in memory); a larger one
#: is read again for each of them.
KEEP_RECORDS_BYTES = 2 << 20
#: An article record kept in memory as results.jsonl holds it, and its text in report.json (None when no
#: report.json is written or the records are no longer kept).
Kept = tuple[dict[str, Any], str | None]
#: The place in the order of an article that ran out of its time budget (removed before the batch pass).
_DROPPED = -2


class OutputBusy(Exception):
    """The output folder is in use by another run that is still alive."""


class OutputUnusable(Exception):
    """The output folder cannot be created or written."""


# --- lock ----------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """``.audit-run/lock``: the pid, host and start time of the run using the folder.

    A lock whose process is gone (same host, no such pid) is stale and taken over; a live one refuses.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.held = False
        self.stale: dict[str, Any] | None = None

    def acquire(self) -> None:
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is None:  # being written right now, or unreadable: give it a moment
                    time.sleep(0.2)
                    owner = self._owner()
                if owner is not None and self._is_live(owner):
                    started = owner.get("started", "?")
                    raise OutputBusy(
                        f"the output folder {self.path.parent.parent} is in use by another audit run "
                        f"(pid {owner.get('pid')} on {owner.get('host')}, started {started}); "
                        "wait for it to finish or choose another --output"
                    ) from None
                self.stale = owner
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                continue
            data = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            self.held = True
            return
        raise OutputBusy(f"cannot take the lock {self.path}: another run keeps taking it")

    def _owner(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def _is_live(owner: dict[str, Any]) -> bool:
        pid = owner.get("pid")
        if not isinstance(pid, int):
            return False
        if owner.get("host") != socket.gethostname():
            return True  # another machine's run: it cannot be checked, so it is respected
        return _alive(pid)

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self.held = False


# --- files written atomically ---------------------------------------------------------------------


def write_atomic(path: Path, text: str) -> None:
    """Write ``path`` through a temporary file in the same folder, renamed over it when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def article_keys(article: Article) -> tuple[bytes, bytes]:
    """(identity digest, content digest) of an article: what ``--resume`` matches."""
    key = hashlib.blake2b(f"{article.id}\0{article.path}".encode("utf-8", "surrogatepass"), digest_size=16).digest()
    # The text goes in as it is, after the rest as JSON and a NUL (which JSON text never holds).
    rest = json.dumps(
        [article.source, sorted(article.retranslations.items()), dict(article.meta)],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )
    content = hashlib.blake2b((rest + "\0").encode("utf-8", "surrogatepass"), digest_size=16)
    content.update(article.text.encode("utf-8", "surrogatepass"))
    return key, content.digest()


# --- the run's state --------------------------------------------------------------------------------


@dataclass
class Frame:
    key: bytes
    digest: bytes
    record: tuple[int, int]
    details: tuple[int, int]
    collected: tuple[int, int]
    flags: int


@dataclass(frozen=True)
class _Held:
    """What the batch pass reads of every article appended in this run (the article, what its checks found and
    collected, the collected data read when first asked for, its errors and word count; its flags), kept in memory
    while the run fits."""

    outcome: ArticleOutcome
    flags: int


class RunStore:
    """The append-only state of a run in ``.audit-run/`` and the streamed ``results.jsonl``.

    What batch checks collected from the articles appended in this run, their flags and the articles themselves are
    also kept in memory until they pass ``hold_bytes`` (the collected data pickled, the articles' characters); from
    then on, and for articles kept from an earlier run, they are read back from disk.
    """

    def __init__(self, output: Path, hold_bytes: int | None = None) -> None:
        self.output = output
        self.hold_bytes = HOLD_BYTES if hold_bytes is None else hold_bytes
        self.state = output / STATE_DIR
        self.frames_path = self.state / "frames.bin"
        self.records_path = self.state / "records.jsonl"
        self.details_path = self.state / "details.bin"
        self.collected_path = self.state / "collected.bin"
        self.results_path = output / RESULTS
        self.count = 0
        self.index: dict[bytes, int] = {}
        self._handles: dict[str, IO[bytes]] = {}
        self._sizes = {"records": 0, "details": 0, "collected": 0}
        self._readers: dict[str, IO[bytes]] = {}
        self._held: dict[int, _Held] | None = {}
        self._held_bytes = 0
        #: The article records appended in this run as written, each with its text in report.json, and their lines
        #: (while the lines fit in KEEP_RECORDS_BYTES).
        self._records: dict[int, tuple[Kept, bytes]] | None = {}
        self._records_bytes = 0

    # opening: afresh or from a valid prefix

    def reset(self) -> None:
        for path in (self.frames_path, self.records_path, self.details_path, self.collected_path):
            path.write_bytes(b"")
        self.results_path.write_bytes(b"")
        self.count = 0
        self.index = {}
        self._sizes = {"records": 0, "details": 0, "collected": 0}
        self._held, self._held_bytes = {}, 0
        self._records, self._records_bytes = {}, 0

    def recover(self) -> int:
        """Keep the longest valid prefix of frames (and of the files they point at); returns its length."""
        paths = (self.frames_path, self.records_path, self.details_path, self.collected_path)
        if not all(p.is_file() for p in paths):
            self.reset()
            return 0
        sizes = {
            "records": self.records_path.stat().st_size,
            "details": self.details_path.stat().st_size,
            "collected": self.collected_path.stat().st_size,
        }
        valid = 0
        ends = {"records": 0, "details": 0, "collected": 0}
        index: dict[bytes, int] = {}
        with self.frames_path.open("rb") as handle:
            while True:
                raw = handle.read(FRAME_SIZE)
                if len(raw) < FRAME_SIZE:
                    break
                frame = _decode_frame(raw)
                if frame is None:
                    break
                extents = {"records": frame.record, "details": frame.details, "collected": frame.collected}
                if any(offset + length > sizes[name] for name, (offset, length) in extents.items()):
                    break
                for name, (offset, length) in extents.items():
                    ends[name] = max(ends[name], offset + length)
                index.setdefault(frame.key + frame.digest, valid)
                valid += 1
        with self.frames_path.open("r+b") as handle:
            handle.truncate(valid * FRAME_SIZE)
        for name, path in (
            ("records", self.records_path),
            ("details", self.details_path),
            ("collected", self.collected_path),
        ):
            with path.open("r+b") as handle:
                handle.truncate(ends[name])
        self._sizes = ends
        self.count = valid
        self.index = index
        self._held, self._held_bytes = {}, 0
        self._records, self._records_bytes = {}, 0
        # The visible stream starts again from the records kept.
        tmp = self.results_path.with_name(f".{RESULTS}.tmp")
        with self.records_path.open("rb") as source, tmp.open("wb") as target:
            while block := source.read(1 << 20):
                target.write(block)
        os.replace(tmp, self.results_path)
        return valid

    def open_for_append(self) -> None:
        for name, path in (
            ("frames", self.frames_path),
            ("records", self.records_path),
            ("details", self.details_path),
            ("collected", self.collected_path),
            ("results", self.results_path),
        ):
            self._handles[name] = path.open("ab")

    # writing

    def append(self, key: bytes, digest: bytes, outcome: ArticleOutcome, line: bytes, kept: Kept | None = None) -> int:
        """Write an audited article; ``kept`` is the record ``line`` holds and its text in report.json, kept in
        memory while the records fit (None: the record is read back from the line when needed)."""
        output = outcome.output
        details = pickle.dumps(
            (outcome.article, output.findings, output.metrics, output.alignment, outcome.errors),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        packed = output.pickled_collected()
        extents = {}
        for name, data in (("details", details), ("collected", packed), ("records", line)):
            extents[name] = (self._sizes[name], len(data))
            self._handles[name].write(data)
            self._sizes[name] += len(data)
        self._handles["results"].write(line)
        flags = _HAS_ERRORS if outcome.errors else 0
        self._handles["frames"].write(_encode_frame(key, digest, extents, flags))
        number = self.count
        self.count += 1
        if self._records is not None:
            self._records_bytes += len(line)
            if kept is not None and self._records_bytes <= KEEP_RECORDS_BYTES:
                self._records[number] = (kept, line)
            else:
                self._records = None
        if self._held is not None:
            self._held_bytes += len(packed) + len(outcome.article.text)
            if self._held_bytes <= self.hold_bytes:
                self._held[number] = _Held(outcome, flags)
            else:  # too large to keep: read back from disk
                self._held = None
        return number

    def flush(self) -> None:
        # Frames last: a frame on disk never points past the end of the data it describes.
        for name in ("details", "collected", "records", "results", "frames"):
            handle = self._handles.get(name)
            if handle is not None:
                handle.flush()

    def close(self) -> None:
        self.flush()
        for handle in [*self._handles.values(), *self._readers.values()]:
            handle.close()
        self._handles = {}
        self._readers = {}

    # reading

    def _reader(self, name: str, path: Path) -> IO[bytes]:
        if name in self._handles:
            self._handles[name].flush()
        handle = self._readers.get(name)
        if handle is None:
            handle = self._readers[name] = path.open("rb")
        return handle

    def frame(self, number: int) -> Frame:
        handle = self._reader("frames", self.frames_path)
        handle.seek(number * FRAME_SIZE)
        frame = _decode_frame(handle.read(FRAME_SIZE))
        if frame is None:
            raise OSError(f"{self.frames_path}: frame {number} is damaged")
        return frame

    def _read(self, name: str, path: Path, extent: tuple[int, int]) -> bytes:
        handle = self._reader(name, path)
        handle.seek(extent[0])
        return handle.read(extent[1])

    def _held_one(self, number: int) -> _Held | None:
        return None if self._held is None else self._held.get(number)

    def has_errors(self, number: int) -> bool:
        """Whether article ``number`` met errors (kept in the store with its details)."""
        held = self._held_one(number)
        flags = held.flags if held is not None else self.frame(number).flags
        return bool(flags & _HAS_ERRORS)

    @property
    def keeps_records(self) -> bool:
        """Whether the records appended so far are all kept in memory (see :meth:`kept`)."""
        return self._records is not None

    def _record_one(self, number: int) -> tuple[Kept, bytes] | None:
        return None if self._records is None else self._records.get(number)

    def record_line(self, number: int) -> bytes:
        held = self._record_one(number)
        if held is not None:
            return held[1]
        return self._read("records", self.records_path, self.frame(number).record)

    def kept(self, number: int) -> Kept | None:
        """The record of article ``number`` as written and its text in report.json, when kept in memory."""
        held = self._record_one(number)
        return held[0] if held is not None else None

    def article(self, number: int) -> Article:
        """Article ``number``: from memory while it is held, else read back with its details."""
        held = self._held_one(number)
        return held.outcome.article if held is not None else self.details(number)[0]

    def words(self, number: int) -> int | None:
        """The word count of article ``number``, while it is held in memory."""
        held = self._held_one(number)
        return held.outcome.result.words if held is not None else None

    def details(self, number: int) -> tuple[Article, _ArticleOutput, list[InputError]]:
        """Article ``number``, what its checks found and its errors: from memory while it is held, else read back."""
        held = self._held_one(number)
        if held is not None:
            return held.outcome.article, held.outcome.output, held.outcome.errors
        data = self._read("details", self.details_path, self.frame(number).details)
        if data[:1] == _ZLIB_FIRST:
            data = zlib.decompress(data)
        article, findings, metrics, alignment, errors = pickle.loads(data)
        return article, _ArticleOutput(findings=findings, metrics=metrics, alignment=alignment), errors

    def collected(self, number: int) -> dict[str, Any]:
        held = self._held_one(number)
        if held is not None:
            return held.outcome.output.collected
        data = self._read("collected", self.collected_path, self.frame(number).collected)
        return pickle.loads(data) if data else {}


def _encode_frame(key: bytes, digest: bytes, extents: dict[str, tuple[int, int]], flags: int) -> bytes:
    body = _FRAME.pack(key, digest, *extents["records"], *extents["details"], *extents["collected"], flags)
    return body + _FRAME_CRC.pack(zlib.crc32(body))


def _decode_frame(raw: bytes) -> Frame | None:
    if len(raw) != FRAME_SIZE:
        return None
    body, (crc,) = raw[: _FRAME.size], _FRAME_CRC.unpack(raw[_FRAME.size :])
    if zlib.crc32(body) != crc:
        return None
    key, digest, r_off, r_len, d_off, d_len, c_off, c_len, flags = _FRAME.unpack(body)
    return Frame(key, digest, (r_off, r_len), (d_off, d_len), (c_off, c_len), flags)


# --- lazy views for the batch pass and the reports ------------------------------------------------


class _Contexts(Sequence[ArticleContext]):
    """Article contexts in input order, read from disk when asked for."""

    def __init__(self, store: RunStore, order: array[int], spec: RunSpec) -> None:
        self.store, self.order, self.spec = store, order, spec

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index: int) -> ArticleContext:  # type: ignore[override]
        article = self.store.article(self.order[index])
        return ArticleContext(article, self.spec.config)

    def __iter__(self) -> Iterator[ArticleContext]:
        for index in range(len(self.order)):
            yield self[index]


class _Collected(Sequence[Any]):
    """One batch check's collected data per article, in input order, read from disk when asked for."""

    def __init__(self, store: RunStore, order: array[int], code: str) -> None:
        self.store, self.order, self.code = store, order, code

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index: int) -> Any:  # type: ignore[override]
        if index < 0:
            index += len(self.order)
        if not 0 <= index < len(self.order):
            raise IndexError(index)
        return self.store.collected(self.order[index]).get(self.code)

    def __iter__(self) -> Iterator[Any]:
        for index in range(len(self.order)):
            yield self[index]


class ArticleRecords:
    """The article records of ``results.jsonl``, read one at a time each time they are iterated; a file of at
    most ``keep_bytes`` (default :data:`KEEP_RECORDS_BYTES`) is read once and its records kept, unless they are
    given (``kept``: the records the run wrote, equal to the file's lines read back)."""

    def __init__(
        self, path: Path, count: int, keep_bytes: int | None = None, kept: Sequence[Kept] | None = None
    ) -> None:
        self.path, self.count = path, count
        self.keep_bytes = KEEP_RECORDS_BYTES if keep_bytes is None else keep_bytes
        #: The records already in memory (those of the run that wrote the file), else read once when small.
        self._kept = [record for record, _ in kept] if kept is not None else None
        texts = [text for _, text in kept if text is not None] if kept is not None else None
        #: report.json's text of each record, when every one was rendered
        self._texts = texts if kept is not None and texts is not None and len(texts) == len(kept) else None

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._kept is None and self.path.stat().st_size <= self.keep_bytes:
            self._kept = list(self._read())
        return iter(self._kept) if self._kept is not None else self._read()

    def rendered_records(self) -> list[str] | None:
        """The records as report.json holds them (see :func:`audit.reporting.json_report.rendered`), when given."""
        return self._texts

    def _read(self) -> Iterator[dict[str, Any]]:
        with self.path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


class ArticleTexts:
    """The article records with each article's ``text`` (and ``reference_texts``), for the HTML report."""

    def __init__(self, records: ArticleRecords, store: RunStore, order: array[int]) -> None:
        self.records, self.store, self.order = records, store, order

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record, number in zip(self.records, self.order, strict=True):
            article = self.store.article(number)
            extra: dict[str, Any] = {"text": article.text}
            if article.source is not None or article.retranslations:
                extra["reference_texts"] = {"source": article.source, "retranslations": dict(article.retranslations)}
            yield {**record, **extra}


# --- the run -------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    """What a finished run produced: the article count, the errors (in input order) and the file of records."""

    articles: int
    errors: list[InputError]
    results: Path
    audited: int
    reused: int
    order: array[int] = field(default_factory=lambda: array("q"))
    #: The records of ``results`` in memory with their text in report.json, in its order, when the run kept them
    #: all (see :class:`ArticleRecords`).
    records: list[Kept] | None = None


class AuditRun:
    """One run into one output folder: lock, manifest, streamed audit, batch pass, final ``results.jsonl``."""

    def __init__(
        self,
        output: Path,
        spec: RunSpec,
        inputs: Sequence[str],
        resume: bool = False,
        baseline: Baseline | None = None,
    ) -> None:
        self.output = output
        self.spec = spec
        self.inputs = list(inputs)
        self.resume = resume
        self.baseline = baseline
        self.baseline_path = baseline.path if baseline is not None else None
        self.signature = config_signature(spec.config)
        if baseline is not None:  # the gate depends on the baseline's findings, not just its name
            held = sorted(f"{k}:{n}" for k, n in baseline.exact.items()) + sorted(
                f"{k}:{n}" for k, n in baseline.loose.items()
            )
            digest = hashlib.sha256("\n".join(held).encode("utf-8", "surrogatepass")).hexdigest()[:16]
            self.signature += f"+baseline:{digest}"
        self.store = RunStore(output)
        self.lock = RunLock(output / STATE_DIR / LOCK)
        self.notes: list[str] = []

    # before the audit starts

    def open(self) -> None:
        """Check and lock the output folder, then start afresh or resume; raises before any audit work."""
        try:
            self.output.mkdir(parents=True, exist_ok=True)
            (self.output / STATE_DIR).mkdir(exist_ok=True)
            probe = self.output / STATE_DIR / f".probe-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise OutputUnusable(f"cannot write reports to {self.output}: {exc}") from None
        self.lock.acquire()
        if self.lock.stale is not None:
            self.notes.append(f"took over a stale lock left by pid {self.lock.stale.get('pid')} (no longer running)")
        try:
            previous = self._manifest()
            if self.resume and previous is not None and previous.get("signature") == self.signature:
                kept = self.store.recover()
                self.notes.append(f"resuming: {kept} articles already audited are kept")
            else:
                if self.resume and previous is not None:
                    self.notes.append("the configuration changed since the earlier run: starting afresh")
                elif previous is not None and not previous.get("complete"):
                    self.notes.append("an earlier run here did not finish; starting afresh (--resume continues it)")
                self.store.reset()
            self._write_manifest(complete=False)
            self.store.open_for_append()
        except OSError as exc:
            self.lock.release()
            raise OutputUnusable(f"cannot write reports to {self.output}: {exc}") from None
        except BaseException:
            self.lock.release()
            raise

    def _manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.output / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _write_manifest(self, complete: bool, **extra: Any) -> None:
        manifest = {
            "schema": MANIFEST_SCHEMA,
            "tool": {"name": "audit", "version": __version__},
            "signature": self.signature,
            "config": self.spec.config.to_dict(),
            "inputs": self.inputs,
            "complete": complete,
            **extra,
        }
        write_atomic(self.output / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")

    def close(self) -> None:
        self.store.close()
        self.lock.release()

    # the audit

    def audit(
        self, items: Iterable[Article | InputError], executor: Executor, progress: bool | None = None
    ) -> RunResult:
        """Audit ``items`` into the folder; articles audited before under the same signature are skipped."""
        store = self.store
        order: array[int] = array("q")
        placed: list[tuple[int, InputError]] = []
        audited = reused = 0
        pending_positions: list[int] = []
        keys: list[tuple[bytes, bytes] | None] = []
        bar = _progress_bar(progress)

        def to_audit() -> Iterator[Article]:
            nonlocal reused
            for item in items:
                if isinstance(item, InputError):
                    placed.append((len(order), item))
                    continue
                found = None
                if store.index:  # resuming: an article audited before under this signature is kept
                    found = article_keys(item)
                    number = store.index.get(found[0] + found[1])
                    if number is not None:
                        order.append(number)
                        reused += 1
                        if bar is not None:
                            bar.update(1)
                        continue
                pending_positions.append(len(order))
                order.append(-1)
                keys.append(found)  # else computed once the article is audited, not before the workers start
                yield item

        done = 0
        dropped: list[tuple[int, InputError]] = []
        render = "json" in self.spec.config.formats  # report.json's text of each record, while the records are kept
        # Closed on every path: the workers stop at once when writing a result fails or the run is interrupted.
        with contextlib.closing(executor.map_chunks(self.spec, chunks(to_audit()))) as chunk_outcomes:
            for outcomes in chunk_outcomes:
                for outcome in outcomes:
                    if outcome.dropped:  # out of its time budget: an error, not a result (and audited again on resume)
                        order[pending_positions[done]] = _DROPPED
                        dropped.extend((pending_positions[done], error) for error in outcome.errors)
                    else:
                        key, digest = keys[done] or article_keys(outcome.article)
                        record, line = self._record_line(outcome.result, render=render and store.keeps_records)
                        order[pending_positions[done]] = store.append(key, digest, outcome, line, record)
                    done += 1
                # Positions and keys of the articles written are no longer needed.
                del pending_positions[:done], keys[:done]
                audited += done
                done = 0
                store.flush()
                if bar is not None:
                    bar.update(len(outcomes))
        if bar is not None:
            bar.close()
        # The batch checks' findings, when the worker that collected for every article found them.
        found = executor.batch_found(len(order)) if not (dropped or reused) else None
        if dropped:
            order, placed = _without_dropped(order, placed, dropped)
        errors, records = self._finish(order, placed, found)
        return RunResult(
            articles=len(order),
            errors=errors,
            results=store.results_path,
            audited=audited,
            reused=reused,
            order=order,
            records=records,
        )

    def _finish(
        self, order: array[int], placed: list[tuple[int, InputError]], found: BatchFound | None = None
    ) -> tuple[list[InputError], list[Kept] | None]:
        """The batch pass (unless ``found`` already), then ``results.jsonl`` rewritten in input order with the batch
        findings merged; returns the errors and, when every one is in memory, the records of the file."""
        store, config = self.store, self.spec.config
        store.flush()
        if found is None:
            _, batch_checks = self.spec.split_checks()
            contexts = _Contexts(store, order, self.spec)
            found = batch_findings(batch_checks, contexts, lambda code: _Collected(store, order, code))
        extra, batch_errors = found
        errors: list[InputError] = []
        records: list[Kept] | None = []
        placed_iter = iter(placed)
        next_error = next(placed_iter, None)
        tmp = store.results_path.with_name(f".{RESULTS}.tmp")
        with tmp.open("wb") as target:
            for position, number in enumerate(order):
                while next_error is not None and next_error[0] <= position:
                    errors.append(next_error[1])
                    next_error = next(placed_iter, None)
                if position in extra or store.has_errors(number):
                    article, output, article_errors = store.details(number)
                    errors.extend(article_errors)
                    if position in extra:
                        result, more = rescore(article, output, extra[position], config, store.words(number))
                        errors.extend(more)
                        render = records is not None and "json" in config.formats
                        kept, line = self._record_line(result, render=render)
                        target.write(line)
                        records = _appended(records, kept)
                        continue
                target.write(store.record_line(number))
                records = _appended(records, store.kept(number))
        while next_error is not None:
            errors.append(next_error[1])
            next_error = next(placed_iter, None)
        errors.extend(batch_errors)
        os.replace(tmp, store.results_path)
        return errors, records

    def _record_line(self, result: ArticleResult, render: bool) -> tuple[Kept | None, bytes]:
        """The line of ``results.jsonl`` for ``result`` (gated by the baseline) and, when the record holds nothing
        but JSON's own types (so that it equals the line read back), the record with (when ``render``) its text in
        report.json."""
        from audit.reporting import article_record_line, plain_record
        from audit.reporting.json_report import rendered

        result = self._gated(result)
        record, line = article_record_line(result)
        if not plain_record(result):
            return None, line
        return (record, rendered(record) if render else None), line

    def _gated(self, result: ArticleResult) -> ArticleResult:
        return result if self.baseline is None else gate_article(result, self.baseline)

    def complete(self, result: RunResult) -> None:
        self._write_manifest(
            complete=True,
            articles=result.articles,
            errors=len(result.errors),
        )


def _appended(records: list[Kept] | None, kept: Kept | None) -> list[Kept] | None:
    """``records`` with ``kept`` appended, or None once a record is missing."""
    if records is None or kept is None:
        return None
    records.append(kept)
    return records


def _progress_bar(progress: bool | None) -> Any:
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(desc="audit", unit="article", file=sys.stderr, leave=False)


def _without_dropped(
    order: array[int], placed: list[tuple[int, InputError]], dropped: list[tuple[int, InputError]]
) -> tuple[array[int], list[tuple[int, InputError]]]:
    """``order`` without the dropped articles, and the input errors with theirs, at their places."""
    slots = sorted({slot for slot, _ in dropped})

    def shifted(position: int) -> int:
        return position - bisect_left(slots, position)

    kept = array("q", (number for number in order if number != _DROPPED))
    merged = [(shifted(position), error) for position, error in placed]
    merged.extend((shifted(slot), error) for slot, error in dropped)
    merged.sort(key=lambda item: item[0])  # stable: input errors before the dropped article at one place
    return kept, merged
