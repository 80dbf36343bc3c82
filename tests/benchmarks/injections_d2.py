"""Error injections for broken sentences (S7xx), person agreement (A8xx) and lost negation (M901).

Used by ``bench_injection.py`` (which owns the harness and the interface, see its docstring): each injection
takes a clean human Arabic text and a random generator and returns ``(new_text, start, end)``, the span of the
planted error in the new text, or None when the text offers no place for it. The injections model the real
machine-translation errors of the seed articles with their own simple rules, independent of the checks:

- ``split-name``: a full stop between the given name and the surname of a person («جاريد. كوشنر»);
- ``split-noun-phrase``: a full stop between a definite noun and its nisba adjective («الحكومة. البريطانية»);
- ``truncate-after-preposition``: a sentence cut right after a preposition or conjunction («… تتسامح مع.»);
- ``flip-person-gender``: one verb of saying of a recurring person turned to the other gender («قالت ترامب»);
- ``drop-negation``: a negated verb loses its negator and gets «أبداً» («لن يقبل» → «يقبل أبداً»).

Run alone (``python tests/benchmarks/injections_d2.py``) it scores only these injections with the harness of
``bench_injection.py`` and writes ``reports/bench/injection_d2.json``.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

from audit.glossary import load_glossary
from audit.text import ARABIC_MARKS

Injection = Callable[[str, random.Random], "tuple[str, int, int] | None"]

_WORD = r"[\u0621-\u064a\u0671-\u06d3][\u0621-\u064a\u0671-\u06d3" + ARABIC_MARKS + "]*"
_PAIR_RE = re.compile(rf"(?<!\S)({_WORD}) ({_WORD})(?=[\s،,.])")
_TITLES = (
    "الرئيس",
    "رئيس",
    "الزعيم",
    "الوزير",
    "وزير",
    "المتحدث",
    "السفير",
    "المبعوث",
    "السيد",
    "السيدة",
    "المدرب",
    "النائب",
    "السيناتور",
    "القاضي",
    "الممثل",
    "الممثلة",
    "المغني",
    "اللاعب",
)
_FUNCTION = frozenset(
    (
        "في من إلى على عن مع حول بين أن إن الذي التي و أو ثم لكن قد لم لن لا ما هذا هذه ذلك كل بعض أي كما بعد قبل "
        "يوم أمس اليوم أيضا فقط عند غير وقال وقالت قال قالت إنه إنها"
    ).split()
)


def _name_pairs(text: str) -> list[tuple[int, int, int, int]]:
    """Two-word names: multi-word glossary persons, and two bare words right after a title («الرئيس دونالد ترامب»)."""
    pairs = []
    for start, end, entry in load_glossary().find_arabic(text):
        words = list(re.finditer(r"\S+", text[start:end]))
        if entry.kind == "person" and len(words) == 2:
            pairs.append((start + words[0].start(), start + words[0].end(), start + words[1].start(), end))
    titles = "|".join(_TITLES)
    for match in re.finditer(rf"(?<!\S)(?:{titles})(?: ال\S+)? ({_WORD}) ({_WORD})(?=[\s،,.])", text):
        first, second = match.group(1), match.group(2)
        place = load_glossary().lookup(first)
        if _person_like(first) and _person_like(second) and not (place and place.kind != "person"):
            pairs.append((match.start(1), match.end(1), match.start(2), match.end(2)))
    return pairs


def split_name(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """«جاريد كوشنر» → «جاريد. كوشنر»."""
    pairs = _name_pairs(text)
    if not pairs:
        return None
    first_start, first_end, _, second_end = rng.choice(pairs)
    new = text[:first_end] + "." + text[first_end:]
    return new, first_start, second_end + 1


def split_noun_phrase(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """«الحكومة البريطانية» → «الحكومة. البريطانية»: a definite noun and its definite nisba adjective."""
    candidates = []
    for match in _PAIR_RE.finditer(text):
        noun, adjective = match.group(1), match.group(2)
        if not (noun.startswith("ال") and adjective.startswith("ال")) or len(noun) < 5 or len(adjective) < 6:
            continue
        feminine = noun.endswith("ة")
        if (feminine and adjective.endswith("ية")) or (not feminine and adjective.endswith("ي") and noun[-1] != "ي"):
            candidates.append(match)
    if not candidates:
        return None
    match = rng.choice(candidates)
    cut = match.end(1)
    return text[:cut] + "." + text[cut:], match.start(1), match.end(2) + 1


_PREPOSITIONS = ("في", "من", "إلى", "على", "عن", "مع", "حول", "بين", "خلال", "منذ", "ضد", "عبر", "أن", "التي", "الذي")


def truncate_after_preposition(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """«… لن تتسامح مع مفاوضات لا نهاية لها.» → «… لن تتسامح مع.»: the sentence end is lost."""
    candidates = []
    for line in re.finditer(r"[^\n]+", text):
        for sentence in re.finditer(r"[^.!?؟\n]+[.!?؟]", line.group()):
            words = list(re.finditer(r"\S+", sentence.group()))
            for word in words[3:-2]:
                if word.group() in _PREPOSITIONS:
                    base = line.start() + sentence.start()
                    candidates.append((base + word.start(), base + word.end(), base + sentence.end() - 1))
    if not candidates:
        return None
    start, end, sentence_end = rng.choice(candidates)
    return text[:end] + text[sentence_end:], start, end


_SAY_M = ("قال", "أضاف", "أكد", "أعلن", "أوضح", "أشار", "صرح", "تابع", "ذكر", "كتب", "يقول", "يضيف")
_VERB_PAIR_RE = re.compile(rf"(?<!\S)([وف]?)({'|'.join(_SAY_M)})(ت?) ({_WORD})")


def _person_like(subject: str) -> bool:
    """A bare word that can be a person's name: a glossary person, or a word the lexicon knows only as a
    proper noun or not at all (a foreign name)."""
    if subject.startswith("ال") or subject in _FUNCTION or len(subject) < 3 or subject.endswith(("ة", "ات")):
        return False
    entry = load_glossary().lookup(subject)
    if entry is not None:
        return entry.kind == "person"
    from audit.checks.agreement import load_morphology

    morphology = load_morphology()
    return morphology is not None and all(r.stem == "NOUN_PROP" for r in morphology.readings(subject))


def flip_person_gender(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Among the «قال X» of a recurring person X (two or more for a glossary person, three or more for another
    name), turn one into «قالت X»; or the reverse for a woman."""
    groups: dict[tuple[str, str], list[re.Match[str]]] = {}
    for match in _VERB_PAIR_RE.finditer(text):
        if match.group(2).startswith("ي") and match.group(3):
            continue  # «يقولت» is no word
        groups.setdefault((match.group(4), match.group(3)), []).append(match)
    recurring = []
    for (subject, feminine), matches in groups.items():
        if (subject, "" if feminine else "ت") in groups or not _person_like(subject):
            continue
        known = load_glossary().lookup(subject) is not None
        if len(matches) >= (2 if known else 3):
            recurring.append(matches)
    if not recurring:
        return None
    match = rng.choice(rng.choice(recurring))
    verb = match.group(2)
    if match.group(3):
        new_verb = verb  # feminine → masculine
    elif verb.startswith("ي"):
        new_verb = "ت" + verb[1:]
    else:
        new_verb = verb + "ت"
    start = match.start(2)
    new = text[:start] + new_verb + text[match.end(3) :]
    return new, match.start(1), start + len(new_verb)


