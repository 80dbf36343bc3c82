"""The scoring contract: MQM-style penalties, harmonic repeats, the word floor and the pass/fail gate."""

from __future__ import annotations

import math

import pytest

from audit import __version__, scoring
from audit.config import DEFAULT_WEIGHTS
from audit.model import Category, Finding, Severity

WEIGHTS = dict(DEFAULT_WEIGHTS)


def finding(check: str = "P401", severity: Severity = Severity.MINOR, start: int = 0) -> Finding:
    return Finding(
        check=check,
        category=Category.PUNCTUATION,
        severity=severity,
        start=start,
        end=start + 1,
        text="x",
        message="test finding",
    )


def test_forty_minor_repeats_cost_less_than_one_critical() -> None:
    forty_minor = [finding("P401", Severity.MINOR, i) for i in range(40)]
    one_critical = [finding("U101", Severity.CRITICAL)]
    assert scoring.penalty(forty_minor, WEIGHTS) == pytest.approx(scoring.harmonic(40))
    assert scoring.penalty(forty_minor, WEIGHTS) == pytest.approx(4.28, abs=0.01)
    assert scoring.penalty(forty_minor, WEIGHTS) < scoring.penalty(one_critical, WEIGHTS) == 25
    words = 600
    assert scoring.score(forty_minor, words, WEIGHTS).value > scoring.score(one_critical, words, WEIGHTS).value


def test_repeats_of_one_check_are_harmonic_and_grow_like_log() -> None:
    for n in (1, 2, 3, 10, 100):
        repeats = [finding("D301", Severity.MAJOR, i) for i in range(n)]
        assert scoring.penalty(repeats, WEIGHTS) == pytest.approx(5 * sum(1 / k for k in range(1, n + 1)))
    hundred = scoring.penalty([finding("D301", Severity.MAJOR, i) for i in range(100)], WEIGHTS)
    assert hundred == pytest.approx(5 * (math.log(100) + 0.5772), rel=0.01)


def test_groups_are_per_check_and_severity() -> None:
    # Two different checks are not repeats of each other: each pays full weight.
    two_checks = [finding("P401", Severity.MINOR), finding("P402", Severity.MINOR)]
    assert scoring.penalty(two_checks, WEIGHTS) == pytest.approx(2.0)
    # The same check at two severities: two groups, each starting at full weight.
    two_severities = [finding("P401", Severity.MINOR), finding("P401", Severity.MAJOR)]
    assert scoring.penalty(two_severities, WEIGHTS) == pytest.approx(1.0 + 5.0)
    same = [finding("P401", Severity.MINOR), finding("P401", Severity.MINOR, 5)]
    assert scoring.penalty(same, WEIGHTS) == pytest.approx(1.5)


def test_info_findings_are_never_scored() -> None:
    infos = [finding("M901", Severity.INFO, i) for i in range(50)]
    assert scoring.penalty(infos, WEIGHTS) == 0
    assert scoring.score(infos, 10, WEIGHTS).value == 100.0
    # Even with a weight configured for info, it is ignored.
    assert scoring.penalty(infos, {**WEIGHTS, Severity.INFO: 3.0}) == 0


def test_short_articles_are_scored_as_if_they_had_min_words() -> None:
    one_major = [finding("S701", Severity.MAJOR)]
    assert scoring.MIN_WORDS == 100
    short = scoring.score(one_major, 20, WEIGHTS)
    at_floor = scoring.score(one_major, 100, WEIGHTS)
    long = scoring.score(one_major, 1000, WEIGHTS)
    assert short.value == at_floor.value == 95.0
    assert long.value == 99.5
    assert short.words == 20 and short.penalty == 5.0


def test_score_is_clamped_at_zero_and_weights_apply() -> None:
    criticals = [finding(f"U10{i}", Severity.CRITICAL) for i in range(9)]
    assert scoring.score(criticals, 100, WEIGHTS).value == 0.0
    doubled = {**WEIGHTS, Severity.MINOR: 2.0}
    assert scoring.score([finding()], 200, doubled).value == 99.0


def test_no_findings_scores_100() -> None:
    result = scoring.score([], 0, WEIGHTS)
    assert result.value == 100.0 and result.penalty == 0


@pytest.mark.parametrize(
    ("value", "severities", "fail_under", "fail_on", "expected"),
    [
        (95.0, [], 95.0, Severity.CRITICAL, True),  # the threshold itself passes
        (94.99, [], 95.0, Severity.CRITICAL, False),
        (99.0, [Severity.CRITICAL], 95.0, Severity.CRITICAL, False),
        (99.0, [Severity.MAJOR], 95.0, Severity.CRITICAL, True),
        (99.0, [Severity.MAJOR], 95.0, Severity.MAJOR, False),
        (99.0, [Severity.CRITICAL], 95.0, Severity.MAJOR, False),  # "at or above"
        (99.0, [Severity.MINOR], 95.0, Severity.MINOR, False),
        (99.0, [Severity.INFO], 95.0, Severity.MINOR, True),  # info never fails the gate
        (99.0, [Severity.CRITICAL], 95.0, None, True),  # fail_on = "none"
        (10.0, [], 0.0, None, True),
    ],
)
def test_passes(
    value: float, severities: list[Severity], fail_under: float, fail_on: Severity | None, expected: bool
) -> None:
    findings = [finding("X001", s, i) for i, s in enumerate(severities)]
    assert scoring.passes(value, findings, fail_under, fail_on) is expected


