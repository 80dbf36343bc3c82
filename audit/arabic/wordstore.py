"""Word records computed ahead of time and kept in the cache folder.

A store holds ``word -> record`` (any value :mod:`marshal` writes) for a fixed list of words. It is built once, on
first use, from the list and a function computing one record, and read back a batch of words at a time. It is
named by a digest of everything its records depend on: a store that is missing, stale or unreadable is built again
(with one note on stderr); one that cannot be built leaves the records to be computed as they are needed.
Each process opens its own connection (a forked worker does not use its parent's).
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from audit.arabic.compiled import UNUSED_SECONDS, note, remove_old

#: Words asked for in one query (SQLite's default limit of bound parameters is 999).
_QUERY_WORDS = 900


class WordRecords:
    """Read access to a built store (see :func:`open_records`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.Lock()
        self._broken = False

    def records(self, words: Collection[str]) -> dict[str, Any]:
        """The records of those of ``words`` that the store holds (none once the file has become unreadable)."""
        found: dict[str, Any] = {}
        if self._broken or not words:
            return found
        ordered = list(words)
        try:
            with self._lock:
                if self._connection is None or self._pid != os.getpid():
                    self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                    self._pid = os.getpid()
                for start in range(0, len(ordered), _QUERY_WORDS):
                    chunk = ordered[start : start + _QUERY_WORDS]
                    marks = ",".join("?" * len(chunk))
                    rows = self._connection.execute(f"SELECT word, data FROM records WHERE word IN ({marks})", chunk)
                    found.update((word, marshal.loads(data)) for word, data in rows)
        except (sqlite3.Error, ValueError, EOFError, TypeError) as exc:
            self._broken = True
            note(f"the stored word analyses {self.path} are unreadable ({exc}); computing them instead")
            return {}
        return found


def open_records(
    folder: Path,
    name: str,
    digest: str,
    words: Callable[[], Iterable[str]],
    record: Callable[[str], Any],
    what: str,
) -> WordRecords | None:
    """The store ``name`` made from ``digest`` in ``folder``, built first (from ``words`` and ``record``, with a note
    naming ``what`` it holds) when it is missing, stale or unreadable; None when it cannot be built."""
    path = folder / f"{name}-{digest}.sqlite"
    if _complete(path, digest):
        return WordRecords(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=folder)
        os.close(handle)
        os.unlink(temporary)
        note(f"storing {what} in {folder} (once after an install or upgrade)")
        try:
            _build(Path(temporary), digest, words(), record)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except Exception as exc:  # a cache: without it the records are computed as needed
        note(f"{what} could not be stored ({exc}); computing them as needed")
        return None
    remove_old(folder, f"{name}-*.sqlite", UNUSED_SECONDS, keep=path)  # other versions, unused for long
    return WordRecords(path) if _complete(path, digest) else None


def _build(path: Path, digest: str, words: Iterable[str], record: Callable[[str], Any]) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("CREATE TABLE records (word TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID")
        connection.executemany(
            "INSERT INTO records VALUES (?, ?)", ((word, marshal.dumps(record(word))) for word in words)
        )
        connection.executemany("INSERT INTO meta VALUES (?, ?)", (("digest", digest), ("complete", "1")))
        connection.commit()
    finally:
        connection.close()


def _complete(path: Path, digest: str) -> bool:
    if not path.exists():
        return False
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return meta.get("digest") == digest and meta.get("complete") == "1"
