"""Reading articles: ``.txt`` files (one article each, id = file stem), folders (recursive), JSONL
(``{"id", "text", ...}`` per line) and Hugging Face ``datasets`` (a ``save_to_disk`` folder, or
``.parquet`` / ``.arrow`` files).

The encoding is decided file by file: a byte-order mark first (UTF-8, UTF-16, UTF-32), then UTF-8, then
the fallback encoding the user names (``--encoding``; BOM-less UTF-16 when it is ``utf-16``); the one used is
recorded on the article. Anything unreadable becomes an :class:`InputError` for that article, and so do
folders that cannot be listed and links that loop or lead nowhere; the rest of the batch goes on. Ids, names
and paths are made safe to write in every format (no lone surrogates).
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from audit.model import Article, InputError

MAX_ARTICLE_BYTES = 100 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
DATASET_SUFFIXES = (".parquet", ".arrow")

Loaded = Article | InputError
# JSON can escape a lone surrogate ("\\ud800"); such text cannot be written out as UTF-8.
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


class DecodeError(ValueError):
    """Bytes that are not an article's text; the message says why and what to do."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode an article's bytes; the leading BOM is removed and nothing else is changed."""
    return decode_file(data, encoding)[0]


def decode_file(data: bytes, fallback: str | None = None) -> tuple[str, str]:
    """``(text, encoding used)``: a BOM decides, else UTF-8, else ``fallback``; the leading BOM is removed."""
    text, used = _decode_by_policy(data, fallback)
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise DecodeError("binary data (control characters), not text")
    if not text.strip():
        raise DecodeError("empty article (no text)")
    return text, used


def _decode_by_policy(data: bytes, fallback: str | None) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decode(data, name), name
    wide = fallback is not None and _codec_name(fallback).startswith(("utf-16", "utf-32"))
    if b"\x00" in data[:8192] and not wide:
        raise DecodeError("binary data (NUL bytes), not text (for UTF-16 without a byte-order mark: --encoding utf-16)")
    if not wide:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if fallback is None or _codec_name(fallback) == "utf-8":
                return _decode(data, "utf-8"), "utf-8"  # raises the error, with its hint
    assert fallback is not None
    return _decode(data, fallback), _codec_name(fallback)


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        hint = " (for Windows-1256 Arabic, pass --encoding cp1256)" if encoding.lower() in ("utf-8", "utf8") else ""
        raise DecodeError(f"not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start}{hint}") from None
    except (UnicodeError, ValueError) as exc:  # codecs such as punycode or idna raise their own errors
        raise DecodeError(f"not valid {encoding}: {str(exc)[:200]}") from None


#: Control characters that do not belong in text (every code below 32 but the white space ones), as bytes: in
#: UTF-8 each is one byte that no other character's encoding holds.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    data = sample.encode("utf-8", "surrogatepass")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(sample) // 100)


def read_text_file(path: Path, encoding: str | None = None) -> str:
    return read_text_file_with_encoding(path, encoding)[0]


def read_text_file_with_encoding(path: Path, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and the encoding it was read with (see :func:`decode_file`)."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise DecodeError(f"file too large ({_size(size)}; the limit is {_size(MAX_ARTICLE_BYTES)})")
    return decode_file(path.read_bytes(), encoding)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def safe_text(text: str) -> str:
    """``text`` writable in every format: lone surrogates (JSON escapes, file names that are not UTF-8) become
    U+FFFD."""
    return _LONE_SURROGATE_RE.sub("\ufffd", text)


def _error(path: Path, message: str, article_id: str | None = None) -> InputError:
    return InputError(id=safe_text(article_id or path.stem or str(path)), path=safe_text(str(path)), message=message)


def load_paths(paths: Sequence[str | Path], encoding: str | None = None) -> Iterator[Loaded]:
    """Articles (or input errors) from files and folders, in a stable order."""
    for raw in paths:
        path = Path(raw)
        try:
            is_dir, is_file = path.is_dir(), path.is_file()
        except OSError as exc:  # a name too long, a loop of links
            yield _error(path, f"cannot read: {exc.strerror or exc}")
            continue
        if is_dir:
            if _is_saved_dataset(path):
                yield from load_dataset_dir(path)
                continue
            suffixes = ARTICLE_SUFFIXES + JSONL_SUFFIXES + DATASET_SUFFIXES
            children: list[Path] = []
            for item in _walk(path, suffixes):
                if isinstance(item, InputError):
                    yield item
                else:
                    children.append(item)
            if not children:
                message = f"no article files ({', '.join(suffixes)}) in this folder"
                yield _error(path, message, path.name or str(path))
            for child in sorted(children):
                yield from _load_file(child, encoding)
        elif is_file:
            yield from _load_file(path, encoding)
        else:
            message = "a link that leads nowhere" if path.is_symlink() else "no such file or folder"
            yield _error(path, message)


def text_file_sizes(paths: Sequence[str | Path]) -> Iterator[int]:
    """The size in bytes of each ``.txt`` article file that ``paths`` name or hold (folders walked as
    :func:`load_paths` walks them), lazily and without reading them; what cannot be listed is left out."""
    for raw in paths:
        path = Path(raw)
        files = _walk(path, ARTICLE_SUFFIXES) if os.path.isdir(path) else [path]
        for file in files:
            if isinstance(file, InputError) or file.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            try:
                size = file.stat().st_size
            except OSError:
                continue
            yield size


#: The folder an audit run keeps its state in, inside its output folder (see :mod:`audit.run`).
RUN_STATE_DIR = ".audit-run"


def _skipped_folder(entry: os.DirEntry[str]) -> bool:
    """Hidden folders (``.git``, ``.venv``) and an audit's own output folders are not read as input when a
    folder is walked: ``audit check . --output reports`` must not audit last run's ``results.jsonl``."""
    return entry.name.startswith(".") or os.path.isdir(os.path.join(entry.path, RUN_STATE_DIR))


