"""``audit compare``: common segments, sacrebleu paired tests on BLEU/chrF/TER and on the audit score, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from audit.cli import main
from audit.compare import (
    AuditScoreMetric,
    CompareError,
    SystemOutput,
    build_corpus,
    compare,
    format_table,
    load_systems,
)
from audit.config import Config
from audit.model import Article

REFERENCE = [
    "رفعت الحكومة الضريبة على الوقود بنسبة عشرة في المئة اعتبارا من الشهر المقبل.",
    "وقال وزير المالية إن القرار ضروري لخفض العجز في الموازنة العامة.",
    "وانتقدت نقابات النقل القرار وهددت بالإضراب إذا لم تتراجع الحكومة عنه.",
]
GOOD = [
    "رفعت الحكومة ضريبة الوقود بنسبة عشرة في المئة بدءا من الشهر المقبل.",
    "وقال وزير المالية إن هذا القرار ضروري لخفض عجز الموازنة العامة.",
    "وانتقدت نقابات النقل القرار وهددت بالإضراب إن لم تتراجع الحكومة.",
]
POOR = [
    "الحكومة رفعت على الوقود ضريبة عشرة بالمئة الشهر القادم.",
    "وزير المال قال القرار لازم لتقليل نقص الميزانية.",
    "النقابات انتقدت.",
]


@pytest.fixture(autouse=True)
def no_embeddings() -> None:
    from audit.references import AlignmentSettings, configure

    configure(AlignmentSettings(embeddings="off"))


def system(name: str, sentences: list[str], count: int = 12) -> SystemOutput:
    articles = {
        f"a{k}": Article(id=f"a{k}", text="\n".join(sentences), retranslations={"human": "\n".join(REFERENCE)})
        for k in range(count)
    }
    return SystemOutput(name, articles)


def test_build_corpus_cuts_every_system_along_the_reference() -> None:
    merged = [f"{GOOD[0].rstrip('.')}، {GOOD[1]}", GOOD[2]]
    corpus = build_corpus([system("good", GOOD, 1), system("merged", merged, 1)])
    assert corpus.article_ids == ("a0",)
    # The merged system joins reference sentences 0 and 1, so every system is cut into the same two segments.
    assert corpus.references["human"] == [f"{REFERENCE[0]}\n{REFERENCE[1]}", REFERENCE[2]]
    assert corpus.systems["good"] == [f"{GOOD[0]} {GOOD[1]}", GOOD[2]]
    assert corpus.systems["merged"] == merged


def test_missing_sentences_stay_in_the_segment_texts() -> None:
    short = [GOOD[0], GOOD[2]]
    corpus = build_corpus([system("good", GOOD, 1), system("short", short, 1)])
    assert len(corpus.systems["short"]) == 3
    assert corpus.systems["short"][1] == ""  # nothing for the second reference sentence


def test_audit_score_metric_aggregates_the_mean() -> None:
    metric = AuditScoreMetric("audit-score|test")
    stats = np.array(metric._extract_corpus_statistics(["90.0", "100.0", "80.0"], None))
    assert metric._aggregate_and_compute(stats).score == pytest.approx(90.0)
    assert metric.get_signature().format() == "audit-score|test"


def test_compare_runs_both_paired_tests() -> None:
    config = Config(embeddings="off")
    result = compare([system("poor", POOR), system("good", GOOD)], config, samples=200)
    assert result["baseline"] == "poor" and result["articles"] == 12 and result["segments"] == 36
    for test in ("bs", "ar"):
        scores = result["tests"][test]["scores"]
        assert set(scores) == {"BLEU", "chrF2", "TER", "audit"}
        base, other = scores["chrF2"]
        assert base["p_value"] is None and other["p_value"] is not None
        assert other["score"] > base["score"]
        assert other["p_value"] < 0.05
        assert scores["TER"][1]["score"] < scores["TER"][0]["score"]
        signatures = result["tests"][test]["signatures"]
        assert f"{test}:200" in signatures["BLEU"] and "arnorm:diacritics+tatweel+digits" in signatures["BLEU"]
        assert signatures["audit"].startswith("audit-score|")
    assert result["tests"]["bs"]["scores"]["BLEU"][1]["ci"] is not None
    table = format_table(result)
    assert "poor" in table and "good" in table and "p=" in table


def test_load_systems_checks_names(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="at least two"):
        load_systems([str(tmp_path)])
    with pytest.raises(CompareError, match="must differ"):
        load_systems([str(tmp_path), str(tmp_path)])
    with pytest.raises(CompareError, match="2 systems but 1 names"):
        load_systems([str(tmp_path), str(tmp_path)], ["x"])


def test_cli_compare_writes_a_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    references = tmp_path / "refs"
    references.mkdir()
    for name, sentences in (("sysA", POOR), ("sysB", GOOD)):
        folder = tmp_path / name
        folder.mkdir()
        for k in range(4):
            (folder / f"n{k}.txt").write_text("\n".join(sentences), encoding="utf-8")
    for k in range(4):
        (references / f"n{k}.human.ar.txt").write_text("\n".join(REFERENCE), encoding="utf-8")
    output = tmp_path / "compare.json"
    code = main(
        [
            "compare",
            "--references",
            str(references),
            "--embeddings",
            "off",
            "--samples",
            "100",
            "--test",
            "bs",
            "--output",
            str(output),
            str(tmp_path / "sysA"),
            str(tmp_path / "sysB"),
        ]
    )
    assert code == 0
    shown = capsys.readouterr().out
    assert "sysA" in shown and "sysB" in shown and "chrF2" in shown
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["systems"] == ["sysA", "sysB"] and result["references"] == ["human"]
    assert list(result["tests"]) == ["bs"]
    assert result["audit"]["sysB"]["mean_score"] >= 0
