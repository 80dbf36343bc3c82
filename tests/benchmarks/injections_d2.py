"""Error injections for broken sentences (S7xx), person agreement (A8xx) and lost negation (M901).

Used by ``bench_injection.py`` (which owns the harness and the interface, see its docstring): each injection
takes a clean human Arabic text and a random generator and returns ``(new_text, start, end)``, the span of the
planted error in the new text, or None when the text offers no place for it. The injections model the real
machine-translation errors of the seed articles with their own simple rules, independent of the checks:

- ``split-name``: a full stop between the given name and the surname of a person («جاريد. كوشنر»);
- ``split-noun-phrase``: a full stop between a definite noun and its nisba adjective («الحكومة. البريطانية»);
- ``truncate-after-preposition``: a sentence cut right after a preposition or conjunction («… تتسامح مع.»);
- ``flip-person-gender``: one verb of a recurring person turned to the other gender («قالت ترامب»);
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

from audit.arabic.orthography import ARABIC_MARKS
from audit.glossary import load_glossary

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
_FUNCTION_WORDS = (
    "في من إلى على عن مع حول بين أن إن الذي التي و أو ثم لكن قد لم لن لا ما هذا هذه ذلك كل بعض أي كما بعد قبل "
    "يوم أمس اليوم أيضا فقط عند غير وقال وقالت قال قالت إنه إنها"
)
_FUNCTION = frozenset(_FUNCTION_WORDS.split())


def _words(text: str) -> list[str]:
    return text.split()


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
        for sentence in re.finditer(r"(?:[^.!?؟\n]|\.(?=\S))+[.!?؟](?=\s|$)", line.group()):
            words = list(re.finditer(r"\S+", sentence.group()))
            base = line.start() + sentence.start()
            for word in words[3:-2]:
                if word.group() in _PREPOSITIONS:
                    candidates.append((base + word.start(), base + word.end(), line.start() + sentence.end() - 1))
    if not candidates:
        return None
    start, end, sentence_end = rng.choice(candidates)
    return text[:end] + text[sentence_end:], start, end


#: Common news verbs, masculine perfect -> feminine perfect (weak verbs spelled out), and present forms.
_VERBS_M_F = {
    **{
        verb: verb + "ت"
        for verb in _words(
            "قال أضاف أكد أعلن أوضح أشار صرح تابع ذكر كتب أفاد أعرب شدد لفت اعتبر أجاب علق اعترف تساءل أقر أردف "
            "حث طالب حذر انتقد اتهم رفض وصف زار وصل غادر ترأس قاد شارك حضر فاز خسر سجل طلب أصدر وقع عقد بدأ "
            "واصل استقبل تحدث ناقش عرض أمر عين استقال"
        )
    },
    "دعا": "دعت",
    "نفى": "نفت",
    "رأى": "رأت",
    "أبدى": "أبدت",
    "التقى": "التقت",
    "يقول": "تقول",
    "يضيف": "تضيف",
}
_VERBS_F_M = {feminine: masculine for masculine, feminine in _VERBS_M_F.items()}
_VERB_PAIR_RE = re.compile(
    rf"(?<!\S)([وف]?)({'|'.join(sorted([*_VERBS_M_F, *_VERBS_F_M], key=len, reverse=True))}) ({_WORD})"
)


def _person_like(subject: str) -> bool:
    """A bare word that can be a person's name: a glossary person, or a word the lexicon knows only as a
    proper noun or not at all (a foreign name)."""
    if subject.startswith("ال") or subject in _FUNCTION or len(subject) < 3 or subject.endswith(("ة", "ات")):
        return False
    entry = load_glossary().lookup(subject)
    if entry is not None:
        return entry.kind == "person"
    from audit.arabic.morphology import load_morphology

    morphology = load_morphology()
    return morphology is not None and all(r.stem == "NOUN_PROP" for r in morphology.readings(subject))


def _recurring_person_verbs(text: str) -> list[list[re.Match[str]]]:
    """Verbs governing a recurring person X («قال X», «أعلن X» …), grouped by X: two or more for a glossary
    person whose full name is in the text, three or more for another name, all of one gender."""
    groups: dict[str, list[re.Match[str]]] = {}
    for match in _VERB_PAIR_RE.finditer(text):
        groups.setdefault(match.group(3), []).append(match)
    recurring = []
    for subject, matches in groups.items():
        genders = {match.group(2) in _VERBS_F_M for match in matches}
        if len(genders) != 1 or not _person_like(subject):
            continue
        entry = load_glossary().lookup(subject)
        known = entry is not None and any(" " in form and form in text for form in entry.ar)
        if len(matches) >= (2 if known else 3):
            recurring.append(matches)
    return recurring


def _flip(text: str, match: re.Match[str]) -> tuple[str, int, int]:
    verb = match.group(2)
    new_verb = _VERBS_F_M.get(verb) or _VERBS_M_F[verb]
    start = match.start(2)
    return text[:start] + new_verb + text[match.end(2) :], match.start(1), start + len(new_verb)


def flip_person_gender(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """One verb of a recurring person turned to the other gender («قال ترامب» → «قالت ترامب»)."""
    recurring = _recurring_person_verbs(text)
    if not recurring:
        return None
    return _flip(text, rng.choice(rng.choice(recurring)))


def all_person_flips(text: str) -> list[tuple[str, int, int]]:
    """Every flip :func:`flip_person_gender` can make in ``text`` (the clean data has few recurring persons,
    so the benchmark also scores them all once)."""
    return [_flip(text, match) for matches in _recurring_person_verbs(text) for match in matches]


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
    flips = [(name, all_person_flips(text)) for name, text in articles]
    planted = [flip for _, found_flips in flips for flip in found_flips]
    found = harness.run_checks([c for c in checks if c.code.startswith("A8")], [text for text, _, _ in planted])
    hits = sum(
        any(f.start < end and start < f.end for f in fs) for (_, start, end), fs in zip(planted, found, strict=True)
    )
    wrong = sum(
        not (f.start < end and start < f.end) for (_, start, end), fs in zip(planted, found, strict=True) for f in fs
    )
    exhaustive = {
        "trials": len(planted),
        "articles": sum(1 for _, found_flips in flips if found_flips),
        "recall": round(hits / len(planted), 3) if planted else 0.0,
        "precision": round(hits / (hits + wrong), 3) if hits + wrong else 0.0,
        "false_positives": wrong,
    }
    injections["flip-person-gender (every candidate)"] = exhaustive
    print(f"{'flip-person-gender, every candidate':>28} (A801): {json.dumps(exhaustive)}")
    results["injections"] = injections
    output = harness.OUTPUT.parent / "injection_d2.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