def test_signature_names_everything_that_changes_the_score() -> None:
    signature = scoring.signature(WEIGHTS, 95.0, "critical")
    assert signature == (
        "audit-score|weights:1/5/25|repeats:harmonic|norm:words>=100|fail_under:95|fail_on:critical"
        f"|version:{__version__}"
    )
    changed = scoring.signature({**WEIGHTS, Severity.MAJOR: 4.0}, 90.5, "major")
    assert "weights:1/4/25" in changed and "fail_under:90.5" in changed and "fail_on:major" in changed


def test_formula_text_matches_the_implementation() -> None:
    # The documented formula, evaluated by hand, agrees with score().
    findings = [finding("P401", Severity.MINOR, i) for i in range(3)] + [finding("A801", Severity.MAJOR)]
    words = 250
    penalty = 1 * (1 + 1 / 2 + 1 / 3) + 5 * 1
    assert scoring.score(findings, words, WEIGHTS).value == round(100 * max(0, 1 - penalty / max(words, 100)), 2)
    assert "max(words, 100)" in scoring.FORMULA and "1/n" in scoring.FORMULA


def test_subscores_split_findings_by_dimension() -> None:
    found = [
        Finding("U101", Category.UNTRANSLATED, Severity.CRITICAL, 0, 1, "x", "m"),
        Finding("B201", Category.BOILERPLATE, Severity.MAJOR, 1, 2, "x", "m"),
        Finding("P401", Category.PUNCTUATION, Severity.MINOR, 2, 3, "x", "m"),
        Finding("P408", Category.PUNCTUATION, Severity.MINOR, 3, 4, "x", "m"),  # the check names "source"
        Finding("C603", Category.MISTRANSLATION, Severity.MAJOR, 4, 5, "x", "m"),  # "terminology"
    ]
    sub = scoring.subscores(found, 200, WEIGHTS)
    assert list(sub) == list(scoring.DIMENSIONS)
    assert sub["accuracy"] == scoring.score(found[:1], 200, WEIGHTS).value == 87.5
    assert sub["source"] == 100 * (1 - 6 / 200)
    assert sub["fluency"] == 99.5 and sub["terminology"] == 97.5 and sub["consistency"] == 100.0
    assert scoring.score(found, 200, WEIGHTS).value < min(sub.values())


def test_scores_in_one_pass_agree_with_score_per_dimension() -> None:
    found = [
        Finding("P401", Category.PUNCTUATION, Severity.MINOR, 0, 1, "x", "m"),
        Finding("U101", Category.UNTRANSLATED, Severity.CRITICAL, 1, 2, "x", "m"),
        Finding("P401", Category.PUNCTUATION, Severity.MINOR, 2, 3, "x", "m"),
        Finding("X999", Category.OMISSION, Severity.MAJOR, 3, 4, "x", "m"),  # one check, two dimensions
        Finding("X999", Category.STYLE, Severity.MAJOR, 4, 5, "x", "m"),
        Finding("X999", Category.STYLE, Severity.MAJOR, 5, 6, "x", "m"),
        Finding("B201", Category.BOILERPLATE, Severity.INFO, 6, 7, "x", "m"),
        Finding("C603", Category.MISTRANSLATION, Severity.MAJOR, 7, 8, "x", "m"),
    ]
    for words in (20, 150, 1000):
        overall, sub = scoring.scores(found, words, WEIGHTS)
        assert overall == scoring.score(found, words, WEIGHTS)
        by_check = scoring.check_dimensions()
        expected = {
            name: scoring.score([f for f in found if scoring.dimension(f, by_check) == name], words, WEIGHTS).value
            for name in scoring.DIMENSIONS
        }
        assert sub == expected and list(sub) == list(scoring.DIMENSIONS)
    assert scoring.scores([], 50, WEIGHTS) == (scoring.score([], 50, WEIGHTS), dict.fromkeys(scoring.DIMENSIONS, 100.0))


def test_gate_on_a_subscore() -> None:
    sub = {"accuracy": 89.0, "source": 50.0}
    assert scoring.passes(99.0, [], 95, None, sub, {"source": 40})
    assert not scoring.passes(99.0, [], 95, None, sub, {"accuracy": 90})
    assert scoring.passes(99.0, [], 95, None, sub, {"reference": 90})  # a sub-score not computed passes
    assert "fail_under:95,accuracy>=90|" in scoring.signature(WEIGHTS, 95, "critical", {"accuracy": 90})
