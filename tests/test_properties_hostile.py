"""Property tests: any id, retranslation name or config value ends as a result or a clear error, never as an
exception, and every report format stays writable and safe."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.config import KEYS, Config, ConfigError, apply
from audit.engine import audit_batch
from audit.inputs import record_to_article
from audit.reporting import write_reports

TEXT = "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد ، وأضاف أن الوفود ستصل."
FORMATS = ("json", "md", "csv", "junit", "sarif", "html")
_HOSTILE_CHARS = st.sampled_from(list("=+-@\t\r\n\x00\x07\u202e\u2066\u200b\ufeff\ud800\udfff<>&\"'|`*#ب1a/\\. "))
hostile_text = st.text(alphabet=st.one_of(_HOSTILE_CHARS, st.characters()), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ids=st.lists(json_values, min_size=1, max_size=3),
    names=st.lists(hostile_text, max_size=2),
)
def test_any_id_and_name_gives_safe_reports_in_every_format(ids: list[Any], names: list[str]) -> None:
    loaded = [
        record_to_article(
            {"id": article_id, "text": TEXT, "retranslations": {name: TEXT for name in names}},
            default_id=f"line:{number}",
            where=f"batch.jsonl:{number}",
        )
        for number, article_id in enumerate(ids, start=1)
    ]
    result = audit_batch(loaded, Config(select=("P4",), jobs=1))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        write_reports(result, FORMATS, out)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert len(report["articles"]) + len(report["errors"]) == len(ids)
        dumped = json.dumps(report, ensure_ascii=False)
        assert not any("\ud800" <= ch <= "\udfff" for ch in dumped)
        markdown = (out / "report.md").read_text(encoding="utf-8")
        assert not any(ch in markdown for ch in "\u202e\u2066\u200b\x00\x07")
        with (out / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
            for row in list(csv.reader(handle))[1:]:
                assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row if cell)


@settings(max_examples=300, deadline=None)
@given(key=st.sampled_from(sorted(KEYS)), value=json_values)
def test_any_config_value_is_accepted_or_a_config_error(key: str, value: Any) -> None:
    try:
        config = apply(Config(), {key: value}, "audit.toml")
    except ConfigError as exc:
        assert str(exc) and len(str(exc)) < 2000
        return
    json.dumps(config.to_dict(), allow_nan=False)  # whatever is accepted is finite and writable


@settings(max_examples=200, deadline=None)
@given(weights=st.dictionaries(st.sampled_from(["minor", "major", "critical"]), json_values, max_size=3))
def test_accepted_weights_are_finite_and_not_negative(weights: dict[str, Any]) -> None:
    try:
        config = apply(Config(), {"weights": weights}, "audit.toml")
    except ConfigError:
        return
    assert all(0 <= w < float("inf") for w in config.weights.values())
