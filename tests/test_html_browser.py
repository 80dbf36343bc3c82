"""The HTML report in a real headless Chromium: loads from file://, one highlight per finding, sorting by
clicking, injected script never runs, Arabic paragraphs are right-to-left, tooltips on focus and hover.
Screenshots of a seed article's page and of the index are saved to reports/screenshots/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.config import Config
from audit.engine import audit_batch
from audit.inputs import load_paths
from audit.reporting import report_dict, write_reports
from audit.reporting.html import HtmlReporter, page_names

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SCREENSHOTS = ROOT / "reports" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

INJECTED = (
    "قال المتحدث <script>window.__pwned=1</script> إن الاجتماع انتهى.\n"
    'ونقلت الوكالة <img src=x onerror="window.__pwned=1"> الخبر عن مصادر رسمية.\n'
    "وهذا نص \u202eمقلوب الاتجاه\u202c لا ينبغي أن يخدع القارئ.\n"
)
ARABIC = (
    "أعلنت وزارة الصحة يوم الثلاثاء عن افتتاح 12 مستشفى جديدا في المحافظات الجنوبية.\n"
    "وقال الوزير إن Russian Direct Investment Fund سيمول جزءا من المشروع بقيمة 300 مليون دولار.\n"
    "The minister added that the work would finish next year.\n"
)


def browser_driver(user_data_dir: Path, width: int = 1400, height: int = 1000) -> Any:
    """A headless Chromium driven through the Debian chromedriver (selenium-manager never downloads)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("Debian chromium and chromium-driver are not installed (/usr/bin/chromium, /usr/bin/chromedriver)")
    pytest.importorskip("selenium")
    instance = browser_driver(tmp_path_factory.mktemp("chrome-profile"))
    try:
        yield instance
    finally:
        instance.quit()


def finding(text: str, start: int, end: int, severity: str, check: str, category: str, message: str) -> dict[str, Any]:
    return {
        "check": check,
        "category": category,
        "severity": severity,
        "start": start,
        "end": end,
        "text": text[start:end],
        "message": message,
        "suggestion": None,
    }


