"""report.json's writer: the text of ``json.dumps(value, ensure_ascii=False, indent=2)``, lazy sequences included."""

from __future__ import annotations

import enum
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.reporting.json_report import dump, rendered

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),  # control characters, quotes, backslashes, lone surrogates and astral characters included
)
KEYS = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(KEYS, inner, max_size=4),
    ),
    max_leaves=30,
)


def dumped(value: Any, level: int = 0) -> str:
    handle = io.StringIO()
    dump(value, handle, level)
    return handle.getvalue()


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0, max_value=3))
def test_dump_writes_what_json_dumps_writes(value: Any, level: int) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * level)
    assert dumped(value, level) == expected


def test_special_numbers_and_keys() -> None:
    numbers = [float("nan"), float("inf"), float("-inf"), -0.0, 1e16, 1e-7, 2**70, -(2**70), True, False, None]
    value = {"numbers": numbers, "keys": {1.5: 0, float("-inf"): 0, 7: 0, True: 0, False: 0, None: 0, "": 0}}
    assert dumped(value) == json.dumps(value, ensure_ascii=False, indent=2)


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


def test_subclasses_and_lazy_sequences() -> None:
    def records() -> Iterator[dict[str, Any]]:
        yield {"id": Name("a"), "level": Level.HIGH, "score": 1e-7, "findings": []}
        yield {"id": "b", "nested": {}, "rows": [[], {}]}

    value = {"schema": "x", "articles": records(), "empty": iter(())}
    expected = {"schema": "x", "articles": list(records()), "empty": []}
    assert dumped(value) == json.dumps(expected, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("value", [{"a": b"bytes"}, [object()], {(1, 2): "tuple key"}])
def test_values_json_cannot_hold_are_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(value)
    with pytest.raises(TypeError):
        dumped(value)


class _RenderedRecords:
    """A lazy sequence of article records that also holds them rendered (as ``audit.run.ArticleRecords`` may)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)

    def rendered_records(self) -> list[str]:
        return [rendered(record) for record in self.records]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(st.text(), VALUES, max_size=4), max_size=4))
def test_records_rendered_ahead_are_written_as_they_would_be(records: list[dict[str, Any]]) -> None:
    value = {"schema": "x", "articles": _RenderedRecords(records), "rows": _RenderedRecords(records)}
    expected = {"schema": "x", "articles": records, "rows": records}
    assert dumped(value) == json.dumps(expected, ensure_ascii=False, indent=2)
    assert dumped([value]) == json.dumps([expected], ensure_ascii=False, indent=2)  # one level deeper: not used
