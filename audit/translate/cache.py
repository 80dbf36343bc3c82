"""A disk cache of translations, so a CI re-run translates nothing twice.

Entries are keyed by a hash of the translator's identity (model fingerprint, backend, compute type,
languages, decoding parameters) and the text. The store is one SQLite file in WAL mode with a busy
timeout, so two audits can read and write it at once. A cache that is not a database any more, or
fails SQLite's integrity check, is moved aside and rebuilt; if even that fails the audit goes on
without a cache. A broken cache costs time, never a crash and never a wrong translation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from audit.translate.base import Translator

SCHEMA_VERSION = "1"
FILE_NAME = "translations.sqlite3"
_CHUNK = 500


def cache_key(identity: str, text: str) -> str:
    """The cache key of ``text`` translated by a translator with ``identity``."""
    return hashlib.sha256(f"{identity}\0{text}".encode()).hexdigest()


def _warn(message: str) -> None:
    print(f"audit: warning: {message}", file=sys.stderr)


class TranslationCache:
    """Translations on disk: ``get_many`` and ``put_many`` by key. Never raises on a broken file."""

    def __init__(self, directory: Path, timeout: float = 30.0) -> None:
        self.path = directory / FILE_NAME
        self.timeout = timeout
        self.rebuilt = False
        self._memory: dict[str, str] | None = None  # used when the disk cache cannot be used at all
        self._conn: sqlite3.Connection | None = None
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._conn = self._open()
        except sqlite3.OperationalError as exc:  # locked for longer than the timeout, unwritable, ...
            self._disable(f"cannot use the translation cache {self.path} ({exc}); translating without it")
        except (sqlite3.DatabaseError, ValueError):
            self._rebuild("is corrupt")
        except OSError as exc:
            self._disable(f"cannot create the translation cache folder {directory} ({exc}); translating without it")

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, "
                "created REAL NOT NULL) WITHOUT ROWID"
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                raise ValueError(f"cache schema {row[0] if row else None!r}, expected {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _disable(self, message: str) -> None:
        _warn(message)
        self._close()
        self._memory = {}

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def _rebuild(self, why: str) -> None:
        """Move the broken file (and its WAL) aside and start a fresh cache."""
        self._close()
        stamp = f"{int(time.time())}.{os.getpid()}"
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{self.path}{suffix}")
            try:
                os.replace(path, Path(f"{self.path}.corrupt-{stamp}{suffix}"))
            except FileNotFoundError:  # another audit moved it first, or it never existed
                pass
            except OSError:
                path.unlink(missing_ok=True)
        _warn(f"the translation cache {self.path} {why}; it was moved aside and rebuilt")
        self.rebuilt = True
        try:
            self._conn = self._open()
        except (sqlite3.Error, ValueError, OSError) as exc:
            self._disable(f"cannot rebuild the translation cache {self.path} ({exc}); translating without it")

    def _guard(self, action: Callable[[sqlite3.Connection], None]) -> bool:
        """Run ``action`` on the database; on corruption rebuild and retry once. False when it did not run."""
        for attempt in range(2):
            if self._conn is None:
                return False
            try:
                action(self._conn)
                return True
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    _warn(f"the translation cache {self.path} stayed locked; going on without it this time")
                    return False
                if attempt == 0:
                    self._rebuild(f"failed ({exc})")
            except sqlite3.DatabaseError as exc:
                if attempt == 0:
                    self._rebuild(f"is corrupt ({exc})")
        return False

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The cached translations among ``keys``."""
        if self._memory is not None:
            return {k: self._memory[k] for k in keys if k in self._memory}
        found: dict[str, str] = {}

        def read(conn: sqlite3.Connection) -> None:
            found.clear()
            unique = list(dict.fromkeys(keys))
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, value in conn.execute(
                    f"SELECT key, translation FROM translations WHERE key IN ({marks})", chunk
                ):
                    if isinstance(key, str) and isinstance(value, str):
                        found[key] = value

        self._guard(read)
        return found

    def put_many(self, items: Iterable[tuple[str, str]]) -> None:
        """Store translations (one transaction)."""
        rows = [(key, value, time.time()) for key, value in items]
        if self._memory is not None:
            self._memory.update((key, value) for key, value, _ in rows)
            return

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?)", rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

        self._guard(write)

    def __len__(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        counted: list[int] = []
        self._guard(lambda conn: counted.append(conn.execute("SELECT count(*) FROM translations").fetchone()[0]))
        return counted[0] if counted else 0

    def close(self) -> None:
        self._close()


class CachedTranslator:
    """A translator whose results go through a :class:`TranslationCache`; only misses reach the model.

    Duplicate segments in one call are translated once. ``hits`` and ``misses`` count segments.
    """

    def __init__(self, translator: Translator, cache: TranslationCache) -> None:
        self.translator = translator
        self.cache = cache
        self.name = translator.name
        self.identity = translator.identity
        self.hits = 0
        self.misses = 0

    def translate(self, texts: Sequence[str]) -> list[str]:
        keys = [cache_key(self.identity, text) if text.strip() else "" for text in texts]
        found = self.cache.get_many([key for key in keys if key])
        found[""] = ""  # blank segments translate to nothing, without the model
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        cached = sum(1 for key in keys if key and key in found)
        self.hits += cached
        self.misses += sum(1 for key in keys if key) - cached
        if missing:
            translated = self.translator.translate(list(missing.values()))
            fresh = dict(zip(missing, translated, strict=True))
            self.cache.put_many(fresh.items())
            found.update(fresh)
        return [found[key] for key in keys]