def _walk(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path | InputError]:
    """The article files under ``folder`` (links followed), and an error for every folder that cannot be listed,
    every link that loops back into a folder being read and every article link that leads nowhere. Hidden
    folders and audit output folders below ``folder`` are passed over (name them to read them)."""
    seen: set[tuple[int, int]] = set()

    def visit(directory: Path) -> Iterator[Path | InputError]:
        try:
            status = directory.stat()
            key = (status.st_dev, status.st_ino)
            if key in seen:
                yield _error(directory, "a link that loops back to a folder already read; skipped", directory.name)
                return
            seen.add(key)
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            yield _error(directory, f"cannot read this folder: {exc.strerror or exc}", directory.name)
            return
        for entry in entries:
            child = Path(entry.path)
            try:
                if entry.is_dir():
                    if not _skipped_folder(entry):
                        yield from visit(child)
                elif entry.is_file():
                    if child.suffix.lower() in suffixes:
                        yield child
                elif entry.is_symlink() and child.suffix.lower() in suffixes:
                    yield _error(child, "a link that loops or leads nowhere")
            except OSError as exc:
                looped = entry.is_symlink() and exc.errno == errno.ELOOP
                yield _error(child, "a link that loops or leads nowhere" if looped else f"cannot read: {exc.strerror}")

    yield from visit(folder)


def _load_file(path: Path, encoding: str | None) -> Iterator[Loaded]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from load_jsonl(path, encoding)
    elif suffix in DATASET_SUFFIXES:
        yield from load_dataset_files(path)
    else:
        try:
            text, used = read_text_file_with_encoding(path, encoding)
        except (DecodeError, OSError) as exc:
            yield _error(path, str(exc) if isinstance(exc, DecodeError) else f"cannot read: {exc.strerror or exc}")
            return
        yield Article(id=safe_text(path.stem), text=text, path=safe_text(str(path)), encoding=used)


def load_jsonl(path: Path, encoding: str | None = None) -> Iterator[Loaded]:
    """One article per line: ``{"id", "text", "source"?, "retranslations"?: {name: text}, ...}``.

    The file is read line by line (lines end at ``\\n`` only: JSON text may hold U+2028 and other
    characters ``str.splitlines`` would split at), so its size is unlimited; each line is an article
    and must stay under the article size limit.
    """
    records = 0
    path_text = safe_text(str(path))
    stem = safe_text(path.stem)
    try:
        for number, line in _jsonl_lines(path, encoding):
            where, default_id = f"{path_text}:{number}", f"{stem}:{number}"
            if isinstance(line, DecodeError):
                yield InputError(id=default_id, path=where, message=str(line))
                continue
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield InputError(id=default_id, path=where, message=f"not valid JSON: {exc.msg} (column {exc.colno})")
                continue
            except RecursionError:
                yield InputError(id=default_id, path=where, message="JSON nested too deeply to read")
                continue
            except ValueError as exc:  # a number with thousands of digits
                yield InputError(id=default_id, path=where, message=f"not usable JSON: {str(exc)[:200]}")
                continue
            yield record_to_article(record, default_id=default_id, where=where)
    except (DecodeError, OSError) as exc:
        yield _error(path, str(exc) if isinstance(exc, DecodeError) else f"cannot read: {exc.strerror or exc}")
        return
    if not records:
        yield _error(path, "empty JSONL file (no records)")


