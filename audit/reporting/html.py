"""The HTML batch report: ``index.html`` (a sortable, filterable table of the batch with charts, the run's
config and signatures) and one page per article (the Arabic text right-to-left with every finding
highlighted in place, the findings list, and the aligned English original and re-translations).

The report is static and works offline from ``file://``: no CDN, no network. Pages share one stylesheet
and two small scripts in ``assets/``; a Content-Security-Policy meta forbids every load that is not one of
those files. All article text, ids, paths and messages are escaped (Jinja2 autoescape, ``html.escape``
for the highlighted text, ``\\u003c``-escaped JSON in data blocks), and bidi embedding, override and
isolate controls are shown as visible ``⟨U+202E⟩`` marks instead of being obeyed.

The article pages need the article text, which ``report.json`` leaves out; :func:`audit.reporting.write_reports`
adds it for reporters that set ``needs_text = True`` (see :func:`audit.reporting.attach_texts`). Without
it (a report dict read back from ``report.json``), article pages list the findings without the text.
"""

from __future__ import annotations

import hashlib
import heapq
import html
import json
import math
import re
import shutil
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from audit.arabic.orthography import ARABIC_RUN_RE
from audit.text import LATIN_LETTER

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = ("report.css", "index.js", "article.js")
#: A line is laid out right-to-left when at least this share of its letters is Arabic (a mostly Arabic
#: sentence quoting a long English name stays right-to-left; an untranslated English paragraph does not).
RTL_MIN_ARABIC = 0.25
#: The index offers "all rows on one page" only up to this many articles (10,000 rows at once take seconds).
MAX_ALL_ROWS = 2000
#: Rows of the index table rendered into the HTML itself (the rest come from the embedded JSON).
STATIC_ROWS = 100
#: The most articles the index table lists (the lowest-scoring ones); larger batches say so on the index.
MAX_INDEX_ROWS = 20_000

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; "
    "base-uri 'none'; form-action 'none'; object-src 'none'"
)

SEVERITIES = ("critical", "major", "minor", "info")
_RANK = {"info": 0, "minor": 1, "major": 2, "critical": 3}

# Bidi controls: embeddings, overrides and isolates (which can reorder what follows them) and the
# implicit marks (invisible, but an editor should see them too). They are shown, never obeyed.
_BIDI_CONTROL_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI_SCOPED = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A run of Latin script inside an Arabic paragraph: letters, then letters, digits and the joiners
# found inside names ("COVID-19", "Russian Direct Investment Fund"); it ends on a letter or a digit,
# so sentence punctuation after it stays in the Arabic flow.
_LTR_RUN_RE = re.compile(rf"[{LATIN_LETTER}](?:[{LATIN_LETTER}0-9 \t'’.,&/@_+\-]*[{LATIN_LETTER}0-9])?")
_UNSAFE_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
_LATIN_RUN_RE = re.compile(f"[{LATIN_LETTER}]+")


def reveal(value: object) -> str:
    """``value`` as text with bidi controls replaced by visible ``⟨U+202E⟩`` marks (for ids, paths, messages)."""
    text = "" if value is None else str(value)
    return _BIDI_CONTROL_RE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def _control_markup(match: re.Match[str]) -> str:
    char = match.group()
    kind = "ctl-scoped" if char in _BIDI_SCOPED else "ctl-mark"
    name = unicodedata.name(char, "BIDI CONTROL")
    return f'<span class="ctl {kind}" dir="ltr" title="{name}">⟨U+{ord(char):04X}⟩</span>'


def escape_text(text: str) -> str:
    """HTML-escaped article text with bidi controls made visible."""
    return _BIDI_CONTROL_RE.sub(_control_markup, html.escape(text, quote=True))


_EDGE_SPACE_RE = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)
_SPACE_SIGNS = {"\n": "↵", "\t": "⇥"}


