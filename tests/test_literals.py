"""Tests of the literal requirements of regular expressions (audit/literals.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.literals import best_requirement, literal_requirements, uncased


def test_requirements_of_words_branches_and_optional_parts() -> None:
    assert literal_requirements(r"نقطة\s+فلاش") == [("نقطة",), ("فلاش",)]
    assert literal_requirements("(?:خزان|دبابة) (?:ال)?فكر") == [("خزان", "دبابة"), ("فكر",)]  # «ال» is optional
    assert literal_requirements("(?:صورة )?البلياردو") == [("البلياردو",)]
    assert literal_requirements("(a|bcd)efgh") == [("efgh",)]  # «a» is too short to require
    assert literal_requirements(r"\w+") == []
    assert best_requirement([("abc", "defg"), ("hijkl",)]) == ("hijkl",)
    assert best_requirement([("ab",)]) is None


def test_requirements_down_to_single_characters() -> None:
    assert literal_requirements(r"\s[-–—]\s*(photo)?:?\s*[A-Z]", shortest=1) == [("-", "–", "—")]
    assert literal_requirements(r"\((a|bcd)s?:\s*[^()]{1,6}\)", shortest=1) == [("(",), ("a", "bcd"), (":",), (")",)]
    assert literal_requirements(r"[^x]ab[-–]", shortest=1) == [("ab",), ("-", "–")]
    assert literal_requirements(r"\s[-–—]x") == []  # too short by default


def test_only_literals_without_cased_letters_are_uncased() -> None:
    assert uncased(("الآن", " البيانات 2024"))
    assert not uncased(("الآن", "Wire"))
    assert not uncased(("ſ",))


_PIECES = st.sampled_from(["ابت", "جحخ", "abc", "(?:ابت|دذر)", "(?:سشص)?", r"\s+", ".", "(?:ضطظ)+", "[عغ]", "x*"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_PIECES, min_size=1, max_size=5),
    st.text(alphabet="ابتجحخدذرسشصضطظعغabcx .", max_size=40),
    st.sampled_from([1, 3]),
)
def test_every_match_contains_a_literal_of_each_requirement(pieces: list[str], text: str, shortest: int) -> None:
    pattern = "".join(pieces)
    requirements = literal_requirements(pattern, shortest)
    for match in re.finditer(pattern, text):
        for requirement in requirements:
            assert any(literal in match.group() for literal in requirement)