def _jsonl_lines(path: Path, encoding: str | None) -> Iterator[tuple[int, str | DecodeError]]:
    """``(line number, text)`` pairs, or a :class:`DecodeError` in place of a line that cannot be read."""
    with path.open("rb") as handle:
        head = handle.read(2)
        if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # rare: decode the whole file at once
            text = read_text_file(path, encoding)
            yield from enumerate(text.split("\n"), start=1)
            return
        handle.seek(0)
        for number, raw in enumerate(handle, start=1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if len(raw) > MAX_ARTICLE_BYTES:
                limit = _size(MAX_ARTICLE_BYTES)
                yield number, DecodeError(f"line too large ({_size(len(raw))}; the limit is {limit})")
                continue
            try:
                yield number, raw.decode("utf-8")  # UTF-8 first, line by line, then the fallback
            except UnicodeDecodeError:
                try:
                    yield number, _decode(raw, encoding or "utf-8")
                except DecodeError as exc:
                    yield number, exc


def record_to_article(record: Any, default_id: str, where: str) -> Loaded:
    """An article from a JSON or dataset record; the fields other than the known ones go to ``meta``."""
    if not isinstance(record, dict):
        return InputError(id=default_id, path=where, message="a record must be a JSON object")
    raw_id = record.get("id")
    if raw_id is None or raw_id == "":
        article_id = default_id
    elif isinstance(raw_id, str):
        article_id = safe_text(raw_id)
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool) and raw_id.bit_length() < 1000:
        article_id = str(raw_id)
    else:
        return InputError(id=default_id, path=where, message="'id' must be a string or a (short) whole number")
    text = record.get("text")
    if not isinstance(text, str):
        return InputError(id=article_id, path=where, message="the record has no string field 'text'")
    text = _LONE_SURROGATE_RE.sub("\ufffd", text.removeprefix("\ufeff"))
    if not text.strip():
        return InputError(id=article_id, path=where, message="empty article (no text)")
    source = record.get("source")
    if source is not None and not isinstance(source, str):
        return InputError(id=article_id, path=where, message="'source' must be a string")
    retranslations = record.get("retranslations") or {}
    if not isinstance(retranslations, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in retranslations.items()
    ):
        return InputError(id=article_id, path=where, message="'retranslations' must map names to strings")
    if source is not None:
        source = _LONE_SURROGATE_RE.sub("\ufffd", source)
    retranslations = {safe_text(name): safe_text(value) for name, value in retranslations.items()}
    known = {"id", "text", "source", "retranslations"}
    meta = {k: v for k, v in record.items() if k not in known}
    return Article(
        id=article_id, text=text, path=where, source=source or None, retranslations=retranslations, meta=meta
    )


_NO_DATASETS = "reading datasets needs the datasets extra: pip install 'audit[datasets]'"


def _is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file()


def load_dataset_dir(path: Path) -> Iterator[Loaded]:
    """A dataset saved with ``Dataset.save_to_disk`` (every split of a ``DatasetDict``)."""
    try:
        import datasets

        loaded = datasets.load_from_disk(str(path))
    except ImportError:
        yield _error(path, _NO_DATASETS, path.name)
        return
    except Exception as exc:  # datasets raises many kinds; any of them means unreadable input
        yield InputError(id=path.name, path=str(path), message=f"cannot load dataset: {exc}")
        return
    splits = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [("", loaded)]
    for split, dataset in splits:
        yield from _dataset_records(dataset, path, split)


def load_dataset_files(path: Path) -> Iterator[Loaded]:
    """A ``.parquet`` or ``.arrow`` file read with the ``datasets`` library, as a stream (records are read
    as they are audited, and nothing is copied into a cache first)."""
    builder = "parquet" if path.suffix.lower() == ".parquet" else "arrow"
    try:
        import datasets

        dataset = datasets.load_dataset(builder, data_files=str(path), split="train", streaming=True)
    except ImportError:
        yield _error(path, _NO_DATASETS, path.stem)
        return
    except Exception as exc:  # as above: any failure is this input's error
        yield InputError(id=path.stem, path=str(path), message=f"cannot load dataset: {exc}")
        return
    yield from _dataset_records(dataset, path, "")


def _dataset_records(dataset: Any, path: Path, split: str) -> Iterator[Loaded]:
    prefix = f"{path.stem}{'/' + split if split else ''}"
    records = iter(dataset)
    index = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as exc:  # a stream can fail part-way: the records read so far stay audited
            where = f"{path}{'/' + split if split else ''}#{index}"
            yield InputError(id=f"{prefix}:{index}", path=where, message=f"cannot read dataset: {exc}")
            return
        where = f"{path}{'/' + split if split else ''}#{index}"
        yield record_to_article(dict(record), default_id=f"{prefix}:{index}", where=where)
        index += 1
