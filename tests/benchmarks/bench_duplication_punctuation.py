"""Duplication (D3xx) and punctuation (P4xx) checks: false alarms, detection of planted errors, speed, scaling.

- False alarms: findings of these checks on clean human Arabic from ../shared/data (NTREX grouped into
  articles by doc_ids.tsv; FLORES references and TICO-19 in blocks of 10 lines), per 1000 words, by severity.
- Detection: one error of a known kind planted in a clean article (a repeated block of paragraphs, a
  repeated sentence, a stuttered phrase, a doubled word, spaced or Latin punctuation, a detached prefix, a
  tatweel dash, doubled marks, an unclosed quote, invisible controls, presentation forms); a hit is a finding
  of the expected check overlapping the planted span.
- Speed: words/s of these checks (segmentation included) beside one sacrebleu chrF pass over the same
  segments, measured in the same run.
- Scaling: one synthetic article of growing size (clean paragraphs with a block repeated), up to 50 MB,
  to show the cost stays linear.

Run: python tests/benchmarks/bench_duplication_punctuation.py  (writes reports/bench/duplication_punctuation.json)
"""

from __future__ import annotations

import json
import random
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from audit.checks import build_checks  # noqa: E402
from audit.checks.base import ArticleContext, Check  # noqa: E402
from audit.model import Article, Finding, Severity  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUTPUT = ROOT / "reports" / "bench" / "duplication_punctuation.json"
SEED = 20240601


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def corpora() -> dict[str, list[str]]:
    ids = _lines(DATA / "ntrex" / "doc_ids.tsv")
    docs: dict[str, list[str]] = defaultdict(list)
    for doc_id, line in zip(ids, _lines(DATA / "ntrex" / "ref.ar.txt"), strict=True):
        docs[doc_id.strip()].append(line)
    result = {"ntrex": ["\n".join(v) + "\n" for v in docs.values()]}
    for name, path in (
        ("flores-ref-a", "flores-devtest/ref-a.ar.txt"),
        ("flores-ref-b", "flores-devtest/ref-b.ar.txt"),
        ("tico19", "tico19/ref.ar.txt"),
    ):
        lines = _lines(DATA / path)
        result[name] = ["\n".join(lines[i : i + 10]) + "\n" for i in range(0, len(lines), 10)]
    return result


def my_checks() -> list[Check]:
    return [c for c in build_checks(select=["D3", "P4"]) if isinstance(c, Check)]


def run_all(checks: list[Check], text: str) -> tuple[ArticleContext, list[Finding]]:
    ctx = ArticleContext(Article(id="bench", text=text))
    return ctx, [f for c in checks for f in c.run(ctx)]


