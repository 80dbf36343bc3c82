"""``report.json``: the machine-readable contract other tools read.

The report is written as it is read: the articles may be a lazy iterable (the records of ``results.jsonl``),
so a batch of any size is written without holding it in memory. The layout is exactly that of
``json.dumps(report, ensure_ascii=False, indent=2)``.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

#: How deep the article records sit in ``report.json`` (in its top-level "articles" list).
ARTICLE_LEVEL = 2
_ARTICLE_NEWLINE = "\n" + "  " * ARTICLE_LEVEL


class JsonReporter:
    name = "json"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        path = output / "report.json"
        write_json(path, report)
        return [path]


def write_json(path: Path, value: Any) -> None:
    """``value`` as indented JSON, streamed through a temporary file renamed over ``path`` when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", errors="surrogatepass") as handle:
        dump(value, handle)
        handle.write("\n")
    os.replace(tmp, path)


def dump(value: Any, handle: IO[str], level: int = 0) -> None:
    """Write ``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` would, iterating lazy sequences.

    The standard library encodes indented JSON in pure Python, one generator per container; this writer puts
    each scalar through the same encoders (the C string encoder, ``int``/``float`` ``repr``) in a plain
    recursion, about twice as fast. The pieces are joined and written every few thousand.
    """
    out = _Pieces(handle)
    _write(value, "\n" + "  " * level, out)
    out.flush()


def rendered(value: Any, level: int = ARTICLE_LEVEL) -> str:
    """``value`` as :func:`dump` writes it ``level`` containers deep; by default an article record as ``report.json``
    holds it, which a lazy sequence of records may hand over ready-made (``rendered_records()``)."""
    buffer = io.StringIO()
    dump(value, buffer, level)
    return buffer.getvalue()


def _rendered_items(value: Any, inner: str) -> Iterable[str] | None:
    """The items of a lazy sequence of article records as :func:`rendered` gives them, when the sequence has them
    (``rendered_records()``) and they sit where they were rendered for."""
    if inner != _ARTICLE_NEWLINE or type(value) in (list, tuple):  # plain lists never have them: no look-up
        return None
    ready = getattr(value, "rendered_records", None)
    return ready() if ready is not None else None


class _Pieces:
    """Text pieces collected for one write: :meth:`spill` writes them once there are enough."""

    __slots__ = ("handle", "pieces", "put")

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.pieces: list[str] = []
        self.put = self.pieces.append

    def spill(self) -> None:
        if len(self.pieces) >= 4096:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.pieces))
        self.pieces.clear()


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


_encode_string: Callable[[str], str] = json.encoder.encode_basestring

#: The JSON text of a scalar, by its exact type (subclasses go the slower way, as ``json`` encodes them).
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: _encode_string,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _encode_string(key)
    if isinstance(key, float):
        return _encode_string(_float(key))
    if key is True or key is False or key is None:
        return _encode_string(_SCALARS[type(key)](key))
    if isinstance(key, int):
        return _encode_string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _write(value: Any, newline: str, out: _Pieces) -> None:
    put = out.put
    encode = _SCALARS.get(type(value))
    if encode is not None:
        put(encode(value))
    elif isinstance(value, Mapping):
        if not value:
            put("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            put(separator + (_encode_string(key) if type(key) is str else _key(key)) + ": ")
            encode = _SCALARS.get(type(item))
            if encode is not None:
                put(encode(item))
            else:
                _write(item, inner, out)
            separator = "," + inner
        put(newline + "}")
    elif isinstance(value, (list, tuple)) or (
        isinstance(value, Iterable) and not isinstance(value, (str, bytes, bytearray))
    ):  # lists, and lazy sequences (records read from disk, generated results)
        inner = newline + "  "
        separator = "[" + inner
        texts = _rendered_items(value, inner)
        if texts is not None:
            for text in texts:
                put(separator)
                put(text)
                out.spill()
                separator = "," + inner
        else:
            for item in value:
                put(separator)
                encode = _SCALARS.get(type(item))
                if encode is not None:
                    put(encode(item))
                else:
                    _write(item, inner, out)
                out.spill()
                separator = "," + inner
        put("[]" if separator[0] == "[" else newline + "]")
    elif isinstance(value, str):
        put(_encode_string(value))
    elif isinstance(value, int):
        put(int.__repr__(value))
    elif isinstance(value, float):
        put(_float(value))
    else:
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")
