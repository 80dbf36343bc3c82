"""Damage benchmark: break clean human Arabic the way machine translation does and measure what the garbled-word
(G5xx) and broken-sentence (S7xx) checks catch.

Kinds of damage (each planted on its own copy of the text, one place about every 60 words):

- ``letters-2`` / ``letters-3``: two or three letter edits in one word (a letter replaced by a random one, by one of
  similar shape or by a neighbouring key; a letter dropped, added or swapped with its neighbour);
- ``swap-neighbours``: a letter of one word exchanged with a letter of the next word (both words damaged);
- ``fused``: two neighbouring words written as one, a letter or two lost at the joint («بشبه جزيرة» → «بشبجزيرة»);
- ``split``: a space put inside a word, both pieces non-words («الحكومة» → «الحك ومة»);
- ``cut-short``: the last one to three letters of a word missing;
- ``full-stop``: a full stop dropped between two words inside a sentence («بما. في ذلك»).

A damage that leaves only real words (known to the lexicons) is not planted and is counted as skipped: no
reference-free check can see a real-word error. Damage goes on words of four letters or more (a full stop after
any word of two letters or more), and never on the first or last word of a line.

Scores. A finding of the expected check family (G5 for words, S7 for full stops) overlapping a damaged span is a
hit: recall at any severity and at major or above. Precision: of the expected family's findings on the damaged
text that the clean text did not already have (same check and text), the share that overlaps a damaged span.
False alarms: major and critical findings of every reference-free check on the untouched text, per 1000 words.
Start-up: the wall time of ``audit check`` on one short article in a fresh process, the second of two runs (warm
cache), and the first run's time.

Data: tuned on FLORES devtest (both references) and TICO-19, in blocks of 10 lines; held out: NTREX, whole
articles. ``--split tune`` or ``--split heldout`` runs one part (default: both). Figures are written to
``reports/bench/damage.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from audit.arabic.lexicon import fold, load_lexicon  # noqa: E402
from audit.arabic.orthography import ARABIC_MARKS, ARABIC_WORD_RE  # noqa: E402
from audit.checks import build_checks  # noqa: E402
from audit.checks.base import AnyCheck, ArticleContext, BatchCheck, Check  # noqa: E402
from audit.model import Article, Finding, Severity  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "reports" / "bench" / "damage.json"
LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
SIMILAR_SHAPES = ("بتثني", "جحخ", "دذ", "رز", "سش", "صض", "طظ", "عغ", "فق", "هة", "اأإآ", "وؤ", "يىئ")
_SIMILAR = {a: "".join(b for b in group if b != a) for group in SIMILAR_SHAPES for a in group}
KEYBOARD_ROWS = ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرىةوزظ")
_MARKS_RE = re.compile(f"[{ARABIC_MARKS}]")
#: One damage about every this many words of an article.
SPACING = 60


def _keyboard() -> dict[str, str]:
    near: dict[str, set[str]] = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for i, key in enumerate(row):
            around = near.setdefault(key, set())
            around.update(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
            for other_row, offsets in ((r - 1, (0, 1)), (r + 1, (-1, 0))):
                if 0 <= other_row < len(KEYBOARD_ROWS):
                    other = KEYBOARD_ROWS[other_row]
                    around.update(other[i + d] for d in offsets if 0 <= i + d < len(other))
    return {k: "".join(sorted(v)) for k, v in near.items()}


_KEYBOARD = _keyboard()


@dataclass(frozen=True)
class Planted:
    """A damaged copy of an article: the new text and the damaged spans in it."""

    text: str
    spans: tuple[tuple[int, int], ...]


# ---- the edits --------------------------------------------------------------------------------------------------


def _letter_edit(word: str, rng: random.Random, avoid: set[int]) -> tuple[str, int] | None:
    """One MT-like letter edit of ``word`` away from the positions in ``avoid``; (new word, position)."""
    places = [i for i in range(len(word)) if i not in avoid]
    if not places:
        return None
    i = rng.choice(places)
    kind = rng.choices(("random", "similar", "keyboard", "drop", "add", "swap"), (35, 20, 15, 12, 8, 10))[0]
    letter = word[i]
    if kind == "similar" and letter in _SIMILAR:
        return word[:i] + rng.choice(_SIMILAR[letter]) + word[i + 1 :], i
    if kind == "keyboard" and letter in _KEYBOARD:
        return word[:i] + rng.choice(_KEYBOARD[letter]) + word[i + 1 :], i
    if kind == "drop" and len(word) > 4:
        return word[:i] + word[i + 1 :], i
    if kind == "add":
        return word[:i] + rng.choice(LETTERS) + word[i:], i
    if kind == "swap" and i + 1 < len(word) and word[i] != word[i + 1] and i + 1 not in avoid:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :], i
    return word[:i] + rng.choice(LETTERS.replace(letter, "")) + word[i + 1 :], i


def letters(count: int) -> Callable[[list[str], int, random.Random], list[str] | None]:
    def damage(words: list[str], i: int, rng: random.Random) -> list[str] | None:
        word, touched = words[i], set[int]()
        if len(word) < 4 + count - 2:
            return None
        for _ in range(count):
            edited = _letter_edit(word, rng, touched)
            if edited is None:
                return None
            word, at = edited
            touched.update({at - 1, at, at + 1})
        return [word]

    return damage


def swap_neighbours(words: list[str], i: int, rng: random.Random) -> list[str] | None:
    first, second = words[i], words[i + 1]
    if len(second) < 4:
        return None
    a, b = rng.randrange(1, len(first)), rng.randrange(1, len(second))
    if first[a] == second[b]:
        return None
    return [first[:a] + second[b] + first[a + 1 :], second[:b] + first[a] + second[b + 1 :]]


def fused(words: list[str], i: int, rng: random.Random) -> list[str] | None:
    first, second = words[i], words[i + 1]
    if len(second) < 4:
        return None
    lost = rng.choice((0, 1, 1, 2))
    head = first[: len(first) - lost // 2] if lost else first
    tail = second[lost - lost // 2 :]
    return [head + tail]


def split(words: list[str], i: int, rng: random.Random) -> list[str] | None:
    word = words[i]
    if len(word) < 5:
        return None
    cut = rng.randrange(2, len(word) - 1)
    return [word[:cut] + " " + word[cut:]]


def cut_short(words: list[str], i: int, rng: random.Random) -> list[str] | None:
    word = words[i]
    lost = rng.choice((1, 1, 2, 3))
    if len(word) - lost < 3:
        return None
    return [word[:-lost]]


def full_stop(words: list[str], i: int, rng: random.Random) -> list[str] | None:
    return [words[i] + "."]


#: name -> (edit, how many words it replaces, expected check family)
DAMAGES: dict[str, tuple[Callable[[list[str], int, random.Random], list[str] | None], int, str]] = {
    "letters-2": (letters(2), 1, "G5"),
    "letters-3": (letters(3), 1, "G5"),
    "swap-neighbours": (swap_neighbours, 2, "G5"),
    "fused": (fused, 2, "G5"),
    "split": (split, 1, "G5"),
    "cut-short": (cut_short, 1, "G5"),
    "full-stop": (full_stop, 1, "S7"),
}


# ---- planting ---------------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\S+")


def _word_sites(line: str) -> list[re.Match[str]]:
    """The whitespace-separated tokens of a line (punctuation included, so sites can be checked for it)."""
    return list(_TOKEN_RE.finditer(line))


def _is_plain_word(token: str) -> bool:
    return ARABIC_WORD_RE.fullmatch(token) is not None and not _MARKS_RE.search(token)


def plant(text: str, kind: str, rng: random.Random) -> tuple[Planted | None, int]:
    """Damage ``text`` at about one place per :data:`SPACING` words; (damaged copy or None, skipped count)."""
    edit, width, _family = DAMAGES[kind]
    lexicon = load_lexicon()
    lines = text.split("\n")
    sites = {n: tokens for n, line in enumerate(lines) if len(tokens := _word_sites(line)) >= 4}
    wanted = max(1, sum(map(len, sites.values())) // SPACING)
    candidates = [(n, k) for n, tokens in sites.items() for k in range(1, len(tokens) - width)]
    rng.shuffle(candidates)
    chosen: dict[int, list[tuple[int, list[str]]]] = {}
    skipped = 0
    used: set[tuple[int, int]] = set()
    for n, k in candidates:
        if sum(len(v) for v in chosen.values()) >= wanted:
            break
        tokens = sites[n]
        group = [t.group() for t in tokens[k : k + width]]
        neighbours = {(n, j) for j in range(k - 3, k + width + 3)}
        shortest = 2 if kind == "full-stop" else 4
        if used & neighbours or not all(_is_plain_word(w) for w in group) or min(map(len, group)) < shortest:
            continue
        if kind == "full-stop" and not _is_plain_word(tokens[k + 1].group()):
            continue
        words = [t.group() for t in tokens]
        new = edit(words, k, rng)
        if new is None:
            continue
        if kind != "full-stop":
            pieces = [p for w in new for p in w.split()]
            if all(lexicon.knows(fold(p)) for p in pieces):
                skipped += 1
                continue
        used.update(neighbours)
        chosen.setdefault(n, []).append((k, new))
    if not chosen:
        return None, skipped
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    offset = 0
    for n, line in enumerate(lines):
        edits = sorted(chosen.get(n, []))
        if edits:
            tokens = sites[n]
            pieces: list[str] = []
            cursor = 0
            for k, new in edits:
                start, end = tokens[k].start(), tokens[k + width - 1].end()
                pieces.append(line[cursor:start])
                at = offset + sum(map(len, pieces))
                replacement = " ".join(new)
                pieces.append(replacement)
                spans.append((at, at + len(replacement)))
                cursor = end
            pieces.append(line[cursor:])
            line = "".join(pieces)
        out.append(line)
        offset += len(line) + 1
    return Planted("\n".join(out), tuple(spans)), skipped


# ---- data -------------------------------------------------------------------------------------------------------


def _lines(name: str) -> list[str]:
    return (DATA / name).read_text(encoding="utf-8").splitlines()


def heldout_articles() -> list[Article]:
    """NTREX: whole news articles by ``doc_ids.tsv``."""
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(_lines("ntrex/doc_ids.tsv"), _lines("ntrex/ref.ar.txt"), strict=True):
        docs.setdefault(doc_id.split("\t")[0].strip(), []).append(line)
    return [Article(id=f"ntrex/{k}", text="\n".join(v) + "\n") for k, v in docs.items()]


def tune_articles() -> list[Article]:
    """FLORES devtest (both references) and TICO-19 in blocks of 10 lines."""
    articles = []
    for name in ("flores-devtest/ref-a.ar.txt", "flores-devtest/ref-b.ar.txt", "tico19/ref.ar.txt"):
        lines = _lines(name)
        for i in range(0, len(lines), 10):
            articles.append(Article(id=f"{name}:{i + 1}", text="\n".join(lines[i : i + 10]) + "\n"))
    return articles


# ---- running the checks -----------------------------------------------------------------------------------------


def run_checks(checks: Sequence[AnyCheck], texts: Sequence[str]) -> list[list[Finding]]:
    contexts = [ArticleContext(Article(id=str(i), text=t)) for i, t in enumerate(texts)]
    found: list[list[Finding]] = [[] for _ in contexts]
    for index, ctx in enumerate(contexts):
        for check in checks:
            if isinstance(check, Check):
                found[index].extend(check.run(ctx))
    for check in checks:
        if isinstance(check, BatchCheck):
            for index, finding in check.run_batch(contexts):
                found[index].append(finding)
    return found


def _overlaps(finding: Finding, span: tuple[int, int], kind: str) -> bool:
    start, end = span
    if kind == "full-stop":  # the stop and the words on either side of it
        return finding.start <= end + 12 and finding.end >= start - 12 and finding.start < end + 12
    return finding.start < end and finding.end > start


def damage_scores(checks: Sequence[AnyCheck], articles: Sequence[Article], kind: str, seed: int) -> dict[str, object]:
    family = DAMAGES[kind][2]
    rng = random.Random(seed)
    planted: list[tuple[Article, Planted]] = []
    skipped = 0
    for article in articles:
        copy, lost = plant(article.text, kind, rng)
        skipped += lost
        if copy is not None:
            planted.append((article, copy))
    own = [c for c in checks if c.code.startswith(family)]
    clean = run_checks(own, [a.text for a, _ in planted])
    damaged = run_checks(own, [p.text for _, p in planted])
    hits = {"any": 0, "major": 0}
    total = 0
    new_findings = on_target = 0
    missed: list[str] = []
    for (_article, copy), before, after in zip(planted, clean, damaged, strict=True):
        for span in copy.spans:
            total += 1
            over = [f for f in after if _overlaps(f, span, kind)]
            if over:
                hits["any"] += 1
            else:
                context = 20 if kind == "full-stop" else 0
                missed.append(copy.text[max(0, span[0] - context) : span[1] + context])
            if any(f.severity.rank >= Severity.MAJOR.rank for f in over):
                hits["major"] += 1
        already = Counter((f.check, f.text) for f in before)
        for f in after:
            if already[(f.check, f.text)] > 0:
                already[(f.check, f.text)] -= 1
                continue
            new_findings += 1
            on_target += any(_overlaps(f, span, kind) for span in copy.spans)
    return {
        "family": family,
        "planted": total,
        "skipped_real_words": skipped,
        "recall_any": round(hits["any"] / max(total, 1), 3),
        "recall_major": round(hits["major"] / max(total, 1), 3),
        "precision": round(on_target / max(new_findings, 1), 3),
        "missed_examples": missed[:40],
    }


def false_alarms(checks: Sequence[AnyCheck], articles: Sequence[Article]) -> dict[str, object]:
    found = run_checks(checks, [a.text for a in articles])
    words = sum(len(ARABIC_WORD_RE.findall(a.text)) for a in articles)
    major = [f for fs in found for f in fs if f.severity.rank >= Severity.MAJOR.rank]
    minor = sum(1 for fs in found for f in fs if f.severity is Severity.MINOR)
    return {
        "words": words,
        "major_critical": len(major),
        "major_critical_per_1000_words": round(1000 * len(major) / max(words, 1), 3),
        "minor_per_1000_words": round(1000 * minor / max(words, 1), 3),
        "by_check": dict(Counter(f.check for f in major).most_common()),
        "examples": [f"{f.check} {f.text}" for f in major[:20]],
    }


def startup(article: Article) -> dict[str, float]:
    """Wall time of ``audit check`` on one article in a fresh process: the first run and a second (warm) one."""
    times = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_text(article.text, encoding="utf-8")
        command = [sys.executable, "-m", "audit", "check", str(path), "--output", str(Path(folder) / "out")]
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, capture_output=True, check=False, timeout=600)
            times.append(time.perf_counter() - started)
    return {
        "words": len(ARABIC_WORD_RE.findall(article.text)),
        "first_s": round(times[0], 3),
        "warm_s": round(min(times[1:]), 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=("tune", "heldout", "both"), default="both")
    parser.add_argument("--kinds", default=",".join(DAMAGES), help="comma-separated kinds of damage")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    splits = {"heldout": heldout_articles, "tune": tune_articles}
    chosen = list(splits) if args.split == "both" else [args.split]
    kinds = [k for k in args.kinds.split(",") if k]
    checks = build_checks()
    results: dict[str, object] = {}
    shortest = min(heldout_articles(), key=lambda a: abs(len(a.text.split()) - 250))
    results["startup"] = start = startup(shortest)
    print(f"audit check of one {start['words']}-word article: first run {start['first_s']} s, warm {start['warm_s']} s")
    for name in chosen:
        articles = splits[name]()
        part: dict[str, object] = {"articles": len(articles)}
        part["false_alarms"] = fa = false_alarms(checks, articles)
        print(f"[{name}] {len(articles)} articles, {fa['words']} words")
        print(
            f"[{name}] untouched text: {fa['major_critical_per_1000_words']} major+critical per 1000 words "
            f"{fa['by_check']}; minor {fa['minor_per_1000_words']} per 1000 words"
        )
        for seed, kind in enumerate(kinds):
            scores = damage_scores(checks, articles, kind, seed)
            part[kind] = scores
            print(
                f"[{name}] {kind:<16} ({scores['family']}) planted {scores['planted']:>4} "
                f"recall any {scores['recall_any']:.3f} major {scores['recall_major']:.3f} "
                f"precision {scores['precision']:.3f} (skipped real words {scores['skipped_real_words']})"
            )
        results[name] = part
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
