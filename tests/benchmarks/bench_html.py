"""HTML report at batch scale: a synthetic 10,000-article report (realistic lengths and findings) is written
with the HTML reporter; the figures are the write time, the size of index.html and of the whole report, and,
in headless Chromium from file://, the time until the index is loaded and its table is sortable, the time of
one sort by clicking the score header, and (for comparison) of rendering all 10,000 rows at once.

Usage: python tests/benchmarks/bench_html.py [--articles N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from audit import scoring  # noqa: E402
from audit.config import DEFAULT_WEIGHTS  # noqa: E402
from audit.model import Category, Finding, Severity  # noqa: E402
from audit.reporting.html import HtmlReporter  # noqa: E402

OUT = ROOT / "reports" / "bench"
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# A small vocabulary of news Arabic (composed for this benchmark) and the Latin names MT leaves behind.
VOCABULARY = (
    "قال أعلن الرئيس الوزير الحكومة المتحدث باسم وزارة الخارجية الاجتماع المحادثات يوم الثلاثاء الأربعاء "
    "في على من إلى عن مع بعد قبل خلال التي الذي إن أن وقد كما أيضا المدينة العاصمة الجنوبية الشمالية "
    "الاتفاق السلام الحرب الاقتصاد الأسواق النفط الأسعار المستشفيات الصحة التعليم الطلاب المدارس الشرطة "
    "المحكمة القرار البرلمان الانتخابات المرشح الحزب المعارضة الدولية الأمم المتحدة المجلس الأمن الجديد "
    "مليون دولار نسبة المئة العام الماضي المقبل الأسبوع الشهر الصحفيين مؤتمر صحفي بيان رسمي المصادر"
)
WORDS = tuple(VOCABULARY.split())
LATIN = ("Witkoff", "Reuters", "NATO", "Russian Direct Investment Fund", "COVID-19", "Boeing 737 MAX", "Kyiv")
CATEGORIES = (
    (Category.UNTRANSLATED, "U101"),
    (Category.PUNCTUATION, "P401"),
    (Category.GARBLED, "G501"),
    (Category.DUPLICATION, "D301"),
    (Category.AGREEMENT, "A801"),
    (Category.BOILERPLATE, "B201"),
    (Category.MISTRANSLATION, "M901"),
    (Category.INCONSISTENCY, "C601"),
)
SEVERITIES = (Severity.MINOR, Severity.MAJOR, Severity.CRITICAL, Severity.INFO)
SEVERITY_WEIGHTS = (0.5, 0.33, 0.05, 0.12)


def synthetic_article(rng: random.Random, number: int) -> dict[str, Any]:
    paragraphs = []
    for _ in range(rng.randint(5, 14)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(25, 70))]
        for _ in range(rng.randint(0, 2)):
            words.insert(rng.randrange(len(words)), rng.choice(LATIN))
        words.insert(rng.randrange(len(words)), str(rng.randint(2, 2025)))
        paragraphs.append(" ".join(words) + ".")
    text = "\n\n".join(paragraphs) + "\n"
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    findings = []
    for _ in range(min(len(spans) - 8, int(rng.expovariate(1 / 6)))):
        first = rng.randrange(len(spans) - 6)
        start, end = spans[first][0], spans[first + rng.choice((0, 0, 1, 2, 5))][1]
        category, code = rng.choice(CATEGORIES)
        severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
        findings.append(
            Finding(
                check=code,
                category=category,
                severity=severity,
                start=start,
                end=end,
                text=text[start:end],
                message=f"{category.value} problem found by {code}",
                suggestion="اقتراح بديل" if rng.random() < 0.4 else None,
            )
        )
    findings.sort(key=lambda f: (f.start, -f.severity.rank, f.end, f.check))
    word_count = len(spans)
    score = scoring.score(findings, word_count, DEFAULT_WEIGHTS)
    passed = scoring.passes(score.value, findings, 95.0, Severity.CRITICAL)
    return {
        "id": f"site-{number % 37}/2024/article-{number:05}",
        "path": f"batch/site-{number % 37}/article-{number:05}.txt",
        "words": word_count,
        "score": score.value,
        "passed": passed,
        "findings": [f.to_dict() for f in findings],
        "metrics": {"penalty": score.penalty, "counts": {s.value: 0 for s in Severity}},
        "text": text,
    }


def synthetic_report(count: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    articles = [synthetic_article(rng, n) for n in range(count)]
    categories: dict[str, int] = {}
    severities = {s.value: 0 for s in Severity}
    for article in articles:
        for finding in article["findings"]:
            categories[finding["category"]] = categories.get(finding["category"], 0) + 1
            severities[finding["severity"]] += 1
    scores = [a["score"] for a in articles]
    return {
        "schema": "audit-report/2",
        "tool": {"name": "audit", "version": "bench"},
        "config": {"select": [], "ignore": [], "fail_under": 95.0, "fail_on": "critical"},
        "articles": articles,
        "errors": [],
        "summary": {
            "articles": count,
            "passed": sum(1 for a in articles if a["passed"]),
            "failed": sum(1 for a in articles if not a["passed"]),
            "errors": 0,
            "gate": "fail",
            "mean_score": round(statistics.fmean(scores), 2),
            "min_score": min(scores),
            "words": sum(a["words"] for a in articles),
            "findings": severities,
            "categories": dict(sorted(categories.items())),
            "signature": scoring.signature(DEFAULT_WEIGHTS, 95.0, "critical"),
            "formula": scoring.FORMULA,
        },
    }


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1400,1000")
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


NAVIGATION = (
    "const n = performance.getEntriesByType('navigation')[0]; return [n.domContentLoadedEventEnd, n.loadEventEnd]"
)
CLICK_SCORE = (
    "const b = document.querySelector('th[data-key=\"score\"] button'); const t = performance.now(); b.click();"
    "document.body.offsetHeight; return performance.now() - t"
)
# Rows on one page: the largest page size offered, and (for comparison, as plain HTML rows would be) every row;
# the index offers "all" only for small batches, so the benchmark adds that option itself.
RENDER_ROWS = (
    "const s = document.getElementById('page-size');"
    "if (!s.querySelector('option[value=\"' + arguments[0] + '\"]')) s.add(new Option('all', arguments[0]));"
    "const t = performance.now(); s.value = arguments[0]; s.dispatchEvent(new Event('change'));"
    "document.body.offsetHeight; return [performance.now() - t, document.querySelectorAll('#articles tbody tr').length]"
)


def measure_browser(output: Path, runs: int = 3) -> dict[str, Any]:
    profile = Path(tempfile.mkdtemp(prefix="bench-html-chrome-"))
    driver = browser(profile)
    try:
        index = (output / "index.html").as_uri()
        loads, readies, contents, sorts = [], [], [], []
        for _ in range(runs):
            driver.get("about:blank")
            driver.get(index)  # returns after the load event
            content, load = driver.execute_script(NAVIGATION)
            ready = driver.execute_script("return window.auditReadyMs")
            sorts.append(driver.execute_script(CLICK_SCORE))
            loads.append(load)
            contents.append(content)
            readies.append(ready)
        page_ms, page_rows = driver.execute_script(RENDER_ROWS, "1000")
        all_rows_ms, all_rows = driver.execute_script(RENDER_ROWS, "0")
        sorted_ok = driver.execute_script(
            "const s = Array.from(document.querySelectorAll('#articles tbody td.score')).map(t => +t.textContent);"
            "return s.every((v, i) => i === 0 || s[i - 1] >= v)"
        )
        article = sorted((output / "articles").glob("*.html"))[0].as_uri()
        driver.get(article)
        _, article_load = driver.execute_script(NAVIGATION)
        return {
            "index_dom_content_loaded_ms": round(statistics.median(contents), 1),
            "index_load_event_ms": round(statistics.median(loads), 1),
            "index_table_sortable_ms": round(statistics.median(readies), 1),
            "sort_by_score_click_ms": round(statistics.median(sorts), 1),
            "sorted_descending_after_click": bool(sorted_ok),
            "render_1000_row_page_ms": round(page_ms, 1),
            "render_1000_row_page_count": page_rows,
            "render_all_rows_ms": round(all_rows_ms, 1),
            "render_all_rows_count": all_rows,
            "article_page_load_ms": round(article_load, 1),
            "runs": runs,
        }
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write the report here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    started = time.perf_counter()
    report = synthetic_report(args.articles)
    generate_s = time.perf_counter() - started
    findings = sum(len(a["findings"]) for a in report["articles"])
    words = report["summary"]["words"]
    print(f"synthetic batch: {args.articles} articles, {words:,} words, {findings:,} findings ({generate_s:.1f} s)")

    output = args.keep or Path(tempfile.mkdtemp(prefix="bench-html-"))
    try:
        reporter = HtmlReporter()
        started = time.perf_counter()
        written = reporter.write(report, output)
        write_s = time.perf_counter() - started
        index_bytes = (output / "index.html").stat().st_size
        total_bytes = folder_size(output)
        print(
            f"write: {write_s:.1f} s for {len(written):,} files ({args.articles / write_s:,.0f} articles/s); "
            f"index.html {index_bytes / 2**20:.2f} MiB; whole report {total_bytes / 2**20:.0f} MiB"
        )
        figures: dict[str, Any] = {
            "articles": args.articles,
            "words": words,
            "findings": findings,
            "write_s": round(write_s, 2),
            "articles_per_s": round(args.articles / write_s),
            "files": len(written),
            "index_html_bytes": index_bytes,
            "report_bytes": total_bytes,
        }
        if Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists():
            browser_figures = measure_browser(output)
            figures.update(browser_figures)
            print(
                "headless Chromium, file://, median of {runs}: DOMContentLoaded {index_dom_content_loaded_ms} ms, "
                "load {index_load_event_ms} ms, table sortable {index_table_sortable_ms} ms; "
                "sort by score (click) {sort_by_score_click_ms} ms; all {render_all_rows_count} rows at once "
                "{render_all_rows_ms} ms ({render_1000_row_page_count}-row page {render_1000_row_page_ms} ms); "
                "article page load {article_page_load_ms} ms".format(**browser_figures)
            )
        else:
            print("chromium/chromedriver not installed: browser timings skipped")
    finally:
        if args.keep is None:
            shutil.rmtree(output, ignore_errors=True)

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "html.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"saved {OUT / 'html.json'}")


if __name__ == "__main__":
    main()
