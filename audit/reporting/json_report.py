"""``report.json``: the machine-readable contract other tools read.

The report is written as it is read: the articles may be a lazy iterable (the records of ``results.jsonl``),
so a batch of any size is written without holding it in memory. The layout is exactly that of
``json.dumps(report, ensure_ascii=False, indent=2)``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any


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
    """Write ``value`` as ``json.dumps(value, ensure_ascii=False, indent=2)`` would, iterating lazy sequences."""
    pad = "  " * (level + 1)
    if isinstance(value, Mapping):
        if not value:
            handle.write("{}")
            return
        handle.write("{")
        for number, (key, item) in enumerate(value.items()):
            handle.write(("," if number else "") + "\n" + pad + json.dumps(str(key), ensure_ascii=False) + ": ")
            dump(item, handle, level + 1)
        handle.write("\n" + "  " * level + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            handle.write("[]")
            return
        for number, item in enumerate(value):
            handle.write(("," if number else "[") + "\n" + pad)
            dump(item, handle, level + 1)
        handle.write("\n" + "  " * level + "]")
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes, bytearray)):
        # A lazy sequence (records read from disk, generated results): its items are plain JSON values,
        # encoded whole by the C encoder and indented to their place.
        empty = True
        newline = "\n" + pad
        for item in value:
            handle.write(("[" if empty else ",") + newline)
            empty = False
            handle.write(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", newline))
        handle.write("[]" if empty else "\n" + "  " * level + "]")
    else:
        handle.write(json.dumps(value, ensure_ascii=False))