def synthetic_report() -> dict[str, Any]:
    words = [m.span() for m in re.finditer(r"\S+", ARABIC)]
    english = ARABIC.index("The minister")
    fund = ARABIC.index("Russian")
    overlapping = [
        finding(ARABIC, words[0][0], words[4][1], "minor", "X201", "style", "Long opening"),
        finding(ARABIC, words[2][0], words[3][1], "critical", "X202", "mistranslation", "Wrong ministry"),
        finding(ARABIC, words[3][0], words[6][1], "major", "X203", "agreement", "Agreement crosses"),
        finding(ARABIC, fund, fund + 30, "major", "U101", "untranslated", "Name left in English"),
        finding(ARABIC, english, len(ARABIC) - 1, "critical", "U102", "untranslated", "Untranslated sentence"),
        finding(ARABIC, words[8][1], words[8][1], "info", "P401", "punctuation", "Comma missing here"),
    ]
    injected = [finding(INJECTED, 0, 5, "minor", "X201", "style", "<b>not bold</b>")]
    articles: list[dict[str, Any]] = [
        {"id": "overlaps", "text": ARABIC, "findings": overlapping, "score": 41.5},
        {"id": '<script>window.__pwned=1</script>"\u202e', "text": INJECTED, "findings": injected, "score": 97.0},
    ]
    for number in range(40):
        articles.append({"id": f"filler-{number:02}", "text": ARABIC, "findings": [], "score": (number * 37) % 100})
    for item in articles:
        item.update(path=f"batch/{item['id']}.txt", words=150, passed=item["score"] >= 95, metrics={"penalty": 1.0})
    return {
        "schema": "audit-report/2",
        "tool": {"name": "audit", "version": "test"},
        "config": {"fail_under": 95.0},
        "articles": articles,
        "errors": [],
        "summary": {"articles": len(articles), "gate": "fail", "signature": "audit-score|test", "findings": {}},
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    output = tmp_path_factory.mktemp("html-report")
    report = synthetic_report()
    HtmlReporter().write(report, output)
    return output, report


def page_url(output: Path, report: dict[str, Any], article_id: str) -> str:
    names = page_names([a["id"] for a in report["articles"]])
    position = [a["id"] for a in report["articles"]].index(article_id)
    return (output / "articles" / names[position]).as_uri()


def severe_logs(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]


def test_index_loads_from_file_and_renders_the_table(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    driver.get((output / "index.html").as_uri())
    assert driver.execute_script("return document.documentElement.dataset.ready") == "true"
    rows = driver.find_elements("css selector", "#articles tbody tr")
    assert len(rows) == len(report["articles"])
    assert driver.execute_script("return document.querySelectorAll('svg.chart').length") == 2
    assert severe_logs(driver) == []  # the CSP lets the report's own stylesheet and script through


def column_scores(driver: Any) -> list[float]:
    cells = driver.execute_script(
        "return Array.from(document.querySelectorAll('#articles tbody td.score')).map(td => td.textContent)"
    )
    return [float(c) for c in cells]


def test_sorting_by_score_works_by_clicking(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    driver.get((output / "index.html").as_uri())
    scores = sorted(float(a["score"]) for a in report["articles"])
    assert column_scores(driver) == scores  # worst first by default
    header = driver.find_element("css selector", 'th[data-key="score"] button')
    header.click()
    assert column_scores(driver) == scores[::-1]
    assert driver.find_element("css selector", 'th[data-key="score"]').get_attribute("aria-sort") == "descending"
    header.click()
    assert column_scores(driver) == scores
    driver.find_element("css selector", 'th[data-key="id"] button').click()
    ids = driver.execute_script(
        "return Array.from(document.querySelectorAll('#articles tbody td.id a')).map(a => a.textContent)"
    )
    fillers = [i for i in ids if i.startswith("filler-")]
    assert fillers == sorted(fillers) and len(fillers) == 40
    assert driver.find_element("css selector", 'th[data-key="id"]').get_attribute("aria-sort") == "ascending"


def test_filters_narrow_the_table(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    driver.get((output / "index.html").as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    def shown_rows(count: int) -> bool:
        return bool(driver.execute_script("return document.querySelectorAll('#articles tbody tr').length") == count)

    driver.find_element("id", "text-filter").send_keys("overlap")  # the filter runs after the typing stops
    WebDriverWait(driver, 5).until(lambda _: shown_rows(1))
    driver.find_element("id", "text-filter").clear()
    driver.execute_script("document.getElementById('text-filter').dispatchEvent(new Event('input'))")
    WebDriverWait(driver, 5).until(lambda _: shown_rows(len(report["articles"])))
    driver.execute_script(
        "const s = document.getElementById('result-filter'); s.value = 'pass'; s.dispatchEvent(new Event('change'))"
    )
    assert shown_rows(sum(1 for a in report["articles"] if a["passed"]))
    assert "filtered from" in driver.find_element("id", "table-status").text


def test_number_of_highlights_equals_number_of_findings(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    for article in report["articles"][:3]:
        driver.get(page_url(output, report, article["id"]))
        anchors = driver.find_elements("css selector", "[data-finding-id]")
        assert len(anchors) == len(article["findings"])
        listed = driver.find_elements("css selector", "li.finding")
        assert len(listed) == len(article["findings"])


def test_injected_script_never_runs(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    for url in [(output / "index.html").as_uri(), page_url(output, report, report["articles"][1]["id"])]:
        driver.get(url)
        assert driver.execute_script("return typeof window.__pwned") == "undefined"
        assert driver.execute_script("return document.querySelectorAll('img, .article-text script').length") == 0
    text = driver.find_element("css selector", ".article-text").text
    assert "<script>window.__pwned=1</script>" in text
    assert "⟨U+202E⟩" in text and "\u202e" not in text


def test_arabic_paragraphs_are_right_to_left(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    driver.get(page_url(output, report, "overlaps"))
    directions = driver.execute_script(
        "return Array.from(document.querySelectorAll('.article-text p'))"
        ".map(p => [getComputedStyle(p).direction, p.lang])"
    )
    assert directions == [["rtl", "ar"], ["rtl", "ar"], ["ltr", "en"]]
    latin = driver.execute_script(
        "const b = document.querySelector('.article-text bdi'); return [b.textContent, getComputedStyle(b).direction]"
    )
    assert latin == ["Russian Direct Investment Fund", "ltr"]
    font = driver.execute_script("return getComputedStyle(document.querySelector('.article-text')).fontFamily")
    assert "Naskh" in font  # the stylesheet was applied


def test_tooltip_on_keyboard_focus_and_on_hover(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    output, report = site
    driver.get(page_url(output, report, "overlaps"))
    tip = driver.find_element("id", "tip")
    assert not tip.is_displayed()
    body = driver.find_element("tag name", "body")
    for _ in range(12):  # tab from the top of the page to the first highlight
        body.send_keys(Keys.TAB) if _ == 0 else driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.switch_to.active_element.get_attribute("data-finding-id") is not None:
            break
    focused = driver.switch_to.active_element
    assert focused.get_attribute("data-finding-id") == "0"
    assert tip.is_displayed()
    assert "Long opening" in tip.text and "X201" in tip.text and "style" in tip.text
    focused.send_keys(Keys.ESCAPE)
    assert not tip.is_displayed()

    critical = driver.find_element("id", "hl-1")  # nested in the minor finding: both are listed
    ActionChains(driver).move_to_element(critical).perform()
    assert tip.is_displayed()
    assert "Wrong ministry" in tip.text and "Long opening" in tip.text
    assert "sev-critical" in critical.get_attribute("class")


def test_findings_list_jumps_to_the_span(driver: Any, site: tuple[Path, dict[str, Any]]) -> None:
    output, report = site
    driver.get(page_url(output, report, "overlaps"))
    driver.find_element("css selector", "#finding-4 a.jump").click()
    from selenium.webdriver.support.ui import WebDriverWait

    assert driver.execute_script("return location.hash") == "#hl-4"
    WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "hl-4")
    assert driver.find_element("id", "tip").is_displayed()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not available")
def test_seed_article_page_screenshot(driver: Any, tmp_path: Path) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    result = audit_batch(load_paths([seed]), Config())
    output = tmp_path / "report"
    written = write_reports(result, ["html"], output)
    page = next(p for p in written if p.parent.name == "articles")
    driver.get(page.as_uri())
    findings = report_dict(result)["articles"][0]["findings"]
    assert len(driver.find_elements("css selector", "[data-finding-id]")) == len(findings)
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(height, 800), 4000))
    if findings:
        driver.execute_script("document.querySelector('[data-finding-id]').focus()")
    assert driver.save_screenshot(str(SCREENSHOTS / "article.png"))
    driver.get((output / "index.html").as_uri())
    assert driver.save_screenshot(str(SCREENSHOTS / "index.png"))
    driver.set_window_size(1400, 1000)
    shutil.rmtree(output)


REPEATS = (
    "قال الوزير ، إن المحادثات ستستمر ، وإن الوفد سيعود ، ثم غادر القاعة ، مسرعا.\nوقال Witkoff إن الاجتماع انتهى.\n"
)


def repeats_report() -> dict[str, Any]:
    spaces = [m.start() for m in re.finditer(" ،", REPEATS)]
    findings = []
    for start in spaces:
        item = finding(REPEATS, start, start + 2, "minor", "P401", "punctuation", "Space before «،»")
        item["fix"] = {"applicability": "safe", "edits": [{"start": start, "end": start + 2, "replacement": "،"}]}
        findings.append(item)
    name = REPEATS.index("Witkoff")
    latin = finding(REPEATS, name, name + 7, "major", "U102", "untranslated", "Latin name")
    latin["fix"] = {"applicability": "unsafe", "edits": [{"start": name, "end": name + 7, "replacement": "ويتكوف"}]}
    findings.insert(2, latin)
    findings.sort(key=lambda f: f["start"])
    article = {"id": "repeats", "text": REPEATS, "findings": findings, "score": 90.0, "path": "r.txt",
               "words": 20, "passed": False, "metrics": {}}  # fmt: skip
    return {**synthetic_report(), "articles": [article]}


@pytest.fixture(scope="module")
def repeats_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    output = tmp_path_factory.mktemp("html-repeats")
    report = repeats_report()
    HtmlReporter().write(report, output)
    return output, report


def visible_findings(driver: Any) -> list[tuple[str, str]]:
    items = driver.find_elements("css selector", "ol.findings > li.finding")
    return [(li.get_attribute("data-severity"), li.get_attribute("data-start")) for li in items if li.is_displayed()]


def test_repeats_are_grouped_and_the_list_filters_and_sorts(
    driver: Any, repeats_site: tuple[Path, dict[str, Any]]
) -> None:
    from selenium.webdriver.support.ui import Select

    output, report = repeats_site
    driver.get(page_url(output, report, "repeats"))
    assert driver.find_element("id", "findings-tools").is_displayed()
    assert len(driver.find_elements("css selector", "li.finding")) == 5  # one entry per finding, in the page
    head = driver.find_element("css selector", "li[data-group-size]")
    assert head.find_element("css selector", ".group-count").text == "×4"
    assert "One fix for all 4" in head.text
    assert [s for s, _ in visible_findings(driver)] == ["major", "minor"]  # by severity; repeats folded
    assert driver.find_element("id", "findings-shown").text == "2 of 5 shown"
    head.find_element("css selector", "button.group-toggle").click()
    assert len(visible_findings(driver)) == 5
    Select(driver.find_element("id", "sort-findings")).select_by_value("position")
    starts = [int(start) for _, start in visible_findings(driver)]
    assert starts == sorted(starts) and visible_findings(driver)[-1][0] == "major"
    driver.find_element("css selector", "input[name=severity][value=minor]").click()
    assert [s for s, _ in visible_findings(driver)] == ["major"]
    driver.find_element("css selector", "input[name=severity][value=minor]").click()
    Select(driver.find_element("id", "filter-category")).select_by_value("untranslated")
    assert [s for s, _ in visible_findings(driver)] == ["major"]
    Select(driver.find_element("id", "filter-category")).select_by_value("")
    assert len(visible_findings(driver)) == 5
    assert not severe_logs(driver)


def test_selecting_a_folded_repeat_in_the_text_shows_it_in_the_list(
    driver: Any, repeats_site: tuple[Path, dict[str, Any]]
) -> None:
    output, report = repeats_site
    driver.get(page_url(output, report, "repeats"))
    findings = report["articles"][0]["findings"]
    index = max(i for i, f in enumerate(findings) if f["check"] == "P401")  # a repeat folded behind the first
    item = driver.find_element("id", f"finding-{index}")
    assert not item.is_displayed()
    driver.find_element("id", f"hl-{index}").click()
    assert item.is_displayed() and "selected" in item.get_attribute("class")


def test_fixed_text_shows_the_changes(driver: Any, repeats_site: tuple[Path, dict[str, Any]]) -> None:
    output, report = repeats_site
    driver.get(page_url(output, report, "repeats"))
    details = driver.find_element("id", "fixed-details")
    assert "4 safe fixes, 1 unsafe fix to review" in details.text
    details.find_element("css selector", "summary").click()
    fixed = details.find_element("css selector", ".fixed-text")
    assert fixed.is_displayed()
    assert len(fixed.find_elements("css selector", "del.fix-safe")) == 4
    assert [e.text for e in fixed.find_elements("css selector", "ins.fix-unsafe")] == ["ويتكوف"]
    shown = driver.execute_script(
        "var c = arguments[0].cloneNode(true); c.querySelectorAll('del').forEach(function (d) { d.remove(); });"
        "return c.textContent;",
        fixed,
    )
    assert shown == REPEATS.replace(" ،", "،").replace("Witkoff", "ويتكوف")