def excerpt(value: object) -> Markup:
    """A finding's text for the findings list: escaped, bidi controls shown, and white space at its edges
    made visible (``␣``), since "a space before a comma" is invisible otherwise."""
    match = _EDGE_SPACE_RE.match(reveal(value))
    assert match is not None
    lead, core, trail = match.groups()

    def signs(space: str) -> str:
        shown = "".join(_SPACE_SIGNS.get(ch, "␣") for ch in space)
        return f'<span class="ws" aria-hidden="true">{shown}</span>' if shown else ""

    return Markup(signs(lead) + html.escape(core) + signs(trail))


def script_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, no ``<!--``, no U+2028/9."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")):
        data = data.replace(raw, escaped)
    return Markup(data.replace("\u2029", "\\u2029"))


def page_names(article_ids: Sequence[str]) -> list[str]:
    """A safe, unique file name per article id (any characters, duplicates and case-insensitive file systems)."""
    taken: set[str] = set()
    names = []
    for article_id in article_ids:
        slug = _UNSAFE_NAME_RE.sub("-", article_id).strip("-.")[:48] or "article"
        digest = hashlib.sha1(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        name, counter = f"{slug}-{digest}.html", 1
        while name.lower() in taken:
            counter += 1
            name = f"{slug}-{digest}-{counter}.html"
        taken.add(name.lower())
        names.append(name)
    return names


# --------------------------------------------------------------------------------------------------
# Highlighting


@dataclass(frozen=True)
class _Piece:
    """The part of one finding inside one paragraph (``start == end`` for a zero-width marker)."""

    finding: int
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """One rendered line of the article: its direction and its highlighted markup."""

    direction: str
    lang: str
    markup: Markup
    line: int  # 1-based line number in the article text


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line (without its ``\\n`` or ``\\r\\n``)."""
    spans = []
    start = 0
    for match in re.finditer("\n", text):
        end = match.start()
        spans.append((start, end - 1 if end > start and text[end - 1] == "\r" else end))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def is_rtl(line: str) -> bool:
    """Whether a line is laid out right-to-left: at least ``RTL_MIN_ARABIC`` of its letters are Arabic."""
    arabic = sum(map(len, ARABIC_RUN_RE.findall(line)))
    latin = sum(map(len, _LATIN_RUN_RE.findall(line)))
    return arabic + latin == 0 or arabic >= RTL_MIN_ARABIC * (arabic + latin)


def valid_span(finding: Mapping[str, Any], text: str) -> bool:
    start, end = finding.get("start"), finding.get("end")
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)


def highlight(text: str, findings: Sequence[Mapping[str, Any]]) -> list[Paragraph]:
    """The article's paragraphs with findings highlighted in place.

    The text is split at every finding boundary; a stretch covered by several findings is nested
    ``<mark>`` elements (the finding that ends last outermost), each coloured by the most severe
    finding covering it. A finding split by a paragraph, a Latin run or a crossing finding continues
    in further fragments, but exactly one element per finding carries ``data-finding-id`` (its first
    fragment: the keyboard stop and the target of the findings list's links). A finding with no
    visible character (zero-width, or only line breaks) is a zero-width marker where it starts.
    """
    lines = _lines(text)
    starts = [start for start, _ in lines]
    pieces: dict[int, list[_Piece]] = {}
    shown: set[int] = set()
    for index, finding in enumerate(findings):
        if not valid_span(finding, text):
            continue
        start, end = int(finding["start"]), int(finding["end"])
        first = max(0, bisect_right(starts, start) - 1)
        for line in range(first, len(lines)):
            line_start, line_end = lines[line]
            if line_start >= end:
                break
            piece_start, piece_end = max(start, line_start), min(end, line_end)
            if piece_start < piece_end:
                pieces.setdefault(line, []).append(_Piece(index, piece_start, piece_end))
                shown.add(index)
    visible = [i for i, (s, e) in enumerate(lines) if text[s:e].strip()]
    for index, finding in enumerate(findings):
        if index in shown or not valid_span(finding, text):
            continue
        line = _marker_line(lines, starts, visible, int(finding["start"]))
        position = min(max(int(finding["start"]), lines[line][0]), lines[line][1])
        pieces.setdefault(line, []).append(_Piece(index, position, position))

    severities = [_RANK.get(str(f.get("severity")), 0) for f in findings]
    ends = [int(f["end"]) if valid_span(f, text) else 0 for f in findings]
    opened: set[int] = set()
    paragraphs = []
    for line, (start, end) in enumerate(lines):
        line_pieces = pieces.get(line, [])
        if not line_pieces and not text[start:end].strip():
            continue
        segment = text[start:end]
        rtl = is_rtl(segment)
        runs = [(m.start() + start, m.end() + start) for m in _LTR_RUN_RE.finditer(segment)] if rtl else []
        markup = _render_line(text, start, end, line_pieces, runs, severities, ends, opened)
        paragraphs.append(Paragraph("rtl" if rtl else "ltr", "ar" if rtl else "en", Markup(markup), line + 1))
    return paragraphs


def _marker_line(lines: list[tuple[int, int]], starts: list[int], visible: list[int], position: int) -> int:
    """The line a zero-width marker at ``position`` goes to: its own line if it has text, else the next
    line with text (else the last one)."""
    index = max(0, bisect_right(starts, position) - 1)
    if visible and visible[min(bisect_left(visible, index), len(visible) - 1)] == index:
        return index
    following = bisect_right(visible, index)
    if following < len(visible):
        return visible[following]
    return visible[-1] if visible else index


def _render_line(
    text: str,
    start: int,
    end: int,
    pieces: list[_Piece],
    runs: list[tuple[int, int]],
    severities: list[int],
    ends: list[int],
    opened: set[int],
) -> str:
    if not pieces and not runs:
        return escape_text(text[start:end])
    boundaries = {start, end}
    for piece in pieces:
        boundaries.update((piece.start, piece.end))
    for run_start, run_end in runs:
        boundaries.update((run_start, run_end))
    points = sorted(boundaries)
    run_starts = {s for s, _ in runs}
    run_ends = {e for _, e in runs}
    markers: dict[int, list[int]] = {}
    spans = []
    for piece in pieces:
        if piece.start == piece.end:
            markers.setdefault(piece.start, []).append(piece.finding)
        else:
            spans.append(piece)
    spans.sort(key=lambda p: p.start)

    out: list[str] = []
    stack: list[int] = []  # open findings, outermost first
    active: dict[int, _Piece] = {}
    next_span = 0
    for position, following in zip(points, [*points[1:], None], strict=True):
        for finding in [f for f, p in active.items() if p.end <= position]:
            del active[finding]
        while next_span < len(spans) and spans[next_span].start <= position:
            active[spans[next_span].finding] = spans[next_span]
            next_span += 1
        if position in run_ends or position in run_starts:
            out.append("</mark>" * len(stack))
            stack.clear()
            if position in run_ends:
                out.append("</bdi>")
            if position in run_starts:
                out.append('<bdi dir="ltr">')
        keep = 0
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        out.append("</mark>" * (len(stack) - keep))
        del stack[keep:]
        for finding in markers.get(position, ()):
            out.append(_open_mark(finding, [finding], severities, opened, empty=True) + "</mark>")
        if following is None:
            break
        for finding in sorted(set(active) - set(stack), key=lambda f: (-ends[f], active[f].start, f)):
            stack.append(finding)
            out.append(_open_mark(finding, stack, severities, opened))
        out.append(escape_text(text[position:following]))
    out.append("</mark>" * len(stack))
    return "".join(out)


_SEVERITY_NAMES = {rank: name for name, rank in _RANK.items()}


def _open_mark(finding: int, stack: list[int], severities: list[int], opened: set[int], empty: bool = False) -> str:
    effective = _SEVERITY_NAMES[max(severities[f] for f in stack)]
    classes = f"hl sev-{effective}" + (" multi" if len(stack) > 1 else "") + (" empty" if empty else "")
    cover = " ".join(str(f) for f in reversed(stack))
    if finding in opened:
        return f'<mark class="{classes} cont" data-cover="{cover}">'
    opened.add(finding)
    return (
        f'<mark class="{classes}" data-cover="{cover}" data-finding-id="{finding}" id="hl-{finding}" '
        f'tabindex="0" aria-describedby="fd-{finding}">'
    )


# --------------------------------------------------------------------------------------------------
# Charts (inline SVG, rendered here so they need no script)


def histogram_bins(scores: Sequence[float], fail_under: float) -> tuple[float, float, int]:
    """``(lowest, width, count)`` of the score bins: from a multiple of 5 below both the lowest score and the
    pass mark up to 100, 1, 2 or 5 points wide so a batch scoring 85-100 is not squeezed into three bars."""
    lowest = min([*scores, fail_under - 5.0]) if scores else fail_under - 5.0
    low = max(0.0, min(95.0, math.floor(lowest / 5) * 5))
    span = 100.0 - low
    width = 1.0 if span <= 25 else 2.0 if span <= 50 else 5.0
    return low, width, math.ceil(span / width)


def score_histogram(
    results: Sequence[tuple[float, bool]], fail_under: float, width: int = 560, height: int = 200
) -> Markup:
    """Articles per score bin (see :func:`histogram_bins`), each bar split into failed (red, below) and passed
    (green) articles, since an article scoring above the pass mark still fails on a critical finding; the pass
    mark is a dashed line."""
    low, step, count = histogram_bins([score for score, _ in results], fail_under)
    failed = [0] * count
    passed = [0] * count
    for score, ok in results:
        index = min(count - 1, max(0, int((score - low) // step)))
        (passed if ok else failed)[index] += 1
    bins = [f + p for f, p in zip(failed, passed, strict=True)]
    top = max(bins) or 1
    left, right, bottom, plot_h = 40, 10, 24, height - 40
    bar_w = (width - left - right) / count

    def x_of(score: float) -> float:
        return left + (score - low) / step * bar_w

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="score-chart-title">',
        f'<title id="score-chart-title">Score distribution: number of articles per {step:g} score points</title>',
    ]
    for tick in sorted({0, top // 2, top} if top >= 4 else {0, top}):
        y = height - bottom - plot_h * tick / top
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    base = height - bottom
    for index, number in enumerate(bins):
        start = low + index * step
        label = (
            f"{start:g}–{min(100.0, start + step):g}: {number} article{'s' if number != 1 else ''}"
            f" ({failed[index]} failed, {passed[index]} passed)"
        )
        fail_h = plot_h * failed[index] / top
        pass_h = plot_h * passed[index] / top
        parts.append(f"<g><title>{label}</title>")
        for kind, y, h in (("fail", base - fail_h, fail_h), ("pass", base - fail_h - pass_h, pass_h)):
            if h > 0:
                parts.append(
                    f'<rect class="bar {kind}" x="{x_of(start) + 1:.1f}" y="{y:.1f}" '
                    f'width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}"/>'
                )
        parts.append("</g>")
    tick_step = 5 * step if (100 - low) / (5 * step) <= 6 else 25.0
    position = low
    while position <= 100:
        parts.append(
            f'<text class="axis" x="{x_of(position):.1f}" y="{height - 6}" text-anchor="middle">{position:g}</text>'
        )
        position += tick_step
    if low <= fail_under <= 100:
        x = x_of(fail_under)
        parts.append(
            f'<line class="threshold" x1="{x:.1f}" x2="{x:.1f}" y1="8" y2="{height - bottom}"/>'
            f'<text class="axis" x="{x - 4:.1f}" y="16" text-anchor="end">pass ≥ {fail_under:g}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def category_bars(counts: Mapping[str, Mapping[str, int]], width: int = 560) -> Markup:
    """One horizontal bar per category, stacked by severity, most findings first."""
    rows = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    if not rows:
        return Markup('<p class="muted">No findings.</p>')
    row_h, label_w = 24, 120
    height = row_h * len(rows) + 8
    top = max(sum(c.values()) for _, c in rows) or 1
    plot_w = width - label_w - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="category-chart-title">',
        '<title id="category-chart-title">Findings per category, by severity</title>',
    ]
    for index, (category, by_severity) in enumerate(rows):
        y = 4 + index * row_h
        name = html.escape(reveal(category))
        parts.append(f'<text class="label" x="{label_w - 8}" y="{y + 16}" text-anchor="end">{name}</text>')
        x = float(label_w)
        for severity in SEVERITIES:
            count = by_severity.get(severity, 0)
            if not count:
                continue
            w = plot_w * count / top
            parts.append(
                f'<rect class="seg sev-{severity}" x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}">'
                f"<title>{name}, {severity}: {count}</title></rect>"
            )
            x += w
        parts.append(f'<text class="axis" x="{x + 6:.1f}" y="{y + 16}">{sum(by_severity.values())}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# --------------------------------------------------------------------------------------------------
# Pages


def _severity_counts(findings: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        severity = str(finding.get("severity"))
        if severity in counts:
            counts[severity] += 1
    return counts


def _format(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return reveal(value)


def _flat_metrics(metrics: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Article metrics as ``(name, shown value)``, one level of nesting flattened; counts are shown elsewhere."""
    rows: list[tuple[str, str]] = []
    for name, value in metrics.items():
        if name == "counts":
            continue
        if isinstance(value, Mapping):
            rows.extend((f"{name}.{key}", _format(inner)) for key, inner in value.items())
        else:
            rows.append((name, _format(value)))
    return rows


def metric_signatures(articles: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Distinct values of every metric named ``*signature`` (top level or one level down), by name."""
    found: dict[str, set[str]] = {}

    def visit(prefix: str, metrics: Mapping[str, Any]) -> None:
        for name, value in metrics.items():
            key = f"{prefix}{name}"
            if isinstance(value, str) and name.endswith("signature"):
                found.setdefault(key, set()).add(value)
            elif isinstance(value, Mapping) and not prefix:
                visit(f"{name}.", value)

    for article in articles:
        visit("", article.get("metrics") or {})
    return {name: sorted(values) for name, values in sorted(found.items())}


def _findings_per_row(
    rows: Sequence[tuple[int, int] | None], findings: Sequence[Mapping[str, Any]], text: str
) -> list[list[int]]:
    """For each row span (or ``None``), the findings overlapping it (a zero-width finding: inside it), in
    O((rows + findings) log rows + overlaps) time."""
    spans = sorted((span[0], span[1], index) for index, span in enumerate(rows) if span is not None)
    starts = [start for start, _, _ in spans]
    highest_end: list[int] = []
    for _, end, _ in spans:
        highest_end.append(max(end, highest_end[-1]) if highest_end else end)
    result: list[list[int]] = [[] for _ in rows]
    for number, finding in enumerate(findings):
        if not valid_span(finding, text):
            continue
        f_start, f_end = int(finding["start"]), int(finding["end"])
        k = bisect_right(starts, f_start) - 1 if f_start == f_end else bisect_left(starts, f_end) - 1
        while k >= 0 and highest_end[k] > f_start:
            start, end, index = spans[k]
            if (start <= f_start < end) if f_start == f_end else (start < f_end and end > f_start):
                result[index].append(number)
            k -= 1
    return [sorted(found) for found in result]


@dataclass(frozen=True)
class Passage:
    """A piece of text shown without highlights (an aligned segment, a reference): its direction and markup."""

    direction: str
    lang: str
    markup: Markup

    @property
    def css_class(self) -> str:
        return "ar" if self.direction == "rtl" else "en"


def passage(text: str) -> Passage:
    """``text`` escaped, laid out by its script like the article's lines (Latin runs isolated in Arabic)."""
    if not is_rtl(text):
        return Passage("ltr", "en", Markup(escape_text(text)))
    out = []
    position = 0
    for match in _LTR_RUN_RE.finditer(text):
        out.append(escape_text(text[position : match.start()]))
        out.append(f'<bdi dir="ltr">{escape_text(match.group())}</bdi>')
        position = match.end()
    out.append(escape_text(text[position:]))
    return Passage("rtl", "ar", Markup("".join(out)))


_AR = Passage("rtl", "ar", Markup(""))
_EN = Passage("ltr", "en", Markup(""))


def _reference_cell(value: Any, gaps: Sequence[Any], default: Passage) -> dict[str, Any]:
    shown = passage(str(value)) if value is not None and str(value).strip() else None
    return {"passage": shown or default, "empty": shown is None, "gaps": [passage(str(gap)) for gap in gaps]}


def _alignment_view(article: Mapping[str, Any], text: str | None) -> dict[str, Any] | None:
    rows = article.get("alignment") or []
    if not rows:
        return None
    names: list[str] = []
    for row in rows:
        for name in row.get("retranslations") or {}:
            if name not in names:
                names.append(name)
    findings = article.get("findings") or []
    spans: list[tuple[int, int] | None] = []
    for row in rows:
        start, end = row.get("start"), row.get("end")
        valid = text is not None and isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)
        spans.append((start, end) if valid else None)
    overlapping = _findings_per_row(spans, findings, text) if text is not None else [[] for _ in rows]
    view_rows = []
    for number, (row, span, found) in enumerate(zip(rows, spans, overlapping, strict=True), start=1):
        worst = max((_RANK.get(str(findings[i].get("severity")), 0) for i in found), default=None)
        retranslations = row.get("retranslations") or {}
        gaps = row.get("gaps") or {}
        view_rows.append(
            {
                "number": number,
                "segment": _reference_cell(text[span[0] : span[1]] if text is not None and span else None, (), _AR),
                "source": _reference_cell(row.get("source"), gaps.get("source") or (), _EN),
                "retranslations": [_reference_cell(retranslations.get(n), gaps.get(n) or (), _AR) for n in names],
                "metrics": [(k, _format(v)) for k, v in (row.get("metrics") or {}).items()],
                "findings": found,
                "worst": _SEVERITY_NAMES[worst] if worst is not None else None,
            }
        )
    return {"names": [reveal(n) for n in names], "rows": view_rows}


def _reference_view(article: Mapping[str, Any]) -> dict[str, Any] | None:
    texts = article.get("reference_texts")
    if not texts or article.get("alignment"):
        return None
    columns = []
    if texts.get("source"):
        columns.append(("English original", "ltr", "en", texts["source"]))
    for name, value in sorted((texts.get("retranslations") or {}).items()):
        columns.append((f"Re-translation: {reveal(name)}", "rtl", "ar", value))
    return {
        "columns": [
            {
                "title": title,
                "dir": direction,
                "lang": lang,
                "paragraphs": [passage(line.strip()) for line in str(value).splitlines() if line.strip()],
            }
            for title, direction, lang, value in columns
        ]
    }


def _groups(findings: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """For each finding, its group of repeats (same check and severity): key, size, whether it is the group's
    first finding (in text order), and for the first one the group's single fix."""
    from audit.reporting.groups import group_findings

    position = {id(f): i for i, f in enumerate(findings)}
    out: list[dict[str, Any]] = [{} for _ in findings]
    for number, group in enumerate(group_findings(findings)):
        for rank, member in enumerate(group.findings):
            out[position[id(member)]] = {
                "key": f"g{number}",
                "size": group.count,
                "head": rank == 0,
                "fix": group.fix if rank == 0 and group.count > 1 else None,
            }
    return out


@dataclass(frozen=True)
class FixedView:
    """The article with every fix applied (the safe ones, and the unsafe ones marked as such)."""

    markup: Markup
    safe: int
    unsafe: int


def fixed_view(text: str, findings: Sequence[Mapping[str, Any]]) -> FixedView | None:
    """The corrected text with each change shown as deleted and inserted text; None when nothing has a fix.

    Overlapping fixes are resolved as ``audit fix`` resolves them in its first round."""
    from audit.fixes import select_fixes
    from audit.model import Category, Finding, Fix, Severity

    candidates = []
    for f in findings:
        if not f.get("fix") or not valid_span(f, text):
            continue
        try:
            fix = Fix.from_dict(f["fix"])
            finding = Finding(
                str(f["check"]),
                Category(f["category"]) if f.get("category") in Category._value2member_map_ else Category.OTHER,
                Severity(f["severity"]),
                int(f["start"]),
                int(f["end"]),
                str(f["text"]),
                "",
                fix=fix,
            )
        except (KeyError, TypeError, ValueError):
            continue
        if fix.end <= len(text):
            candidates.append(finding)
    chosen = select_fixes(candidates, unsafe=True)
    if not chosen:
        return None
    edits = sorted(
        ((edit, finding.fix.applicability.value) for finding in chosen if finding.fix for edit in finding.fix.edits),
        key=lambda pair: (pair[0].start, pair[0].end),
    )
    pieces: list[str] = []
    position = 0
    for edit, applicability in edits:
        pieces.append(escape_text(text[position : edit.start]))
        if edit.end > edit.start:
            pieces.append(f'<del class="fix-{applicability}">{escape_text(text[edit.start : edit.end])}</del>')
        if edit.replacement:
            pieces.append(f'<ins class="fix-{applicability}">{escape_text(edit.replacement)}</ins>')
        position = edit.end
    pieces.append(escape_text(text[position:]))
    unsafe = sum(1 for f in chosen if f.fix is not None and not f.fix.safe)
    return FixedView(Markup("".join(pieces)), len(chosen) - unsafe, unsafe)


class HtmlReporter:
    """Writes ``index.html``, ``articles/<safe-id>.html`` and ``assets/`` into the output folder."""

    name = "html"
    needs_text = True

    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        self.env.filters["reveal"] = reveal
        self.env.filters["fmt"] = _format
        self.env.filters["excerpt"] = excerpt

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        articles: Sequence[dict[str, Any]] = report.get("articles") or []
        names = page_names([str(a.get("id")) for a in articles])  # one pass: the articles may be a lazy view
        assets = output / "assets"
        pages = output / "articles"
        assets.mkdir(parents=True, exist_ok=True)
        pages.mkdir(parents=True, exist_ok=True)
        written = []
        for asset in ASSETS:
            target = assets / asset
            shutil.copyfile(TEMPLATES / asset, target)
            written.append(target)

        page_template = self.env.get_template("article.html.j2")
        tool = report.get("tool") or {}
        for position, (article, name) in enumerate(zip(articles, names, strict=True)):
            previous_name = names[position - 1] if position > 0 else None
            next_name = names[position + 1] if position + 1 < len(names) else None
            path = pages / name
            page = page_template.render(
                csp=CSP,
                tool=tool,
                **self.article_view(article),
                previous_name=previous_name,
                next_name=next_name,
                position=position + 1,
                total=len(articles),
            )
            path.write_text(page, encoding="utf-8", errors="replace")
            written.append(path)

        index = output / "index.html"
        index.write_text(self.render_index(report, names), encoding="utf-8", errors="replace")
        written.append(index)
        return written

    def article_view(self, article: Mapping[str, Any]) -> dict[str, Any]:
        text = article.get("text")
        findings = list(article.get("findings") or [])
        has_text = isinstance(text, str)
        paragraphs = highlight(text, findings) if isinstance(text, str) else []
        shown = [has_text and valid_span(f, str(text)) for f in findings]
        metrics = article.get("metrics") or {}
        group_of = _groups(findings)
        return {
            "article": article,
            "id_shown": reveal(article.get("id")),
            "has_text": has_text,
            "paragraphs": paragraphs,
            "fixed": fixed_view(text, findings) if isinstance(text, str) else None,
            "findings": [
                {
                    **f,
                    "index": i,
                    "shown": shown[i],
                    "severity": str(f.get("severity")),
                    "rank": _RANK.get(str(f.get("severity")), 0),
                    "group": group_of[i],
                }
                for i, f in enumerate(findings)
            ],
            "categories": sorted({str(f.get("category")) for f in findings}),
            "counts": _severity_counts(findings),
            "metrics": _flat_metrics(metrics),
            "alignment": _alignment_view(article, text if isinstance(text, str) else None),
            "references": _reference_view(article),
        }

    def render_index(self, report: Mapping[str, Any], names: Sequence[str]) -> str:
        articles: Sequence[Mapping[str, Any]] = report.get("articles") or []
        summary = report.get("summary") or {}
        config = report.get("config") or {}
        categories = sorted({str(f.get("category")) for a in articles for f in a.get("findings") or []})
        by_category: dict[str, dict[str, int]] = {}
        listed = _listed_positions(articles, len(names))
        rows = []
        results: list[tuple[float, bool]] = []
        for position, (article, name) in enumerate(zip(articles, names, strict=True)):
            if isinstance(article.get("score"), (int, float)):
                results.append((float(article["score"]), bool(article.get("passed"))))
            findings = article.get("findings") or []
            severity = _severity_counts(findings)
            per_category = dict.fromkeys(categories, 0)
            for finding in findings:
                category = str(finding.get("category"))
                per_category[category] += 1
                bucket = by_category.setdefault(category, {})
                bucket[str(finding.get("severity"))] = bucket.get(str(finding.get("severity")), 0) + 1
            if listed is not None and position not in listed:
                continue
            rows.append(
                [
                    reveal(article.get("id")),
                    f"articles/{name}",
                    article.get("score"),
                    1 if article.get("passed") else 0,
                    article.get("words"),
                    len(findings),
                    *(severity[s] for s in SEVERITIES),
                    *(per_category[c] for c in categories),
                    reveal(article.get("path") or ""),
                ]
            )
        columns: list[dict[str, Any]] = [
            {"key": "id", "label": "Article", "type": "text"},
            {"key": "score", "label": "Score", "type": "number"},
            {"key": "passed", "label": "Result", "type": "number"},
            {"key": "words", "label": "Words", "type": "number"},
            {"key": "findings", "label": "Findings", "type": "number"},
            *({"key": s, "label": s.capitalize(), "type": "number", "severity": s} for s in SEVERITIES),
            *({"key": f"cat:{c}", "label": reveal(c), "type": "number", "category": True} for c in categories),
        ]
        static = sorted(range(len(rows)), key=lambda i: (_number(rows[i][2]), i))[:STATIC_ROWS]
        fail_under = config.get("fail_under", 95.0)
        return self.env.get_template("index.html.j2").render(
            csp=CSP,
            report=report,
            tool=report.get("tool") or {},
            summary=summary,
            config_json=json.dumps(config, ensure_ascii=False, indent=2),
            signatures=metric_signatures(articles),
            columns=columns,
            static_rows=[rows[i] for i in static],
            data=script_json({"columns": [c["key"] for c in columns], "rows": rows}),
            total=len(rows),
            max_all_rows=MAX_ALL_ROWS,
            score_chart=score_histogram(results, float(fail_under) if isinstance(fail_under, (int, float)) else 95.0),
            category_chart=category_bars(by_category),
            errors=report.get("errors") or [],
            severities=SEVERITIES,
            listed=len(rows),
            articles_total=len(names),
            omitted=len(names) - len(rows),
        )


def _listed_positions(articles: Iterable[Mapping[str, Any]], total: int) -> set[int] | None:
    """The positions of the articles the index lists: all of them, or the lowest-scoring ones of a large batch."""
    if total <= MAX_INDEX_ROWS:
        return None
    scored = ((_number(a.get("score")), position) for position, a in enumerate(articles))
    return {position for _, position in heapq.nsmallest(MAX_INDEX_ROWS, scored)}


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("inf")