def false_alarms(checks: list[Check], texts_by_corpus: dict[str, list[str]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, texts in texts_by_corpus.items():
        words = 0
        by: Counter[str] = Counter()
        examples = []
        for text in texts:
            ctx, found = run_all(checks, text)
            words += ctx.doc.word_count
            for f in found:
                by[f"{f.check}/{f.severity.value}"] += 1
                if f.severity.rank >= Severity.MAJOR.rank and len(examples) < 10:
                    examples.append({"check": f.check, "text": f.text[:80]})
        serious = sum(v for k, v in by.items() if k.endswith(("/major", "/critical")))
        minor = sum(v for k, v in by.items() if k.endswith("/minor"))
        out[name] = {
            "words": words,
            "major_critical_per_1000_words": round(1000 * serious / words, 3),
            "minor_per_1000_words": round(1000 * minor / words, 3),
            "by_check": dict(sorted(by.items())),
            "examples": examples,
        }
    return out


# --- planted errors: (text) -> (new text, start, end) of the planted error, or None -------------------------

Planted = tuple[str, int, int] | None


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def repeat_block(text: str, rng: random.Random) -> Planted:
    paras = _paragraphs(text)
    if len(paras) < 6:
        return None
    size = rng.randint(3, min(6, len(paras) - 1))
    start = rng.randint(0, len(paras) - size)
    block = paras[start : start + size]
    head = "\n".join(paras) + "\n"
    return head + "\n".join(block) + "\n", len(head), len(head) + len("\n".join(block))


def repeat_sentence(text: str, rng: random.Random) -> Planted:
    paras = _paragraphs(text)
    candidates = [p for p in paras if len(p.split()) >= 15]
    if not candidates:
        return None
    sentence = rng.choice(candidates).rstrip()
    index = paras.index(sentence)
    paras[index] = f"{sentence} {sentence}"
    new = "\n".join(paras) + "\n"
    start = new.index(paras[index]) + len(sentence) + 1
    return new, start, start + len(sentence)


def _arabic_words(text: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer("[\u0621-\u064a]{3,}", text)]


def stutter_phrase(text: str, rng: random.Random) -> Planted:
    spans = _arabic_words(text)
    if len(spans) < 12:
        return None
    i = rng.randint(2, len(spans) - 4)
    start, end = spans[i][0], spans[i + 1][1]
    phrase = text[start:end]
    if "\n" in phrase or any(c in phrase for c in '،,.؛:"«»()'):
        return None
    return text[:end] + " " + phrase + text[end:], start, end + 1 + len(phrase)


def double_word(text: str, rng: random.Random) -> Planted:
    spans = _arabic_words(text)
    if not spans:
        return None
    start, end = rng.choice(spans)
    word = text[start:end]
    return text[:end] + " " + word + text[end:], start, end + 1 + len(word)


def _replace_at(text: str, rng: random.Random, old: str, new: str) -> Planted:
    positions = [i for i in range(len(text)) if text.startswith(old, i)]
    if not positions:
        return None
    i = rng.choice(positions)
    return text[:i] + new + text[i + len(old) :], i, i + len(new)


def spaced_comma(text: str, rng: random.Random) -> Planted:
    return _replace_at(text, rng, "، ", " ، ")


def latin_comma(text: str, rng: random.Random) -> Planted:
    return _replace_at(text, rng, "، ", ", ")


def doubled_comma(text: str, rng: random.Random) -> Planted:
    return _replace_at(text, rng, "، ", "،، ")


def detached_prefix(text: str, rng: random.Random) -> Planted:
    import re

    spots = [m.start() for m in re.finditer(r"(?<!\S)[بل]ال[\u0621-\u064a]{2,}", text)]
    if not spots:
        return None
    i = rng.choice(spots)
    return text[: i + 1] + " " + text[i + 1 :], i, i + 3


def tatweel_dash(text: str, rng: random.Random) -> Planted:
    return _replace_at(text, rng, "، ", " ــ ")


def unclosed_quote(text: str, rng: random.Random) -> Planted:
    spans = _arabic_words(text)
    if not spans or '"' in text or "“" in text:
        return None
    start, _ = rng.choice(spans)
    return text[:start] + '"' + text[start:], start, start + 1


def invisible_mark(text: str, rng: random.Random) -> Planted:
    return _replace_at(text, rng, " ", "\u200f ")


def presentation_forms(text: str, rng: random.Random) -> Planted:
    spans = _arabic_words(text)
    if not spans:
        return None
    start, end = rng.choice(spans)
    shaped = "".join(_ISOLATED.get(c, c) for c in text[start:end])
    return text[:start] + shaped + text[end:], start, end


_ISOLATED = {
    unicodedata.normalize("NFKC", chr(p)): chr(p)
    for p in range(0xFE70, 0xFEFF)
    if unicodedata.name(chr(p), "").endswith("ISOLATED FORM") and len(unicodedata.normalize("NFKC", chr(p))) == 1
}

INJECTIONS: dict[str, tuple[Callable[[str, random.Random], Planted], str]] = {
    "repeated-block": (repeat_block, "D301"),
    "repeated-sentence": (repeat_sentence, "D302"),
    "stuttered-phrase": (stutter_phrase, "D303"),
    "doubled-word": (double_word, "D303"),
    "spaced-comma": (spaced_comma, "P401"),
    "latin-comma": (latin_comma, "P402"),
    "unclosed-quote": (unclosed_quote, "P403"),
    "tatweel-dash": (tatweel_dash, "P405"),
    "doubled-comma": (doubled_comma, "P406"),
    "detached-prefix": (detached_prefix, "P407"),
    "invisible-mark": (invisible_mark, "P408"),
    "presentation-forms": (presentation_forms, "P409"),
}


def detection(checks: list[Check], texts: list[str], trials: int = 150) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, (inject, code) in INJECTIONS.items():
        rng = random.Random(f"{SEED}-{name}")
        hits = planted = 0
        for _ in range(trials * 4):
            if planted >= trials:
                break
            result = inject(rng.choice(texts), rng)
            if result is None:
                continue
            text, start, end = result
            planted += 1
            _, found = run_all([c for c in checks if c.code == code], text)
            hits += any(f.start < end and start < f.end for f in found)
        out[name] = {"check": code, "planted": planted, "recall": round(hits / max(planted, 1), 3)}
    return out


def speed(checks: list[Check], texts: list[str]) -> dict[str, object]:
    segments = [line for t in texts for line in t.splitlines()]
    started = time.perf_counter()
    words = sum(run_all(checks, t)[0].doc.word_count for t in texts)
    ours = time.perf_counter() - started
    per_check: dict[str, float] = {}
    contexts = [ArticleContext(Article(id="s", text=t)) for t in texts]
    for ctx in contexts:
        _ = ctx.doc.sentences
    for check in checks:
        started = time.perf_counter()
        for ctx in contexts:
            for _ in check.run(ctx):
                pass
        per_check[check.code] = round(words / max(time.perf_counter() - started, 1e-9))
    started = time.perf_counter()
    sacrebleu.CHRF().corpus_score(segments, [segments])
    chrf = time.perf_counter() - started
    return {
        "words": words,
        "checks_words_per_second": round(words / ours),
        "chrf_words_per_second": round(words / chrf),
        "ratio_to_chrf": round(chrf / ours, 2),
        "per_check_words_per_second_after_segmentation": per_check,
    }


def scaling(checks: list[Check], texts: list[str], sizes_mb: tuple[int, ...] = (1, 10, 50)) -> list[dict[str, object]]:
    """One article of ``size`` MB (UTF-8) built from clean paragraphs, a block repeated now and then."""
    rng = random.Random(SEED)
    paragraphs = [p for t in texts for p in _paragraphs(t)]
    rows = []
    for size in sizes_mb:
        parts: list[str] = []
        length = 0
        while length < size * 1_000_000:
            block = rng.sample(paragraphs, 40)
            if rng.random() < 0.05:
                block += block[:5]  # a repeated block now and then
            chunk = "\n".join(block) + "\n"
            parts.append(chunk)
            length += len(chunk.encode("utf-8"))
        text = "".join(parts)
        ctx = ArticleContext(Article(id="big", text=text))
        started = time.perf_counter()
        words = ctx.doc.word_count
        _ = ctx.doc.sentences
        segmented = time.perf_counter()
        found = [f for c in checks for f in c.run(ctx)]
        elapsed = time.perf_counter() - segmented
        rows.append(
            {
                "megabytes": round(length / 1e6, 1),
                "words": words,
                "segmentation_seconds": round(segmented - started, 2),
                "checks_seconds": round(elapsed, 2),
                "checks_words_per_second": round(words / elapsed),
                "findings": dict(Counter(f.check for f in found)),
            }
        )
        rate = words / elapsed
        print(f"  scaling {rows[-1]['megabytes']} MB, {words} words: checks {elapsed:.1f} s ({rate:,.0f} words/s)")
        del ctx, found, text, parts
    return rows


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    checks = my_checks()
    texts_by_corpus = corpora()
    all_texts = [t for texts in texts_by_corpus.values() for t in texts]
    report: dict[str, object] = {}
    report["false_alarms"] = fa = false_alarms(checks, texts_by_corpus)
    for name, row in fa.items():
        assert isinstance(row, dict)
        print(
            f"{name:14s} {row['words']:>6} words  major+critical {row['major_critical_per_1000_words']:.3f}/1000"
            f"  minor {row['minor_per_1000_words']:.3f}/1000  {row['by_check']}"
        )
    report["detection"] = det = detection(checks, texts_by_corpus["ntrex"])
    for name, row in det.items():
        print(f"  detect {name:20s} {row}")
    report["speed"] = sp = speed(checks, all_texts)
    print(f"speed: {sp}")
    report["scaling"] = scaling(checks, all_texts)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