_NEGATED_RE = re.compile(rf"(?<!\S)(لا|لن|لم) ([يتنأ][\u0621-\u064a{ARABIC_MARKS}]+)(?=[\s،,.])")


def drop_negation(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """«لن يقبل» → «يقبل أبداً»: the English "never" rendered without its negator."""
    candidates = list(_NEGATED_RE.finditer(text))
    if not candidates:
        return None
    match = rng.choice(candidates)
    replacement = f"{match.group(2)} أبداً"
    new = text[: match.start()] + replacement + text[match.end() :]
    return new, match.start(), match.start() + len(replacement)


INJECTIONS: dict[str, tuple[Injection, str]] = {
    "split-name": (split_name, "S701"),
    "split-noun-phrase": (split_noun_phrase, "S701"),
    "truncate-after-preposition": (truncate_after_preposition, "S702"),
    "flip-person-gender": (flip_person_gender, "A801"),
    "drop-negation": (drop_negation, "M901"),
}


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_injection as harness

    if not harness.DATA.is_dir():
        print(f"no data at {harness.DATA}; nothing to measure")
        return 0
    from audit.checks import build_checks

    articles = harness.clean_articles()
    checks = build_checks(select=["S7", "A8", "M9"])
    results: dict[str, object] = {"checks": [c.code for c in checks]}
    results["false_alarms"] = alarms = harness.false_alarms(checks, articles)
    print(f"S7+A8+M9 on clean Arabic: {alarms['major_per_1000_words']} major/1000 words over {alarms['words']} words")
    print("by check:", json.dumps(alarms["by_check"], ensure_ascii=False))
    results["speed"] = speed = harness.speed(checks, articles)
    print("speed:", json.dumps(speed))
    injections: dict[str, object] = {}
    for seed, (name, (inject, prefix)) in enumerate(INJECTIONS.items(), start=100):
        scores = harness.injection_scores(checks, articles, name, inject, prefix, seed)
        injections[name] = scores
        print(f"{name:>28} ({prefix}): {json.dumps({k: scores[k] for k in ('trials', 'any', 'major')})}")
    results["injections"] = injections
    output = harness.OUTPUT.parent / "injection_d2.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
