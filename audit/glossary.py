"""The news glossary (termbase): English terms with their accepted Arabic renderings.

The glossary lives in ``audit/data/glossary.toml`` (format documented in that file's header). Checks use it to
recognise names, to suggest the preferred spelling of a person, place or organisation, to know a person's
gender, and to spot known mistranslations of recurring news terms (``variants``). Every check must also work
without a glossary entry; the glossary only adds suggestions and confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import compress
from pathlib import Path

from audit import resources
from audit.arabic.clitics import PROCLITICS
from audit.arabic.lexicon import ArabicTokens, KeyedCache, arabic_tokens
from audit.arabic.orthography import MARKS_RE, fold_alef_yeh_teh
from audit.resources import read_toml

KINDS = frozenset({"person", "place", "organisation", "term"})
GENDERS = frozenset({"m", "f"})

#: Clitic prefixes allowed before a glossary term: every run of conjunction, preposition and article.
CLITIC_PREFIXES: tuple[str, ...] = PROCLITICS


#: Spelling variation that is not an error folded away: diacritics and tatweel, hamza-carrying alifs, final ى/ة.
normalize_arabic = fold_alef_yeh_teh


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: the English form, accepted Arabic renderings (first preferred) and what it is."""

    en: str
    ar: tuple[str, ...]
    kind: str
    gender: str | None = None
    variants: tuple[str, ...] = ()

    @property
    def preferred(self) -> str:
        return self.ar[0]


