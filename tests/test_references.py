"""References: the folder layout, attaching them to articles, the aligned view, the CLI in every format."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from audit.analyzers import ReferenceAnalyzer
from audit.checks import ArticleContext, build_checks
from audit.cli import main
from audit.config import Config
from audit.engine import audit_batch
from audit.inputs import load_paths
from audit.model import Article, Finding, InputError
from audit.references import (
    SOURCE_KEY,
    ReferenceError,
    attach_references,
    reference_view,
    scan_references,
)

ARTICLE = (
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء 500 منزل جديد في مدينة الإسكندرية.\n"
    "وقال وزير الإسكان أحمد سمير إن المشروع سيكلف 3.5 مليون دولار.\n"
    "ومن المتوقع أن يبدأ العمل في أبريل المقبل.\n"
)
ENGLISH = (
    "The government announced on Monday a plan to build 5,000 new homes in the city of Alexandria.\n"
    "Housing minister Ahmed Samir said the project would cost $3.5 million.\n"
    "Work is expected to begin next March.\n"
    "The opposition criticised the plan as too small for the needs of the city.\n"
)
HUMAN = (
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء خمسة آلاف منزل جديد في مدينة الإسكندرية.\n"
    "وقال وزير الإسكان أحمد سمير إن تكلفة المشروع ستبلغ 3.5 مليون دولار.\n"
    "ومن المتوقع أن يبدأ العمل في مارس المقبل.\n"
    "وانتقدت المعارضة الخطة ووصفتها بأنها صغيرة جدا بالنسبة لاحتياجات المدينة.\n"
)
ENGINE = (
    "أعلنت الحكومة الاثنين خطة لبناء 5000 منزل جديد في مدينة الإسكندرية.\n"
    "قال وزير الإسكان أحمد سمير إن المشروع سيكلف 3.5 مليون دولار.\n"
    "ومن المتوقع أن يبدأ العمل في آذار المقبل.\n"
    "وانتقدت المعارضة الخطة باعتبارها صغيرة جدا لاحتياجات المدينة.\n"
)


@pytest.fixture(autouse=True)
def no_embeddings() -> None:
    """Tests align with lengths and anchors only, so they do not depend on the optional embeddings."""
    from audit.references import AlignmentSettings, configure

    configure(AlignmentSettings(embeddings="off"))


def write_example(root: Path) -> tuple[Path, Path]:
    articles, references = root / "articles", root / "refs"
    articles.mkdir()
    references.mkdir()
    (articles / "art1.txt").write_text(ARTICLE, encoding="utf-8")
    (references / "art1.en.txt").write_text(ENGLISH, encoding="utf-8")
    (references / "art1.human.ar.txt").write_text(HUMAN, encoding="utf-8")
    (references / "art1.engineB.ar.txt").write_text(ENGINE, encoding="utf-8")
    return articles, references


def test_scan_finds_english_originals_and_named_retranslations(tmp_path: Path) -> None:
    (tmp_path / "a.b.en.txt").write_text("x", encoding="utf-8")
    (tmp_path / "a.b.human.ar.txt").write_text("س", encoding="utf-8")
    (tmp_path / "c.sys-2.ar.txt").write_text("س", encoding="utf-8")
    (tmp_path / "noname.ar.txt").write_text("س", encoding="utf-8")  # no <name>: ignored
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.en.txt").write_text("x", encoding="utf-8")  # top level only
    index = scan_references(tmp_path)
    assert sorted(index) == ["a.b", "c"]
    assert index["a.b"].source == tmp_path / "a.b.en.txt"
    assert dict(index["a.b"].retranslations) == {"human": tmp_path / "a.b.human.ar.txt"}
    assert dict(index["c"].retranslations) == {"sys-2": tmp_path / "c.sys-2.ar.txt"}
    assert index["c"].source is None


def test_scan_rejects_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ReferenceError, match="not found"):
        scan_references(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ReferenceError, match="not a folder"):
        scan_references(tmp_path / "file")


def test_attach_replaces_articles_and_reports_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / "a.en.txt").write_text("The English original.", encoding="utf-8")
    (tmp_path / "a.good.ar.txt").write_text("ترجمة أخرى.", encoding="utf-8")
    (tmp_path / "a.bad.ar.txt").write_bytes(b"\xff\xfe\x00\x00broken\x00\x01")
    record = Article(id="a", text="نص.", retranslations={"old": "قديم.", "good": "سيستبدل."})
    loaded = list(attach_references([record, Article(id="b", text="نص آخر.")], tmp_path))
    first = loaded[0]
    assert isinstance(first, Article)
    assert first.source == "The English original."
    assert dict(first.retranslations) == {"old": "قديم.", "good": "ترجمة أخرى."}
    errors = [item for item in loaded if isinstance(item, InputError)]
    assert len(errors) == 1 and errors[0].id == "a" and "a.bad.ar.txt" in errors[0].message
    assert loaded[-1] == Article(id="b", text="نص آخر.")


def test_jsonl_fields_feed_the_same_view(tmp_path: Path) -> None:
    record = {"id": "j1", "text": ARTICLE, "source": ENGLISH, "retranslations": {"human": HUMAN}}
    path = tmp_path / "batch.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (article,) = load_paths([path])
    assert isinstance(article, Article)
    view = reference_view(ArticleContext(article))
    assert len(view.segments) == 3
    assert view.segments[0].source is not None and "5,000" in view.segments[0].source
    assert "خمسة آلاف" in view.segments[0].retranslations["human"]
    # The fourth English (and human) sentence has nothing in the article: a gap after the last segment.
    assert view.segments[-1].gaps[SOURCE_KEY][0].startswith("The opposition")
    assert view.segments[-1].gaps["human"][0].startswith("وانتقدت")


def test_analyzer_reports_metrics_and_alignment_rows() -> None:
    article = Article(id="a", text=ARTICLE, source=ENGLISH, retranslations={"human": HUMAN, "engineB": ENGINE})
    analysis = ReferenceAnalyzer().analyze(ArticleContext(article))
    report = analysis.metrics["reference"]
    assert report["retranslations"] == ["engineB", "human"]
    assert set(report["scores"]) == {"bleu", "chrf", "chrf++", "ter"}
    assert report["scores"]["bleu"]["signature"].startswith("nrefs:2|")
    assert report["scores_raw"]["bleu"]["signature"].endswith("arnorm:none")
    assert 0 < report["agreement"]["score"] <= 100
    assert report["alignment"]["source"]["links"] == {"1-0": 1, "1-1": 3}
    rows = analysis.alignment
    assert [(row["start"], row["end"]) for row in rows] == [(0, 73), (74, 135), (136, 178)]
    assert ARTICLE[rows[2]["start"] : rows[2]["end"]].startswith("ومن المتوقع")
    assert rows[0]["retranslations"]["engineB"].startswith("أعلنت الحكومة الاثنين")
    assert {"bleu", "chrf", "ter", "wer", "cer", "closest"} <= set(rows[0]["metrics"])
    assert rows[2]["gaps"]["source"][0].startswith("The opposition")
    assert ReferenceAnalyzer().analyze(ArticleContext(Article(id="b", text=ARTICLE))).metrics == {}


def test_reference_free_findings_stay_exactly_the_same_with_references() -> None:
    plain = Article(id="a", text=ARTICLE + "Click here to subscribe to our newsletter.\n")
    with_refs = Article(id="a", text=plain.text, source=ENGLISH, retranslations={"human": HUMAN, "engineB": ENGINE})
    checks = build_checks()
    before = audit_batch([plain], Config(embeddings="off"), checks=checks)
    after = audit_batch([with_refs], Config(embeddings="off"), checks=checks, analyzers=[ReferenceAnalyzer()])
    reference_codes = {c.code for c in checks if c.requires}

    def free(findings: tuple[Finding, ...]) -> list[Finding]:  # a reference finding may fold into a residue block
        return [
            dataclasses.replace(f, folded=tuple(g for g in f.folded if g.check not in reference_codes))
            for f in findings
            if f.check not in reference_codes
        ]

    free_before, free_after = free(before.articles[0].findings), free(after.articles[0].findings)
    assert free_before == free_after
    assert not [f for f in before.articles[0].findings if f.check in reference_codes]
    assert {"R101", "R102"} <= {f.check for f in after.articles[0].findings}
    assert free_before  # the residue line is found either way
    assert "reference" in after.articles[0].metrics and after.articles[0].alignment


def test_cli_reports_reference_findings_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, references = write_example(tmp_path)
    output = tmp_path / "reports"
    code = main(
        [
            "check",
            str(articles),
            "--references",
            str(references),
            "--embeddings",
            "off",
            "--format",
            "json,md,junit,sarif,html",
            "--output",
            str(output),
        ]
    )
    assert code == 1  # R101/R102/R104 are major: the article fails the gate
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    (article,) = report["articles"]
    codes = {f["check"] for f in article["findings"]}
    assert {"R101", "R102", "R104", "R202"} <= codes
    assert article["references"] == {"source": True, "retranslations": ["engineB", "human"]}
    assert article["metrics"]["reference"]["scores"]["chrf"]["score"] > 50
    assert len(article["alignment"]) == 3
    assert report["config"]["references"] == str(references)
    for name in ("report.md", "junit.xml", "report.sarif"):
        assert "R101" in (output / name).read_text(encoding="utf-8"), name
    html = "".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "R101" in html


def test_cli_rejects_a_missing_references_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    articles, _ = write_example(tmp_path)
    code = main(["check", str(articles), "--references", str(tmp_path / "missing"), "--output", str(tmp_path / "r")])
    assert code == 2
    assert "references folder not found" in capsys.readouterr().err


def test_cli_reports_an_unreadable_reference_as_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    articles, references = write_example(tmp_path)
    (references / "art1.broken.ar.txt").write_bytes(b"\x00\x01\x02binary")
    code = main(["check", str(articles), "--references", str(references), "--output", str(tmp_path / "r")])
    assert code == 2
    err = capsys.readouterr().err
    assert "art1.broken.ar.txt" in err
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["articles"][0]["references"]["retranslations"] == ["engineB", "human"]


def test_config_keys_for_references(tmp_path: Path) -> None:
    from audit.config import ConfigError, load_config

    config = load_config(overrides={"references": "refs", "normalize": "all", "embeddings": "off"})
    assert config.references == "refs" and config.embeddings == "off"
    from audit.normalize import normalizer

    assert "teh-marbuta" in normalizer(config.normalize).name
    assert load_config(overrides={"normalize": "none"}).normalize == ()
    with pytest.raises(ConfigError, match="unknown normalisation step"):
        load_config(overrides={"normalize": "lemmas"})
    with pytest.raises(ConfigError, match="auto, on, off"):
        load_config(overrides={"embeddings": "maybe"})
