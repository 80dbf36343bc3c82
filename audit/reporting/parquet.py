"""``articles.parquet`` and ``findings.parquet``: the results as a dataset for pandas, Polars or 🤗 Datasets.

Both files are written in row groups as the records stream by, so a batch of any size is written in flat
memory; read them with ``pandas.read_parquet("reports/findings.parquet")`` or
``datasets.load_dataset("parquet", data_files="reports/findings.parquet", split="train")`` (one file at a
time: the two tables have different columns).

``articles.parquet``, one row per article:

=================  ==========================  ====================================================
column             type                        meaning
=================  ==========================  ====================================================
id                 string                      the article id
path               string (null)               where it was read (file, ``file.jsonl:LINE``, ``dataset#N``)
words              int64                       words counted for the score
score              float64                     the MQM-style score, 0-100
passed             bool                        whether it passed the gate
penalty            float64                     the penalty behind the score
critical ... info  int64                       number of findings per severity
subscores          list<struct<name, value>>   sub-scores by dimension (accuracy, fluency, ...)
metrics            string                      the article's other metrics, as JSON
=================  ==========================  ====================================================

``findings.parquet``, one row per finding: ``article`` and ``path`` (the article's id and origin),
``check``, ``category``, ``severity``, ``start``, ``end`` (character offsets, ``text == article[start:end]``),
``line``, ``column``, ``end_line``, ``end_column`` (1-based, code points), ``text``, ``message``,
``suggestion``, ``confidence`` (float64, null when unknown), ``evidence`` and ``fix`` (the JSON of the
finding's fix, null when it has none).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROWS_PER_GROUP = 20_000
SEVERITIES = ("critical", "major", "minor", "info")


def _schemas() -> tuple[Any, Any]:
    import pyarrow as pa

    articles = pa.schema(
        [
            ("id", pa.string()),
            ("path", pa.string()),
            ("words", pa.int64()),
            ("score", pa.float64()),
            ("passed", pa.bool_()),
            ("penalty", pa.float64()),
            *((name, pa.int64()) for name in SEVERITIES),
            ("subscores", pa.list_(pa.struct([("name", pa.string()), ("value", pa.float64())]))),
            ("metrics", pa.string()),
        ]
    )
    findings = pa.schema(
        [
            ("article", pa.string()),
            ("path", pa.string()),
            ("check", pa.string()),
            ("category", pa.string()),
            ("severity", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("line", pa.int64()),
            ("column", pa.int64()),
            ("end_line", pa.int64()),
            ("end_column", pa.int64()),
            ("text", pa.string()),
            ("message", pa.string()),
            ("suggestion", pa.string()),
            ("confidence", pa.float64()),
            ("evidence", pa.string()),
            ("fix", pa.string()),
        ]
    )
    return articles, findings


def _text(value: Any) -> str | None:
    # Parquet strings are UTF-8: a lone surrogate (possible in JSON input) becomes U+FFFD.
    if value is None:
        return None
    return str(value).encode("utf-8", "replace").decode("utf-8")


def article_row(article: dict[str, Any]) -> dict[str, Any]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in article["findings"]:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    metrics = {k: v for k, v in (article.get("metrics") or {}).items() if k not in ("penalty", "counts")}
    return {
        "id": _text(article["id"]),
        "path": _text(article.get("path")),
        "words": article["words"],
        "score": float(article["score"]),
        "passed": bool(article["passed"]),
        "penalty": float((article.get("metrics") or {}).get("penalty", 0.0)),
        **counts,
        "subscores": [{"name": k, "value": float(v)} for k, v in (article.get("subscores") or {}).items()],
        "metrics": _text(json.dumps(metrics, ensure_ascii=False, sort_keys=True)),
    }


def finding_row(article: dict[str, Any], finding: dict[str, Any]) -> dict[str, Any]:
    fix = finding.get("fix")
    confidence = finding.get("confidence")
    return {
        "article": _text(article["id"]),
        "path": _text(article.get("path")),
        **{key: finding.get(key) for key in ("check", "category", "severity", "start", "end")},
        **{key: finding.get(key) for key in ("line", "column", "end_line", "end_column")},
        "text": _text(finding.get("text")),
        "message": _text(finding.get("message")),
        "suggestion": _text(finding.get("suggestion")),
        "confidence": None if confidence is None else float(confidence),
        "evidence": _text(finding.get("evidence")),
        "fix": None if not fix else _text(json.dumps(fix, ensure_ascii=False)),
    }


class ParquetReporter:
    name = "parquet"

    def write(self, report: dict[str, Any], output: Path) -> list[Path]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        articles_schema, findings_schema = _schemas()
        paths = (output / "articles.parquet", output / "findings.parquet")
        temps = [path.with_name(f".{path.name}.tmp") for path in paths]
        article_rows: list[dict[str, Any]] = []
        finding_rows: list[dict[str, Any]] = []
        with (
            pq.ParquetWriter(temps[0], articles_schema) as article_writer,
            pq.ParquetWriter(temps[1], findings_schema) as finding_writer,
        ):

            def flush(force: bool = False) -> None:
                if article_rows and (force or len(article_rows) >= ROWS_PER_GROUP):
                    article_writer.write_table(pa.Table.from_pylist(article_rows, schema=articles_schema))
                    article_rows.clear()
                if finding_rows and (force or len(finding_rows) >= ROWS_PER_GROUP):
                    finding_writer.write_table(pa.Table.from_pylist(finding_rows, schema=findings_schema))
                    finding_rows.clear()

            for article in report.get("articles") or []:
                article_rows.append(article_row(article))
                finding_rows.extend(finding_row(article, f) for f in article["findings"])
                flush()
            flush(force=True)
        for temp, path in zip(temps, paths, strict=True):
            os.replace(temp, path)
        return list(paths)