class Glossary:
    """A set of glossary entries with lookups by English name and by Arabic text."""

    def __init__(self, entries: tuple[GlossaryEntry, ...] = ()) -> None:
        self.entries = entries
        self._by_english = {e.en.casefold(): e for e in entries}
        # A person is also found by surname alone ("Witkoff") when no other entry shares it.
        surnames: dict[str, list[GlossaryEntry]] = {}
        for entry in entries:
            if entry.kind == "person" and " " in entry.en:
                surnames.setdefault(entry.en.rsplit(" ", 1)[1].casefold(), []).append(entry)
        self._by_surname = {name: found[0] for name, found in surnames.items() if len(found) == 1}
        self._recent: dict[str, tuple[tuple[int, int, GlossaryEntry], ...]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def by_english(self, name: str) -> GlossaryEntry | None:
        """The entry whose English term is ``name`` (case-insensitive), or a person by unique surname."""
        key = " ".join(name.split()).casefold()
        return self._by_english.get(key) or self._by_surname.get(key)

    def persons(self) -> list[GlossaryEntry]:
        return [e for e in self.entries if e.kind == "person"]

    @cached_property
    def _forms(self) -> dict[str, tuple[GlossaryEntry, bool]]:
        """Normalised Arabic form -> (entry, is_accepted). Accepted renderings win over variants."""
        forms: dict[str, tuple[GlossaryEntry, bool]] = {}
        for entry in self.entries:
            for form in entry.variants:
                forms.setdefault(normalize_arabic(form), (entry, False))
        for entry in self.entries:
            for form in entry.ar:
                key = normalize_arabic(form)
                if key not in forms or not forms[key][1]:
                    forms[key] = (entry, True)
        return forms

    @cached_property
    def _by_first_word(self) -> dict[str, list[tuple[tuple[str, ...], GlossaryEntry]]]:
        """First word of a normalised form -> the forms starting with it, longest first.

        A form starting with the article is also filed without it, for «للكرملين» (ل + «الكرملين»).
        """
        index: dict[str, list[tuple[tuple[str, ...], GlossaryEntry]]] = {}
        for form, (entry, _accepted) in self._forms.items():
            words = tuple(form.split())
            index.setdefault(words[0], []).append((words, entry))
        for forms in index.values():
            forms.sort(key=lambda item: -len(item[0]))
        return index

    @cached_property
    def _starts(self) -> dict[str, tuple[tuple[int, str], ...]]:
        """Normalised word -> the ways it can start a glossary form: ``(clitic prefix length, first form word)``,
        bare word first, shorter prefixes next (and for a prefix ending in «لل», the stem before the form
        starting with «ال» + stem, as in «للكرملين»). The stem after a prefix keeps two letters at least.

        Only the words that start a form are keys: a form's first word alone or after one of the clitic
        prefixes, built once for the glossary, so that an article's words are looked up, not taken apart.
        """
        index = self._by_first_word
        ways: dict[str, tuple[tuple[int, str], ...]] = {word: ((0, word),) for word in index}
        stems = [(word, word) for word in index if len(word) >= 2]
        after_article = [(word[2:], word) for word in index if word.startswith("ال") and len(word) >= 4]
        for length in sorted({len(prefix) for prefix in CLITIC_PREFIXES}):
            prefixes = [prefix for prefix in CLITIC_PREFIXES if len(prefix) == length]
            readings = [(prefix, stems) for prefix in prefixes]
            # after the bare stems of the same prefix length: «لل» before a form starting with «ال» («للكرملين»)
            readings += [(prefix, after_article) for prefix in prefixes if prefix.endswith("لل")]
            for prefix, starts in readings:
                for stem, word in starts:
                    key = prefix + stem
                    found = ways.get(key)
                    ways[key] = ((length, word),) if found is None else (*found, (length, word))
        return ways

    def find_arabic(self, text: str, tokens: ArabicTokens | None = None) -> list[tuple[int, int, GlossaryEntry]]:
        """Every glossary rendering or known variant in ``text``: ``(start, end, entry)``, left to right.

        The span covers the term itself, not its clitic prefixes (in «وبموسكو» the span is «موسكو», in
        «للكرملين» it is «كرملين»). Matching ignores diacritics and folds أ/إ/آ to ا, ى to ي and ة to ه; words
        of a multi-word term must be separated by white space only. Use :meth:`is_variant` to tell a known
        non-preferred spelling from an accepted rendering. ``tokens`` (the text's :class:`ArabicTokens`) saves
        tokenising the text again.
        """
        if not self._by_first_word:
            return []
        cached = self._recent.get(text)
        if cached is not None:  # several checks ask about the same article
            return list(cached)
        if tokens is None or tokens.text is not text:
            tokens = arabic_tokens(text)
        starts, words = self._starts, tokens.normalised
        matches: list[tuple[int, int, GlossaryEntry]] = []
        next_free = 0
        # Only the (few) words that may start a form are visited.
        for i in compress(range(len(words)), map(starts.__contains__, words)):
            if i < next_free:
                continue
            found = self._match_at(tokens, i, starts[words[i]])
            if found is not None:
                start, end, entry, used = found
                matches.append((start, end, entry))
                next_free = i + used
        if len(self._recent) >= 64:
            self._recent.pop(next(iter(self._recent)))
        self._recent[text] = tuple(matches)
        return matches

    def _match_at(
        self, tokens: ArabicTokens, i: int, ways: tuple[tuple[int, str], ...]
    ) -> tuple[int, int, GlossaryEntry, int] | None:
        """The longest form starting at word ``i`` (after one of its clitic splits ``ways``), if any."""
        words = tokens.normalised
        for prefix_len, key in ways:
            for form, entry in self._by_first_word[key]:
                n = len(form)
                # The other words of the form follow, separated by white space only.
                if n > 1 and (tuple(words[i + 1 : i + n]) != form[1:] or not _spaced(tokens, i, n)):
                    continue
                start = _offset_after_letters(tokens.text, tokens.starts[i], prefix_len)
                return start, tokens.ends[i + n - 1], entry, n
        return None

    def lookup(self, arabic: str) -> GlossaryEntry | None:
        """The entry having ``arabic`` (exactly, after normalisation) as a rendering or a variant."""
        found = self._lookup(arabic)
        return found[0] if found else None

    def is_variant(self, arabic: str) -> bool:
        """True when ``arabic`` is a known non-preferred spelling (listed in ``variants``, not in ``ar``)."""
        found = self._lookup(arabic)
        return found is not None and not found[1]

    def _lookup(self, arabic: str) -> tuple[GlossaryEntry, bool] | None:
        return self._lookups[arabic]

    @cached_property
    def _lookups(self) -> KeyedCache[str, tuple[GlossaryEntry, bool] | None]:
        forms = self._forms
        return KeyedCache(lambda arabic: forms.get(normalize_arabic(arabic).strip()), limit=100_000)


def _spaced(tokens: ArabicTokens, i: int, n: int) -> bool:
    """True when only white space separates the words ``i`` to ``i + n - 1``."""
    text, starts, ends = tokens.text, tokens.starts, tokens.ends
    return not any(text[ends[k - 1] : starts[k]].strip() for k in range(i + 1, i + n))


def _offset_after_letters(text: str, start: int, letters: int) -> int:
    """The text offset after ``letters`` letters from ``start``, skipping diacritics between them."""
    position = start
    while letters > 0:
        position += 1
        letters -= 1
        while position < len(text) and MARKS_RE.match(text, position):
            position += 1
    return position


def _strings(value: object, field: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}: {field!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_glossary(data: dict[str, object], source: str) -> Glossary:
    """Validate parsed TOML and build a :class:`Glossary`; errors name ``source`` and the entry number."""
    unknown_top = set(data) - {"term"}
    if unknown_top:
        raise ValueError(f"{source}: unknown top-level key(s) {', '.join(sorted(unknown_top))}; expected [[term]]")
    terms = data.get("term", [])
    if not isinstance(terms, list):
        raise ValueError(f"{source}: 'term' must be an array of tables ([[term]])")
    entries = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(terms, start=1):
        where = f"{source}: entry {number}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a table")
        unknown = set(raw) - {"en", "ar", "kind", "gender", "variants"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        en = raw.get("en")
        if not isinstance(en, str) or not en.strip():
            raise ValueError(f"{where}: 'en' must be a non-empty string")
        where = f"{where} ({en})"
        if "ar" not in raw:
            raise ValueError(f"{where}: 'ar' is missing")
        ar = _strings(raw["ar"], "ar", where)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{where}: 'kind' must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
        gender = raw.get("gender")
        if kind == "person":
            if gender not in GENDERS:
                raise ValueError(f'{where}: a person needs \'gender\' = "m" or "f", not {gender!r}')
        elif gender is not None:
            raise ValueError(f"{where}: only persons have a 'gender'")
        variants = _strings(raw.get("variants", []), "variants", where)
        key = en.strip().casefold()
        if key in seen:
            raise ValueError(f"{where}: duplicate of entry {seen[key]}")
        seen[key] = number
        entries.append(
            GlossaryEntry(
                en=en.strip(), ar=ar, kind=str(kind), gender=None if gender is None else str(gender), variants=variants
            )
        )
    return Glossary(tuple(entries))


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> Glossary:
    return parse_glossary(read_toml(path), str(path))


def load_glossary(path: Path | None = None) -> Glossary:
    """Load (and cache) the glossary; the default is ``audit/data/glossary.toml``.

    A missing default glossary gives an empty glossary (checks work without one); a missing explicit path or a
    malformed file raises ``ValueError`` naming the file and the entry number.
    """
    if path is None:
        return _default_glossary(resources.cache_key())
    return _load_path(Path(path), explicit=True)


@lru_cache(maxsize=8)
def _default_glossary(key: resources.CacheKey) -> Glossary:
    """The default glossary (package data or a team's copy), read once per resources folder."""
    return parse_glossary(resources.load_toml(resources.GLOSSARY), resources.location(resources.GLOSSARY))


def _load_path(path: Path, explicit: bool) -> Glossary:
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        if explicit:
            raise ValueError(f"{path}: cannot read glossary: {exc.strerror}") from exc
        return Glossary()
    return _load(path.resolve(), mtime)
