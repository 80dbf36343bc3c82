"""The reference score: consensus robust to one bad re-translation, source coverage, its place in the article
score and sub-scores, nothing changed without references, and the engine ranking of ``audit compare``."""

from __future__ import annotations

import pytest

from audit import scoring
from audit.analyzers import ReferenceAnalyzer
from audit.checks import build_checks
from audit.compare import format_ranking, rank_systems
from audit.config import Config
from audit.engine import audit_batch
from audit.metrics import ChrfTable
from audit.model import Article
from audit.refscore import (
    FORMULA,
    ReferenceScorer,
    consensus_utilities,
    families,
    segment_utilities,
    signature,
    source_coverage,
    utility_matrix,
    votes,
)

GOOD = [
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء 5000 منزل جديد في مدينة الإسكندرية.",
    "أعلنت الحكومة الاثنين خطة لبناء 5000 منزل جديد في الإسكندرية.",
    "كشفت الحكومة يوم الاثنين عن خطة لبناء 5000 منزل جديد في مدينة الإسكندرية.",
    "أعلنت الحكومة يوم الاثنين خطة لتشييد 5000 منزل جديد في مدينة الإسكندرية.",
]
BAD = "قال لاعب كرة القدم إنه سيعود إلى فريقه السابق في الموسم المقبل بعد الإصابة."
ENGLISH = "The government announced on Monday a plan to build 5,000 new homes in Alexandria."

ARTICLE = (
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء 500 منزل جديد في مدينة الإسكندرية.\n"
    "وقال وزير الإسكان أحمد سمير إن المشروع سيكلف 3.5 مليون دولار.\n"
)
SOURCE = (
    "The government announced on Monday a plan to build 5,000 new homes in the city of Alexandria.\n"
    "Housing minister Ahmed Samir said the project would cost $3.5 million.\n"
)
HUMAN = (
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء خمسة آلاف منزل جديد في مدينة الإسكندرية.\n"
    "وقال وزير الإسكان أحمد سمير إن تكلفة المشروع ستبلغ 3.5 مليون دولار.\n"
)
ENGINE = (
    "أعلنت الحكومة الاثنين خطة لبناء 5000 منزل جديد في مدينة الإسكندرية.\n"
    "قال وزير الإسكان أحمد سمير إن المشروع سيكلف 3.5 مليون دولار.\n"
)


@pytest.fixture(autouse=True)
def no_embeddings() -> None:
    from audit.references import AlignmentSettings, configure

    configure(AlignmentSettings(embeddings="off"))


def test_one_bad_retranslation_weighs_little() -> None:
    table = ChrfTable()
    hypothesis = GOOD[0]
    clean, _ = consensus_utilities(hypothesis, GOOD[1:], table)
    spoiled, _ = consensus_utilities(hypothesis, [*GOOD[1:], BAD], table)
    assert clean is not None and spoiled is not None
    plain_mean = sum(table.chrf(hypothesis, r) for r in [*GOOD[1:], BAD]) / 4
    assert spoiled > plain_mean + 5  # the unweighted mean drops far more
    assert clean - spoiled < 0.5 * (clean - plain_mean)


def test_the_outlier_scores_below_the_consensus() -> None:
    table = ChrfTable()
    scorer = ReferenceScorer()
    good = scorer.combine([scorer.estimate_segment(GOOD[0], dict(enumerate(GOOD[1:])), None, table)])
    bad = scorer.combine([scorer.estimate_segment(BAD, dict(enumerate(GOOD[1:])), None, table)])
    assert good is not None and bad is not None
    assert good.value > 90 > 40 > bad.value
    assert good.source is None and good.consensus == good.value


def star_agreement(spokes: list[float], shared: dict[tuple[int, int], float]) -> list[list[float]]:
    """Agreement 100 - d with d(x, y) = e_x + e_y, less twice what a pair shares."""
    n = len(spokes)
    return [
        [
            100.0 if x == y else 100.0 - spokes[x] - spokes[y] + 2 * shared.get((min(x, y), max(x, y)), 0.0)
            for y in range(n)
        ]
        for x in range(n)
    ]


def test_families_are_pairs_that_agree_beyond_their_distance_from_the_consensus() -> None:
    spokes = [10.0, 12.0, 20.0, 11.0, 25.0, 15.0]
    assert families(star_agreement(spokes, {})) == {}  # independent versions: no family
    assert families(star_agreement(spokes, {(1, 3): 6.0})) == {1: 3, 3: 1}
    # The pair is found whatever the versions' own quality, and a near copy of a weak version too.
    assert families(star_agreement(spokes, {(2, 4): 15.0})) == {2: 4, 4: 2}
    assert families(star_agreement(spokes[:4], {(1, 3): 6.0})) == {}  # four versions cannot tell


def test_votes_a_family_member_is_no_evidence_and_two_count_as_one() -> None:
    family = {1: 2, 2: 1}
    assert votes(1, [2, 3, 4], family) == [0.0, 1.0, 1.0]
    assert votes(0, [1, 2, 3, 4], family) == [0.5, 0.5, 1.0, 1.0]
    assert votes(3, [1, 4], family) == [1.0, 1.0]


