"""The translation cache: hits and misses, keys, corrupt files rebuilt, two writers at once, no usable disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from audit.translate.cache import FILE_NAME, CachedTranslator, TranslationCache, cache_key

ROOT = Path(__file__).resolve().parents[1]


class CountingTranslator:
    """Reverses each text; remembers what it was asked to translate."""

    def __init__(self, identity: str = "counting/1") -> None:
        self.name = "counting"
        self.identity = identity
        self.asked: list[str] = []

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.asked.extend(texts)
        return [text[::-1] for text in texts]


def test_miss_then_hit(tmp_path: Path) -> None:
    inner = CountingTranslator()
    cached = CachedTranslator(inner, TranslationCache(tmp_path))
    assert cached.translate(["one", "two", "one", ""]) == ["eno", "owt", "eno", ""]
    assert inner.asked == ["one", "two"]  # duplicates once, blanks never
    assert (cached.hits, cached.misses) == (0, 3)

    again = CachedTranslator(CountingTranslator(), TranslationCache(tmp_path))
    assert again.translate(["two", "one", "three"]) == ["owt", "eno", "eerht"]
    assert again.translator.asked == ["three"]  # type: ignore[attr-defined]
    assert (again.hits, again.misses) == (2, 1)


def test_identity_is_part_of_the_key(tmp_path: Path) -> None:
    CachedTranslator(CountingTranslator("model-a"), TranslationCache(tmp_path)).translate(["text"])
    other = CountingTranslator("model-b")
    CachedTranslator(other, TranslationCache(tmp_path)).translate(["text"])
    assert other.asked == ["text"]
    assert cache_key("a", "text") != cache_key("b", "text") != cache_key("a", "text ")


def test_garbage_file_is_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database\x00" * 500)
    cache = TranslationCache(tmp_path)
    assert cache.rebuilt
    assert "moved aside and rebuilt" in capsys.readouterr().err
    assert list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))
    cached = CachedTranslator(CountingTranslator(), cache)
    assert cached.translate(["abc"]) == ["cba"]
    assert CachedTranslator(CountingTranslator(), TranslationCache(tmp_path)).translate(["abc"]) == ["cba"]
    assert len(TranslationCache(tmp_path)) == 1


def test_damaged_pages_are_rebuilt(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path)
    cache.put_many((f"key{i}", "ترجمة " * 50) for i in range(400))
    cache.close()
    path = tmp_path / FILE_NAME
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(path.read_bytes())
    assert len(data) > 20_000
    for offset in range(4096, len(data), 4096):  # scribble over every page but the header page
        data[offset + 10 : offset + 400] = b"\xff" * 390
    path.write_bytes(bytes(data))
    rebuilt = TranslationCache(tmp_path)
    assert rebuilt.rebuilt
    assert rebuilt.get_many(["key1"]) == {}
    rebuilt.put_many([("key1", "x")])
    assert rebuilt.get_many(["key1"]) == {"key1": "x"}


def test_corruption_found_while_reading_is_rebuilt(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path)
    cache.put_many([("k", "v")])
    cache.close()
    cache = TranslationCache(tmp_path)
    cache._conn.close()  # type: ignore[union-attr]  # the file goes bad under an open cache
    (tmp_path / FILE_NAME).write_bytes(b"\x00garbage" * 1000)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / FILE_NAME}{suffix}").unlink(missing_ok=True)
    cache._conn = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    assert cache.get_many(["k"]) == {}  # no crash: rebuilt, and the entry is simply gone
    assert cache.rebuilt
    cache.put_many([("k", "again")])
    assert cache.get_many(["k"]) == {"k": "again"}


def test_wrong_schema_is_rebuilt(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / FILE_NAME)
    conn.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta VALUES ('schema', '0')")
    conn.commit()
    conn.close()
    cache = TranslationCache(tmp_path)
    assert cache.rebuilt
    cache.put_many([("k", "v")])
    assert cache.get_many(["k"]) == {"k": "v"}


def test_unusable_folder_falls_back_to_memory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = TranslationCache(blocker / "cache")
    assert "translating without it" in capsys.readouterr().err
    cached = CachedTranslator(CountingTranslator(), cache)
    assert cached.translate(["x", "y"]) == ["x", "y"]
    assert cached.translate(["x"]) == ["x"] and cached.hits == 1


_WRITER = """
import sys
from pathlib import Path
from audit.translate.cache import TranslationCache
cache = TranslationCache(Path(sys.argv[1]))
name = sys.argv[2]
for batch in range(40):
    cache.put_many((f"{name}-{batch}-{i}", f"{name} translation {i}") for i in range(25))
    assert cache.get_many([f"{name}-{batch}-0"]) == {f"{name}-{batch}-0": f"{name} translation 0"}
print("ok")
"""


def test_two_audits_write_at_once(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**env, "PATH": "/usr/bin:/bin"},
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "ok", err
        assert "warning" not in err
    assert len(TranslationCache(tmp_path)) == 2 * 40 * 25
