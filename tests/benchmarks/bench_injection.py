"""Error-injection benchmark: plant known errors in clean human Arabic and measure each check's recall/precision.

Interface shared by the injection modules (this file owns the harness and the garble / join / entity-swap
injections; ``tests/benchmarks/injections_d2.py``, when present, adds more):

    def inject(text: str, rng: random.Random) -> tuple[str, int, int] | None

An injection takes one clean segment and returns the changed text and the character span ``[start, end)`` of
the planted error in the NEW text, or ``None`` when the segment offers no place for it. Each module exposes

    INJECTIONS: dict[str, tuple[Callable[[str, random.Random], tuple[str, int, int] | None], str]]

mapping an injection name to ``(function, expected check code)``, e.g. ``{"garble-drop": (drop, "G501")}``.

Scoring. Each check family is run on the clean article and on the injected one. A finding of the expected check
overlapping the planted span is a hit (recall = articles with a hit / injected articles). Precision counts only
what the injection changed: a finding of the expected check that does not overlap the planted span is a false
positive only when the clean article did not already have it (same check and span, shifted past the edit). The
clean human text has a few genuine issues and rare names of its own; those are measured separately as false
alarms on clean text, not charged to every injected copy of the article.

The garbles model what machine translation does to words (each also scored alone): a letter replaced by one of
similar shape (dots: ب/ت/ث/ن/ي, ج/ح/خ, س/ش ...) or by a neighbouring key of the Arabic keyboard, a letter dropped or
doubled, two letters transposed, and two words fused into one non-word («بشبه جزيرة» → «بجنرة»). An edit that
yields another real word (known to the lexicons) is not planted: no lexicon check can see a real-word error; the
number skipped is reported.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from audit.arabic.lexicon import fold, load_lexicon
from audit.arabic.orthography import ARABIC_MARKS, ARABIC_WORD_RE
from audit.checks import build_checks
from audit.checks.base import AnyCheck, ArticleContext, BatchCheck, Check
from audit.checks.garbled import keyboard_neighbours
from audit.glossary import load_glossary
from audit.model import Article, Finding, Severity

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "reports" / "bench" / "injection.json"
CLEAN_FILES = ("ntrex/ref.ar.txt", "flores-devtest/ref-a.ar.txt", "flores-devtest/ref-b.ar.txt", "tico19/ref.ar.txt")
TRIALS = 300
Injection = Callable[[str, random.Random], "tuple[str, int, int] | None"]

#: Injection name -> edits not planted because they produced a real word (a real-word error).
SKIPPED: Counter[str] = Counter()

# Letters told apart only by dots, a hamza or a small stroke.
SIMILAR_SHAPES = ("بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق", "هة", "اأإآ", "وؤ", "يىئ")
_SIMILAR = {a: "".join(b for b in group if b != a) for group in SIMILAR_SHAPES for a in group}
_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
_KEYBOARD = {key: "".join(sorted(near)) for key, near in keyboard_neighbours().items()}


def _real_words(text: str) -> list[re.Match[str]]:
    """Words of four letters or more, without diacritics, known to the lexicons: the words a garble damages."""
    lexicon = load_lexicon()
    return [
        m
        for m in ARABIC_WORD_RE.finditer(text)
        if len(m.group()) >= 4 and not _MARKS_RE.search(m.group()) and lexicon.knows(fold(m.group()))
    ]


def _plant(name: str, text: str, start: int, end: int, new: str) -> tuple[str, int, int] | None:
    """Replace ``text[start:end]`` by the non-word ``new``; None (counted as skipped) when it is a real word."""
    if load_lexicon().knows(fold(new)):
        SKIPPED[name] += 1
        return None
    return text[:start] + new + text[end:], start, start + len(new)


def _letter_garble(name: str, edit: Callable[[str, random.Random], str | None]) -> Injection:
    """An injection damaging one real word of the text with ``edit`` (None when the word does not allow it)."""

    def inject(text: str, rng: random.Random) -> tuple[str, int, int] | None:
        words = _real_words(text)
        for _ in range(10):
            if not words:
                return None
            match = rng.choice(words)
            new = edit(match.group(), rng)
            if new is None or new == match.group():
                continue
            planted = _plant(name, text, match.start(), match.end(), new)
            if planted is not None:
                return planted
        return None

    inject.__name__ = name.replace("-", "_")
    inject.__doc__ = edit.__doc__
    return inject


def similar_letter(word: str, rng: random.Random) -> str | None:
    """A letter replaced by one of similar shape (another dot pattern, hamza seat or stroke)."""
    places = [i for i, c in enumerate(word) if c in _SIMILAR]
    if not places:
        return None
    i = rng.choice(places)
    return word[:i] + rng.choice(_SIMILAR[word[i]]) + word[i + 1 :]


def keyboard_slip(word: str, rng: random.Random) -> str | None:
    """A letter replaced by a neighbouring key of the Arabic keyboard."""
    places = [i for i, c in enumerate(word) if c in _KEYBOARD]
    if not places:
        return None
    i = rng.choice(places)
    return word[:i] + rng.choice(_KEYBOARD[word[i]]) + word[i + 1 :]


def drop_letter(word: str, rng: random.Random) -> str | None:
    """A letter dropped."""
    i = rng.randrange(len(word))
    return word[:i] + word[i + 1 :]


def double_letter(word: str, rng: random.Random) -> str | None:
    """A letter written twice."""
    i = rng.randrange(len(word))
    return word[: i + 1] + word[i:]


def transpose_letters(word: str, rng: random.Random) -> str | None:
    """Two neighbouring letters swapped."""
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def fuse_words(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Two neighbouring words fused into one non-word: the start of the first and the end of the second
    («بشبه جزيرة» → «بجزيرة»-like «بجنرة»), the space between them lost."""
    lexicon = load_lexicon()
    pairs = []
    for match in ARABIC_WORD_RE.finditer(text):
        following = ARABIC_WORD_RE.match(text, match.end() + 1)
        first, second = match.group(), following.group() if following else ""
        if (
            following is not None
            and text[match.end()] == " "
            and len(first) >= 2
            and len(second) >= 4
            and not _MARKS_RE.search(first + second)
            and lexicon.knows(fold(second))
        ):
            pairs.append((match, following))
    for _ in range(10):
        if not pairs:
            return None
        left, right = rng.choice(pairs)
        head = left.group()[: rng.randint(1, len(left.group()) - 1)]
        tail = right.group()[rng.randint(0, min(2, len(right.group()) - 4)) :]
        if len(head + tail) < 4:
            continue
        planted = _plant("garble-fuse", text, left.start(), right.end(), head + tail)
        if planted is not None:
            return planted
    return None