def test_two_duplicate_retranslations_do_not_outvote_a_distinct_one() -> None:
    table = ChrfTable()
    distinct, twin = GOOD[2], GOOD[3]
    once = utility_matrix([GOOD[0], twin, distinct, BAD, GOOD[1]], table)
    twice = utility_matrix([GOOD[0], twin, twin, distinct, BAD, GOOD[1]], table)
    alone, _ = segment_utilities(once)
    counted_twice, _ = segment_utilities(twice)
    as_one, _ = segment_utilities(twice, {1: 2, 2: 1})
    assert alone is not None and counted_twice is not None and as_one is not None
    assert abs(as_one - alone) < 1e-9 < abs(counted_twice - alone)
    # The audited text's own copy among the re-translations does not vouch for it.
    with_copy = utility_matrix([BAD, BAD + " ", *GOOD[:3]], table)
    lifted, _ = segment_utilities(with_copy)
    fair, _ = segment_utilities(with_copy, {0: 1, 1: 0})
    without, _ = segment_utilities(utility_matrix([BAD, *GOOD[:3]], table))
    assert lifted is not None and fair is not None and without is not None
    assert lifted > without + 3 and abs(fair - without) < 0.1


def test_an_article_finds_its_duplicate_retranslations() -> None:
    table = ChrfTable()
    scorer = ReferenceScorer()
    first, second = ARTICLE.splitlines(), HUMAN.splitlines()
    engine = ENGINE.splitlines()
    segments = []
    for k in range(2):
        versions = {"copy-a": engine[k], "copy-b": engine[k] + " ", "c": second[k], "d": GOOD[k], "e": BAD}
        segments.append(scorer.estimate_segment(first[k], versions, None, table))
    estimate = scorer.combine(segments)
    assert estimate is not None and ("copy-a", "copy-b") in estimate.families
    assert ["copy-a", "copy-b"] in estimate.to_dict()["families"]
    alone = scorer.combine(
        scorer.estimate_segment(first[k], {"copy-a": engine[k], "c": second[k], "d": GOOD[k], "e": BAD}, None, table)
        for k in range(2)
    )
    assert alone is not None and abs(alone.value - estimate.value) < 0.01


def test_html_entities_are_compared_unescaped() -> None:
    table = ChrfTable()
    quoted = "قال الوزير «إن الخطة جاهزة» للتنفيذ."
    entity = "قال الوزير &quot;إن الخطة جاهزة&quot; للتنفيذ."
    plain = 'قال الوزير "إن الخطة جاهزة" للتنفيذ.'
    refs = [plain, quoted]
    assert consensus_utilities(entity, refs, table) == consensus_utilities(plain, refs, table)


def test_source_numbers_the_retranslations_render_are_required() -> None:
    expected, rendered, missing = source_coverage(ENGLISH, "أعلنت الحكومة عن خطة لبناء منازل في الإسكندرية.", GOOD)
    assert expected >= 2 and rendered == expected - 1 and missing == ("5,000",)
    # A number no re-translation renders is not held against the article.
    assert source_coverage(ENGLISH, GOOD[0], [BAD, BAD])[0] < expected


def test_reference_score_is_a_subscore_and_part_of_the_score() -> None:
    article = Article(id="a", text=ARTICLE, source=SOURCE, retranslations={"human": HUMAN, "engineB": ENGINE})
    result = audit_batch([article], Config(embeddings="off"), analyzers=[ReferenceAnalyzer()]).articles[0]
    estimate = result.metrics["reference"]["estimate"]
    assert result.subscores["reference"] == estimate["score"]
    assert estimate["source"] < 100  # 500 for 5,000
    assert estimate["signature"] == signature() and estimate["formula"] == FORMULA
    from_findings = result.metrics["score_from_findings"]
    assert result.score == round(from_findings * estimate["score"] / 100, 2)
    assert "analyzer_subscores" not in result.metrics
    gated = Config(embeddings="off", gates={"reference": 99.5})
    assert not audit_batch([article], gated, analyzers=[ReferenceAnalyzer()]).articles[0].passed


def test_nothing_changes_without_references() -> None:
    article = Article(id="a", text=ARTICLE + "Click here to subscribe to our newsletter.\n")
    checks = build_checks()
    plain = audit_batch([article], Config(embeddings="off"), checks=checks).articles[0]
    analysed = audit_batch([article], Config(embeddings="off"), checks=checks, analyzers=[ReferenceAnalyzer()])
    result = analysed.articles[0]
    assert result.findings == plain.findings and result.score == plain.score and result.passed == plain.passed
    assert dict(result.subscores) == dict(plain.subscores) and "reference" not in result.subscores
    assert result.metrics == plain.metrics
    assert result.score == scoring.score(plain.findings, plain.words, Config().weights).value


def test_ranking_says_which_differences_are_significant() -> None:
    scores = {
        "strong": [90.0 + (k % 3) for k in range(40)],
        "weak": [70.0 + (k % 5) for k in range(40)],
        "twin": [90.5 + (k % 3) - (k % 2) for k in range(40)],
    }
    ranking = rank_systems(scores, samples=500)
    assert [row["system"] for row in ranking["rows"]][-1] == "weak"
    verdict = {(p["better"], p["worse"]): p["significant"] for p in ranking["pairs"]}
    assert verdict[("strong", "weak")] and verdict[("twin", "weak")]
    table = format_ranking(ranking)
    assert "significantly better than" in table and "weak" in table.splitlines()[1]
