"""Reading articles: ``.txt`` files (one article each, id = file stem), folders (recursive), JSONL
(``{"id", "text", ...}`` per line) and Hugging Face ``datasets`` (a ``save_to_disk`` folder, or
``.parquet`` / ``.arrow`` files).

Text is decoded as UTF-8 (a BOM is removed), UTF-16 when a UTF-16 BOM says so, or with the encoding
the user names. Anything unreadable becomes an :class:`InputError` for that article; the rest of the
batch goes on.
"""

from __future__ import annotations

import codecs
import json
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


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode an article's bytes; the leading BOM is removed and nothing else is changed."""
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(data, "utf-16")
    else:
        if b"\x00" in data[:8192]:
            raise DecodeError("binary data (NUL bytes), not text")
        text = _decode(data, encoding or "utf-8")
    text = text.removeprefix("\ufeff")
    if _looks_binary(text):
        raise DecodeError("binary data (control characters), not text")
    if not text.strip():
        raise DecodeError("empty article (no text)")
    return text


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        hint = " (for Windows-1256 Arabic, pass --encoding cp1256)" if encoding.lower() in ("utf-8", "utf8") else ""
        raise DecodeError(f"not valid {encoding}: byte 0x{data[exc.start]:02x} at offset {exc.start}{hint}") from None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in sample or controls > max(8, len(sample) // 100)


def read_text_file(path: Path, encoding: str | None = None) -> str:
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise DecodeError(f"file too large ({_size(size)}; the limit is {_size(MAX_ARTICLE_BYTES)})")
    return decode(path.read_bytes(), encoding)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"


def load_paths(paths: Sequence[str | Path], encoding: str | None = None) -> Iterator[Loaded]:
    """Articles (or input errors) from files and folders, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            if _is_saved_dataset(path):
                yield from load_dataset_dir(path)
                continue
            suffixes = ARTICLE_SUFFIXES + JSONL_SUFFIXES + DATASET_SUFFIXES
            children = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            if not children:
                message = f"no article files ({', '.join(suffixes)}) in this folder"
                yield InputError(id=path.name or str(path), path=str(path), message=message)
            for child in children:
                yield from _load_file(child, encoding)
        elif path.is_file():
            yield from _load_file(path, encoding)
        else:
            yield InputError(id=path.stem or str(path), path=str(path), message="no such file or folder")


def _load_file(path: Path, encoding: str | None) -> Iterator[Loaded]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from load_jsonl(path, encoding)
    elif suffix in DATASET_SUFFIXES:
        yield from load_dataset_files(path)
    else:
        try:
            text = read_text_file(path, encoding)
        except (DecodeError, OSError) as exc:
            yield InputError(id=path.stem, path=str(path), message=str(exc))
            return
        yield Article(id=path.stem, text=text, path=str(path))


def load_jsonl(path: Path, encoding: str | None = None) -> Iterator[Loaded]:
    """One article per line: ``{"id", "text", "source"?, "retranslations"?: {name: text}, ...}``.

    The file is read line by line (lines end at ``\\n`` only: JSON text may hold U+2028 and other
    characters ``str.splitlines`` would split at), so its size is unlimited; each line is an article
    and must stay under the article size limit.
    """
    records = 0
    try:
        for number, line in _jsonl_lines(path, encoding):
            where, default_id = f"{path}:{number}", f"{path.stem}:{number}"
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
            yield record_to_article(record, default_id=default_id, where=where)
    except (DecodeError, OSError) as exc:
        yield InputError(id=path.stem, path=str(path), message=str(exc))
        return
    if not records:
        yield InputError(id=path.stem, path=str(path), message="empty JSONL file (no records)")


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
                yield number, _decode(raw, encoding or "utf-8")
            except DecodeError as exc:
                yield number, exc


def record_to_article(record: Any, default_id: str, where: str) -> Loaded:
    """An article from a JSON or dataset record; the fields other than the known ones go to ``meta``."""
    if not isinstance(record, dict):
        return InputError(id=default_id, path=where, message="a record must be a JSON object")
    article_id = str(record.get("id") or default_id)
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
    retranslations = {name: _LONE_SURROGATE_RE.sub("\ufffd", value) for name, value in retranslations.items()}
    known = {"id", "text", "source", "retranslations"}
    meta = {k: v for k, v in record.items() if k not in known}
    return Article(
        id=article_id, text=text, path=where, source=source or None, retranslations=retranslations, meta=meta
    )


def _is_saved_dataset(path: Path) -> bool:
    return (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file()


def load_dataset_dir(path: Path) -> Iterator[Loaded]:
    """A dataset saved with ``Dataset.save_to_disk`` (every split of a ``DatasetDict``)."""
    try:
        import datasets

        loaded = datasets.load_from_disk(str(path))
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
