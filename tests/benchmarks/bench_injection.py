"""Error-injection benchmark: plant known errors in clean human Arabic and measure each check's recall/precision.

Interface shared by the injection modules (this file owns the harness and the garble / entity-swap injections;
``tests/benchmarks/injections_d2.py``, when present, adds more):

    def inject(text: str, rng: random.Random) -> tuple[str, int, int] | None

An injection takes one clean segment and returns the changed text and the character span ``[start, end)`` of
the planted error in the NEW text, or ``None`` when the segment offers no place for it. Each module exposes

    INJECTIONS: dict[str, tuple[Callable[[str, random.Random], tuple[str, int, int] | None], str]]

mapping an injection name to ``(function, expected check-code prefix)``, e.g. ``{"garble": (garble, "G5")}``.
A finding of a check with that prefix overlapping the planted span is a hit (recall); a finding of any check of
the benchmarked families that does not overlap the planted span counts as a false positive (precision).
"""

from __future__ import annotations

import importlib
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from audit.checks import build_checks
from audit.checks.base import AnyCheck, ArticleContext, BatchCheck, Check
from audit.glossary import load_glossary
from audit.lexicon import fold, load_lexicon
from audit.model import Article, Finding, Severity
from audit.text import ARABIC_WORD_RE

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "reports" / "bench" / "injection.json"
CLEAN_FILES = ("ntrex/ref.ar.txt", "flores-devtest/ref-a.ar.txt", "flores-devtest/ref-b.ar.txt", "tico19/ref.ar.txt")
TRIALS = 300
Injection = Callable[[str, random.Random], "tuple[str, int, int] | None"]

ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def garble(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Damage one real word (4+ letters, known to Aspell): substitute, delete, insert or transpose a letter.

    Only non-words are planted (the result must be unknown to Aspell): an edit that yields another real word is
    a real-word error, which no lexicon check can see.
    """
    lexicon = load_lexicon(("aspell",))
    words = [m for m in ARABIC_WORD_RE.finditer(text) if len(m.group()) >= 4 and lexicon.knows(m.group())]
    for _ in range(20):
        if not words:
            return None
        match = rng.choice(words)
        word = match.group()
        i = rng.randrange(len(word))
        operation = rng.choice("sdit")
        if operation == "s":
            new = word[:i] + rng.choice(ALPHABET) + word[i + 1 :]
        elif operation == "d":
            new = word[:i] + word[i + 1 :]
        elif operation == "i":
            new = word[:i] + rng.choice(ALPHABET) + word[i:]
        else:
            if i >= len(word) - 1:
                continue
            new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if new == word or lexicon.knows(new):
            continue
        return text[: match.start()] + new + text[match.end() :], match.start(), match.start() + len(new)
    return None


def join_words(text: str, rng: random.Random) -> tuple[str, int, int] | None:
    """Drop the space after a short function word («في», «على», «إلى»...) so two words run together."""
    glue = ("في", "من", "على", "عن", "إلى", "أن", "التي", "الذي", "مع")
    spots = [m for m in ARABIC_WORD_RE.finditer(text) if m.group() in glue and text[m.end() : m.end() + 1] == " "]
    rng.shuffle(spots)
    for match in spots:
        following = ARABIC_WORD_RE.match(text, match.end() + 1)
        if following is None or len(following.group()) < 4:
            continue
        new = text[: match.end()] + text[match.end() + 1 :]
        return new, match.start(), following.end() - 1
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
        if len(word) >= 5 and (match.start() in names or not lexicon.knows(word)):
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
            return text[: match.start()] + new + text[match.end() :], match.start(), match.start() + len(new)
    return None


INJECTIONS: dict[str, tuple[Injection, str]] = {
    "garble": (garble, "G501"),
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
        for check in article_checks:
            found[index].extend(check.run(ctx))
    for check in checks:
        if isinstance(check, BatchCheck):
            for index, finding in check.run_batch(contexts):
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


def injection_scores(
    checks: list[AnyCheck], articles: list[tuple[str, str]], name: str, inject: Injection, prefix: str, seed: int
) -> dict[str, object]:
    rng = random.Random(seed)
    family = [c for c in checks if c.code.startswith(prefix[:2])]
    planted: list[tuple[str, int, int]] = []
    attempts = 0
    while len(planted) < TRIALS and attempts < TRIALS * 20:
        attempts += 1
        _, text = rng.choice(articles)
        result = inject(text, rng)
        if result is not None:
            planted.append(result)
    found = run_checks(family, [text for text, _, _ in planted])
    scores: dict[str, object] = {"trials": len(planted), "expected": prefix}
    for label, minimum in (("any", Severity.MINOR), ("major", Severity.MAJOR)):
        hits = false_positives = 0
        for (_, start, end), findings in zip(planted, found, strict=True):
            relevant = [f for f in findings if f.severity.rank >= minimum.rank and f.check.startswith(prefix)]
            overlapping = [f for f in relevant if f.start < end and start < f.end]
            hits += bool(overlapping)
            false_positives += len(relevant) - len(overlapping)
        recall = hits / len(planted) if planted else 0.0
        precision = hits / (hits + false_positives) if hits + false_positives else 0.0
        scores[label] = {
            "recall": round(recall, 3),
            "precision": round(precision, 3),
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
    print(f"G5+C6: {own_fa['major_per_1000_words']} major/1000 words")
    print(f"all benchmarked checks: {all_fa['major_per_1000_words']} major/1000 words")
    print(f"speed G5+C6 (warm) vs sacrebleu chrF on the same segments: {json.dumps(own_speed)}")
    print(f"speed all benchmarked checks vs chrF: {json.dumps(all_speed)}")
    print("by check:", json.dumps(all_fa["by_check"], ensure_ascii=False))
    injections: dict[str, object] = {}
    for seed, (name, inject, prefix) in enumerate(_iter_injections()):
        scores = injection_scores(checks, articles, name, inject, prefix, seed)
        injections[name] = scores
        print(f"{name:>16} ({prefix}): {json.dumps({k: scores[k] for k in ('trials', 'any', 'major')})}")
    results["injections"] = injections
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