GARBLES: dict[str, Injection] = {
    "garble-similar-letter": _letter_garble("garble-similar-letter", similar_letter),
    "garble-keyboard-slip": _letter_garble("garble-keyboard-slip", keyboard_slip),
    "garble-drop-letter": _letter_garble("garble-drop-letter", drop_letter),
    "garble-double-letter": _letter_garble("garble-double-letter", double_letter),
    "garble-transpose": _letter_garble("garble-transpose", transpose_letters),
    "garble-fuse": fuse_words,
}


def garble(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """One of the garbles above, chosen at random."""
    return GARBLES[rng.choice(sorted(GARBLES))](text, rng)


def join_words(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Drop the space after a short function word («في», «على», «إلى»...) so two words run together."""
    glue = ("في", "من", "على", "عن", "إلى", "أن", "التي", "الذي", "مع")
    spots = [m for m in ARABIC_WORD_RE.finditer(text) if m.group() in glue and text[m.end() : m.end() + 1] == " "]
    rng.shuffle(spots)
    for match in spots:
        following = ARABIC_WORD_RE.match(text, match.end() + 1)
        if following is None or len(following.group()) < 4:
            continue
        joined = match.group() + following.group()
        planted = _plant("join-words", text, match.start(), following.end(), joined)
        if planted is not None:
            return planted
    return None


def swap_entity_spelling(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Respell one occurrence of a name used at least twice (a long vowel added or dropped, or a g-letter
    swapped), as MT does with «زيلينسكي»/«زيلنسكي»."""
    lexicon = load_lexicon()
    glossary = load_glossary()
    names = {start for start, end, entry in glossary.find_arabic(text) if entry.kind == "person"}
    counts: dict[str, list[re.Match[str]]] = {}
    for match in ARABIC_WORD_RE.finditer(text):
        word = match.group()
        if len(word) >= 5 and (match.start() in names or not lexicon.knows(fold(word))):
            counts.setdefault(fold(word), []).append(match)
    repeated = [matches for matches in counts.values() if len(matches) >= 2]
    if not repeated:
        return None
    matches = rng.choice(repeated)
    match = rng.choice(matches)
    word = match.group()
    inner = [i for i in range(1, len(word) - 1)]
    for _ in range(20):
        i = rng.choice(inner)
        if word[i] in "يوا" and word[i - 1] not in "يوا":
            new = word[:i] + word[i + 1 :]  # drop a long vowel
        elif word[i] in "غج":
            new = word[:i] + ("ج" if word[i] == "غ" else "غ") + word[i + 1 :]
        elif word[i] not in "يوا" and word[i + 1] not in "يوا":
            new = word[: i + 1] + rng.choice("يو") + word[i + 1 :]  # add a long vowel
        else:
            continue
        if new != word:
            return _plant("entity-swap", text, match.start(), match.end(), new)
    return None


INJECTIONS: dict[str, tuple[Injection, str]] = {
    # A fusion that happens to split into two real words is words run together: G502 finds it, so any G5 counts.
    **{name: (inject, "G5" if name == "garble-fuse" else "G501") for name, inject in GARBLES.items()},
    "join-words": (join_words, "G502"),
    "entity-swap": (swap_entity_spelling, "C601"),
}


def all_injections() -> dict[str, tuple[Injection, str]]:
    injections = dict(INJECTIONS)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        other = importlib.import_module("injections_d2")
    except ImportError:
        return injections
    injections.update(getattr(other, "INJECTIONS", {}))
    return injections


def clean_articles() -> list[tuple[str, str]]:
    """Clean human Arabic as articles: NTREX by document, the others in windows of eight lines."""
    articles: list[tuple[str, str]] = []
    ntrex = (DATA / "ntrex/ref.ar.txt").read_text(encoding="utf-8").splitlines()
    ids = (DATA / "ntrex/doc_ids.tsv").read_text(encoding="utf-8").splitlines()
    documents: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, ntrex, strict=False):
        documents.setdefault(doc_id.split("\t")[0], []).append(line)
    articles += [(f"ntrex/{doc}", "\n".join(lines)) for doc, lines in documents.items()]
    for name in CLEAN_FILES[1:]:
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        for start in range(0, len(lines), 8):
            articles.append((f"{name}:{start + 1}", "\n".join(lines[start : start + 8])))
    return articles


def run_checks(checks: list[AnyCheck], texts: list[str]) -> list[list[Finding]]:
    contexts = [ArticleContext(Article(id=str(i), text=t)) for i, t in enumerate(texts)]
    found: list[list[Finding]] = [[] for _ in contexts]
    article_checks = [c for c in checks if isinstance(c, Check)]
    for index, ctx in enumerate(contexts):  # as the engine does: every article check on one article, then the next
        for article_check in article_checks:
            found[index].extend(article_check.run(ctx))
    for batch_check in checks:
        if isinstance(batch_check, BatchCheck):
            for index, finding in batch_check.run_batch(contexts):
                found[index].append(finding)
    return found


def false_alarms(checks: list[AnyCheck], articles: list[tuple[str, str]]) -> dict[str, object]:
    texts = [text for _, text in articles]
    words = sum(len(ARABIC_WORD_RE.findall(t)) for t in texts)
    start = time.perf_counter()
    found = run_checks(checks, texts)
    elapsed = time.perf_counter() - start
    by_check: dict[str, dict[str, int]] = {}
    examples: dict[str, list[str]] = {}
    for findings in found:
        for f in findings:
            counts = by_check.setdefault(f.check, {"major+": 0, "minor": 0, "info": 0})
            if f.severity.rank >= Severity.MAJOR.rank:
                counts["major+"] += 1
                examples.setdefault(f.check, []).append(f.text)
            else:
                counts[f.severity.value if f.severity is not Severity.CRITICAL else "major+"] += 1
    major = sum(c["major+"] for c in by_check.values())
    return {
        "words": words,
        "seconds": round(elapsed, 2),
        "words_per_second": round(words / elapsed),
        "major_per_1000_words": round(1000 * major / words, 3),
        "by_check": by_check,
        "major_examples": {k: v[:15] for k, v in examples.items()},
    }


def speed(checks: list[AnyCheck], articles: list[tuple[str, str]], rounds: int = 2) -> dict[str, float]:
    """Words per second of the checks (warm: lexicons loaded) and of one sacrebleu chrF pass over the same
    segments, alternated ``rounds`` times, best of each (the machine is shared; compare the ratio)."""
    import sacrebleu

    texts = [text for _, text in articles]
    lines = [line for text in texts for line in text.splitlines()]
    references = lines[1:] + lines[:1]
    words = sum(len(line.split()) for line in lines)
    best_checks = best_chrf = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        sacrebleu.CHRF().corpus_score(lines, [references])
        best_chrf = min(best_chrf, time.perf_counter() - start)
        start = time.perf_counter()
        run_checks(checks, texts)
        best_checks = min(best_checks, time.perf_counter() - start)
    return {
        "checks_words_per_second": round(words / best_checks),
        "chrf_words_per_second": round(words / best_chrf),
        "ratio": round(best_chrf / best_checks, 2),
    }


def _edit_bounds(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping it) of two texts."""
    lo, hi = 0, min(len(old), len(new))
    while lo < hi:  # binary search: slices compare in C
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, min(len(old), len(new)) - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def _carried_over(old: str, new: str, clean: list[Finding]) -> set[tuple[str, int, int]]:
    """The clean article's findings as (check, start, end) in the injected text's offsets (outside the edit)."""
    prefix, suffix = _edit_bounds(old, new)
    shift = len(new) - len(old)
    carried = set()
    for f in clean:
        if f.end <= prefix:
            carried.add((f.check, f.start, f.end))
        elif f.start >= len(old) - suffix:
            carried.add((f.check, f.start + shift, f.end + shift))
    return carried


def plant(articles: list[tuple[str, str]], inject: Injection, seed: int) -> list[tuple[str, str, int, int]]:
    """Up to TRIALS injections into randomly chosen articles: (clean text, injected text, start, end)."""
    rng = random.Random(seed)
    planted: list[tuple[str, str, int, int]] = []
    attempts = 0
    while len(planted) < TRIALS and attempts < TRIALS * 20:
        attempts += 1
        _, text = rng.choice(articles)
        result = inject(text, rng)
        if result is not None:
            planted.append((text, *result))
    return planted


def score(
    planted: list[tuple[str, str, int, int]],
    clean_found: list[list[Finding]],
    found: list[list[Finding]],
    expected: str,
) -> dict[str, object]:
    """Recall and (new-findings) precision of the ``expected`` check, at any severity and at major or above."""
    scores: dict[str, object] = {"trials": len(planted), "expected": expected}
    for label, minimum in (("any", Severity.MINOR), ("major", Severity.MAJOR)):
        hits = false_positives = 0
        for (old, new, start, end), clean, findings in zip(planted, clean_found, found, strict=True):
            before = _carried_over(old, new, [f for f in clean if f.check.startswith(expected)])
            relevant = [f for f in findings if f.severity.rank >= minimum.rank and f.check.startswith(expected)]
            overlapping = [f for f in relevant if f.start < end and start < f.end]
            hits += bool(overlapping)
            false_positives += sum(
                1 for f in relevant if f not in overlapping and (f.check, f.start, f.end) not in before
            )
        scores[label] = {
            "recall": round(hits / len(planted), 3) if planted else 0.0,
            "precision": round(hits / (hits + false_positives), 3) if hits + false_positives else 0.0,
            "hits": hits,
            "false_positives": false_positives,
        }
    return scores


def injection_scores(
    checks: list[AnyCheck], articles: list[tuple[str, str]], name: str, inject: Injection, prefix: str, seed: int
) -> dict[str, object]:
    """Plant ``inject`` TRIALS times and score the check ``prefix`` (its family is run, as the engine would)."""
    skipped_before = SKIPPED[name]
    planted = plant(articles, inject, seed)
    family = [c for c in checks if c.code.startswith(prefix[:2])]
    clean_found = run_checks(family, [old for old, _, _, _ in planted])
    found = run_checks(family, [new for _, new, _, _ in planted])
    scores = score(planted, clean_found, found, prefix)
    scores["skipped_real_words"] = SKIPPED[name] - skipped_before
    return scores


def pooled(results: list[dict[str, object]], expected: str) -> dict[str, object]:
    """Several injections' scores taken together (sums of trials, hits and false positives)."""
    scores: dict[str, object] = {"expected": expected}
    scores["trials"] = trials = sum(int(r["trials"]) for r in results)  # type: ignore[call-overload]
    scores["skipped_real_words"] = sum(int(r.get("skipped_real_words", 0)) for r in results)  # type: ignore[call-overload]
    for label in ("any", "major"):
        hits = sum(r[label]["hits"] for r in results)  # type: ignore[index]
        false_positives = sum(r[label]["false_positives"] for r in results)  # type: ignore[index]
        scores[label] = {
            "recall": round(hits / trials, 3) if trials else 0.0,
            "precision": round(hits / (hits + false_positives), 3) if hits + false_positives else 0.0,
            "hits": hits,
            "false_positives": false_positives,
        }
    return scores


def _iter_injections() -> Iterator[tuple[str, Injection, str]]:
    for name, (inject, prefix) in all_injections().items():
        yield name, inject, prefix


def main() -> int:
    if not DATA.is_dir():
        print(f"no data at {DATA}; nothing to measure")
        return 0
    articles = clean_articles()
    checks = build_checks(select=["G5", "C6", "S7", "A8", "M9"])
    results: dict[str, object] = {"checks": [c.code for c in checks]}
    print("checks:", ", ".join(c.code for c in checks))
    own = [c for c in checks if c.code[:2] in ("G5", "C6")]
    results["false_alarms_own"] = own_fa = false_alarms(own, articles)
    results["false_alarms_all"] = all_fa = false_alarms(checks, articles)
    results["speed_own"] = own_speed = speed(own, articles)
    results["speed_all"] = all_speed = speed(checks, articles)
    print(f"clean words: {own_fa['words']}")
    print(f"G5+C6: {own_fa['major_per_1000_words']} major/1000 words; by check {json.dumps(own_fa['by_check'])}")
    print(f"all benchmarked checks: {all_fa['major_per_1000_words']} major/1000 words")
    print(f"speed G5+C6 (warm) vs sacrebleu chrF on the same segments: {json.dumps(own_speed)}")
    print(f"speed all benchmarked checks vs chrF: {json.dumps(all_speed)}")
    print("by check:", json.dumps(all_fa["by_check"], ensure_ascii=False))
    injections: dict[str, dict[str, object]] = {}
    for seed, (name, inject, prefix) in enumerate(_iter_injections()):
        scores = injection_scores(checks, articles, name, inject, prefix, seed)
        injections[name] = scores
        _print_scores(name, scores)
    garbles = [injections[name] for name in GARBLES if name in injections]
    if garbles:
        injections["garble (all kinds)"] = total = pooled(garbles, "G501")
        _print_scores("garble (all kinds)", total)
    results["injections"] = injections
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


def _print_scores(name: str, scores: dict[str, object]) -> None:
    shown = {k: scores[k] for k in ("trials", "skipped_real_words", "any", "major") if k in scores}
    print(f"{name:>28} ({scores['expected']}): {json.dumps(shown)}")


if __name__ == "__main__":
    sys.exit(main())
