"""``audit fix`` on clean human Arabic with planted defects: how much closer to the clean text it gets.

Clean text: NTREX articles (grouped by doc_ids.tsv) and TICO-19 in blocks of 10 lines from ../shared/data.
For each defect kind, one defect is planted in each of up to ``ARTICLES`` articles; ``audit fix`` (the
library call behind the command: audit, apply the fixes, audit again) corrects the batch, safe fixes
only for the safe kinds and with ``--unsafe`` for the kinds only an unsafe fix repairs. Reported per kind:
corpus chrF (sacrebleu) of the damaged articles against the clean originals, of the fixed articles against
the same originals, the gain, and the share of articles restored character for character. The same run on
the clean articles themselves (nothing planted) shows what the fixes change in human text.

Run: python tests/benchmarks/bench_fix.py  (writes reports/bench/fix.json)
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_duplication_punctuation import (  # noqa: E402
    detached_prefix,
    doubled_comma,
    invisible_mark,
    latin_comma,
    presentation_forms,
    repeat_block,
    repeat_sentence,
    spaced_comma,
    stutter_phrase,
    tatweel_dash,
)

from audit.config import Config  # noqa: E402
from audit.fixes import fix_batch  # noqa: E402
from audit.glossary import load_glossary  # noqa: E402
from audit.model import Article  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "reports" / "bench" / "fix.json"
SEED = 20240613
ARTICLES = 60

Planted = tuple[str, int, int] | None
_WORD_RE = re.compile("[\u0621-\u064a]+")


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def clean_articles() -> dict[str, list[str]]:
    ids = _lines(DATA / "ntrex" / "doc_ids.tsv")
    docs: dict[str, list[str]] = defaultdict(list)
    for doc_id, line in zip(ids, _lines(DATA / "ntrex" / "ref.ar.txt"), strict=True):
        docs[doc_id.strip()].append(line)
    tico = _lines(DATA / "tico19" / "ref.ar.txt")
    return {
        "ntrex": ["\n".join(v) + "\n" for v in docs.values()],
        "tico19": ["\n".join(tico[i : i + 10]) + "\n" for i in range(0, len(tico), 10)],
    }


# --- kinds not planted by the duplication/punctuation bench ---------------------------------------------------

_RESIDUE_TAILS = (
    "\nLeave a Reply\nYour email address will not be published.\n",
    "\nSource link\n",
    "\nShare this:\nTwitter\nFacebook\n",
    "\nRelated Posts\n",
)


def residue_lines(text: str, rng: random.Random) -> Planted:
    tail = rng.choice(_RESIDUE_TAILS)
    return text + tail.lstrip("\n"), len(text), len(text) + len(tail) - 1


def image_file_name(text: str, rng: random.Random) -> Planted:
    line = f"gettyimages-{rng.randint(10**9, 10**10 - 1)}.jpg\n"
    return line + text, 0, len(line) - 1


def wire_tag(text: str, rng: random.Random) -> Planted:
    tag = rng.choice(("(SeaPRwire) – ", "(PRNewswire) - "))
    return tag + text, 0, len(tag)


def spaced_percent(text: str, rng: random.Random) -> Planted:
    spots = [m.start() for m in re.finditer("[0-9٠-٩][%٪]", text)]
    if not spots:
        return None
    i = rng.choice(spots) + 1
    return text[:i] + " " + text[i:], i, i + 2


def split_phrase(text: str, rng: random.Random) -> Planted:
    """A full stop inside a two-word phrase the article writes in one piece elsewhere («جاريد. كوشنر»)."""
    words = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    pairs: Counter[tuple[str, str]] = Counter()
    spots: dict[tuple[str, str], list[int]] = defaultdict(list)
    for (a, _, a_end), (b, b_start, _) in pairwise(words):
        if text[a_end:b_start] == " " and len(a) >= 4 and len(b) >= 4:
            pairs[(a, b)] += 1
            spots[(a, b)].append(a_end)
    repeated = [pair for pair, n in pairs.items() if n >= 2]
    if not repeated:
        return None
    pair = rng.choice(sorted(repeated))
    at = rng.choice(spots[pair])
    return text[:at] + ". " + text[at + 1 :], at, at + 2


def latin_name(text: str, rng: random.Random) -> Planted:
    """One occurrence of a glossary name the article writes twice or more, in its English spelling."""
    options = []
    for entry in load_glossary().entries:
        if entry.kind not in ("person", "place") or not entry.en.replace(" ", "").isalpha():
            continue
        for form in entry.ar:
            found = [m.start() for m in re.finditer(rf"(?<![\u0621-\u064a]){re.escape(form)}(?![\u0621-\u064a])", text)]
            if len(found) >= 2:
                options.append((entry.en, form, found))
    if not options:
        return None
    english, form, found = rng.choice(sorted(options))
    at = rng.choice(found[1:])
    return text[:at] + english + text[at + len(form) :], at, at + len(english)


def swapped_letters(text: str, rng: random.Random) -> Planted:
    words = [m for m in _WORD_RE.finditer(text) if len(m.group()) >= 6]
    if not words:
        return None
    m = rng.choice(words)
    i = m.start() + rng.randint(1, len(m.group()) - 3)
    if text[i] == text[i + 1]:
        return None
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :], m.start(), m.end()


#: kind -> (planter, fix applicability needed, the check expected to fix it)
KINDS: dict[str, tuple[Callable[[str, random.Random], Planted], str, str]] = {
    "residue lines": (residue_lines, "safe", "B201"),
    "image file name": (image_file_name, "safe", "B202"),
    "wire tag": (wire_tag, "safe", "B203"),
    "repeated block": (repeat_block, "safe", "D301"),
    "repeated sentence": (repeat_sentence, "safe", "D302"),
    "space before comma": (spaced_comma, "safe", "P401"),
    "Latin comma": (latin_comma, "safe", "P402"),
    "space before percent": (spaced_percent, "safe", "P404"),
    "tatweel dash": (tatweel_dash, "safe", "P405"),
    "doubled comma": (doubled_comma, "safe", "P406"),
    "detached prefix": (detached_prefix, "safe", "P407"),
    "invisible controls": (invisible_mark, "safe", "P408"),
    "presentation forms": (presentation_forms, "safe", "P409"),
    "split phrase": (split_phrase, "safe", "S701"),
    "Latin name": (latin_name, "safe", "U102"),
    "stuttered phrase": (stutter_phrase, "unsafe", "D303"),
    "swapped letters": (swapped_letters, "unsafe", "G501"),
}


def chrf(hypotheses: list[str], references: list[str], whitespace: bool = True) -> float:
    """Corpus chrF; with ``whitespace`` (the figure reported first) spaces count as characters, so a space
    before a comma or a detached prefix is visible to it (sacrebleu's default chrF drops white space)."""
    return float(sacrebleu.CHRF(whitespace=whitespace).corpus_score(hypotheses, [references]).score)


def run_kind(name: str, texts: list[str], config: Config, only_expected: bool = False) -> dict[str, object]:
    plant, applicability, check = KINDS[name]
    rng = random.Random(f"{SEED}-{name}")
    clean, damaged = [], []
    for text in rng.sample(texts, len(texts)):
        if len(clean) >= ARTICLES:
            break
        planted = plant(text, rng)
        if planted is None or planted[0] == text:
            continue
        clean.append(text)
        damaged.append(planted[0])
    if not clean:
        return {"articles": 0}
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(damaged)]
    started = time.perf_counter()
    if only_expected:
        config = replace(config, select=(check,))
    outcome = fix_batch(articles, config, unsafe=applicability == "unsafe")
    elapsed = time.perf_counter() - started
    fixed = [s.text for s in outcome.articles]
    before, after = chrf(damaged, clean), chrf(fixed, clean)
    plain_before, plain_after = chrf(damaged, clean, whitespace=False), chrf(fixed, clean, whitespace=False)
    by_check = Counter(f.check for s in outcome.articles for f in s.fixed)
    return {
        "articles": len(clean),
        "fixes": applicability,
        "expected_check": check,
        "chrf_damaged": round(before, 2),
        "chrf_fixed": round(after, 2),
        "chrf_gain": round(after - before, 2),
        "chrf_default_damaged": round(plain_before, 2),
        "chrf_default_fixed": round(plain_after, 2),
        "chrf_default_gain": round(plain_after - plain_before, 2),
        "restored_exactly": round(sum(f == c for f, c in zip(fixed, clean, strict=True)) / len(clean), 3),
        "fixes_applied": dict(sorted(by_check.items())),
        "seconds": round(elapsed, 1),
    }


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    config = Config(jobs=1)
    corpora = clean_articles()
    texts = [t for group in corpora.values() for t in group]
    report: dict[str, object] = {"articles_per_kind": ARTICLES, "kinds": {}}
    kinds: dict[str, object] = {}
    print(
        f"{'kind':22s} {'n':>3s} {'fixes':6s} {'chrF damaged':>12s} {'fixed':>7s} {'gain':>6s} {'exact':>6s}  "
        "(chrF without white space: gain)"
    )
    for name in KINDS:
        row = run_kind(name, texts, config)
        kinds[name] = row
        if row["articles"]:
            print(
                f"{name:22s} {row['articles']:>3} {row['fixes']:6s} {row['chrf_damaged']:>12.2f} "
                f"{row['chrf_fixed']:>7.2f} {row['chrf_gain']:>+6.2f} {row['restored_exactly']:>6.2f}  "
                f"{row['chrf_default_gain']:>+6.2f}"
            )
    for name, (_, applicability, check) in KINDS.items():
        if applicability != "unsafe":
            continue
        row = run_kind(name, texts, config, only_expected=True)
        kinds[f"{name} (--select {check})"] = row
        print(
            f"{name + ' (' + check + ' only)':22s} {row['articles']:>3} {row['fixes']:6s} {row['chrf_damaged']:>12.2f} "
            f"{row['chrf_fixed']:>7.2f} {row['chrf_gain']:>+6.2f} {row['restored_exactly']:>6.2f}  "
            f"{row['chrf_default_gain']:>+6.2f}"
        )
    report["kinds"] = kinds
    # the clean articles themselves: what do the safe and the unsafe fixes change in human text?
    sample = random.Random(SEED).sample(texts, min(len(texts), 2 * ARTICLES))
    control: dict[str, object] = {}
    for unsafe in (False, True):
        outcome = fix_batch([Article(id=f"c{i}", text=t) for i, t in enumerate(sample)], config, unsafe=unsafe)
        fixed = [s.text for s in outcome.articles]
        control["unsafe" if unsafe else "safe"] = {
            "articles": len(sample),
            "chrf_fixed_vs_clean": round(chrf(fixed, sample), 2),
            "chrf_default_fixed_vs_clean": round(chrf(fixed, sample, whitespace=False), 2),
            "articles_changed": sum(f != c for f, c in zip(fixed, sample, strict=True)),
            "fixes_applied": dict(sorted(Counter(f.check for s in outcome.articles for f in s.fixed).items())),
        }
        row = control["unsafe" if unsafe else "safe"]
        print(f"clean text, {'unsafe' if unsafe else 'safe'} fixes: {row}")
    report["clean_control"] = control
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
