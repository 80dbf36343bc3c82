"""A corpus of bad inputs, generated here, audited in batches with a good article by the installed command:
exit codes, messages naming each article, the good article's results in every report, no traceback, and for
every input of at most 1 MB at most 30 s of CPU time and 2 GB of memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.arabic.lexicon import load_lexicon

GOOD = (
    "قال المتحدث باسم الوزارة إن الاجتماع سيعقد يوم الأحد المقبل في العاصمة، وإن الوفود ستناقش الخطة الجديدة.\n"
    "وأضاف أن الحكومة تأمل في التوصل إلى اتفاق قبل نهاية الشهر.\n"
)
MB = 1_000_000
CPU_LIMIT_S = 30.0
MEMORY_LIMIT_KB = 2 * 1024 * 1024


def audit(folder: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict, float, float]:
    """``audit check folder`` in a fresh process: (process, report.json, CPU seconds, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    out = folder.parent / f"{folder.name}-reports"
    command = [sys.executable, "-m", "audit", "check", str(folder), "--format", "json,md,csv,junit,sarif,html"]
    done = subprocess.run(
        [*command, "--output", str(out), *extra],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=600,
        check=False,
        cwd=folder.parent,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr[-3000:]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for name in ("report.md", "report.csv", "junit.xml", "report.sarif", "index.html"):
        assert (out / name).stat().st_size > 0, name
    assert "good" in [a["id"] for a in report["articles"]]  # the good article survives every batch
    return done, report, cpu, wall


def corpus_folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_small_bad_inputs_in_one_batch(tmp_path: Path) -> None:
    folder = corpus_folder(tmp_path, "small")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (folder / "windows.txt").write_text(GOOD, encoding="cp1256")
    (folder / "wide.txt").write_bytes(GOOD.encode("utf-16-le"))
    (folder / "wide_bom.txt").write_bytes(GOOD.encode("utf-16"))
    (folder / "controls.txt").write_text("\x01\x02\x03\x04\x05\x06\x07\x08" * 50 + GOOD, encoding="utf-8")
    glued = "بتم" * 33_334  # 100,000 letters: the correction search once took 24 GB
    (folder / "glued.txt").write_text(f"قال المسؤول إن {glued} لن يتكرر.\n", encoding="utf-8")
    (folder / "run.txt").write_text("قال الوزير. " + "ب" * 2000 + "\n" + GOOD, encoding="utf-8")
    lines = [
        '{"id": "deep", "text": "نص", "x": ' + "[" * 3000 + "]" * 3000 + "}",
        '{"id": "huge", "text": "نص", "n": ' + "9" * 5000 + "}",
        '{"id": "sur\\ud800", "text": ' + json.dumps(GOOD) + ', "retranslations": {"e\\udfff": "نص"}}',
        '{"id": "evil\\u202e=1+1", "text": ' + json.dumps("=HYPERLINK(1)\n" + GOOD) + "}",
        "not json at all",
        '["a list"]',
        '{"id": "notext"}',
    ]
    (folder / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop").symlink_to(folder, target_is_directory=True)

    done, report, _cpu, wall = audit(folder)
    assert done.returncode == 2, done.stderr[-2000:]
    assert wall < 300
    errors = {e["id"]: e["message"] for e in report["errors"]}
    expected = {
        "empty": "empty article",
        "blank": "empty article",
        "binary": "binary data",
        "png": "",
        "windows": "cp1256",
        "wide": "--encoding utf-16",
        "controls": "binary data (control characters)",
        "batch:1": "nested too deeply",
        "batch:2": "not usable JSON",
        "batch:5": "not valid JSON",
        "batch:6": "JSON object",
        "notext": "no string field 'text'",
        "gone": "leads nowhere",
        "loop": "loops back",
    }
    for article_id, message in expected.items():
        assert article_id in errors and message in errors[article_id], (article_id, errors)
        assert article_id in done.stderr or errors[article_id] in done.stderr
    survived = {a["id"]: a for a in report["articles"]}
    assert {"good", "wide_bom", "glued", "run", "sur\ufffd", "evil\u202e=1+1"} <= set(survived)
    if load_lexicon().available:  # without a lexicon G501 steps aside with a note
        assert any("too long" in f["message"] for f in survived["glued"]["findings"] if f["check"] == "G501")
    assert not [e for e in report["errors"] if e.get("kind") == "internal"]


def _megabyte_inputs() -> dict[str, str]:
    words = ("قال", "المسؤول", "إن", "الحكومة", "ستعلن", "خطتها", "الجديدة", "غدا", "في", "مؤتمر", "صحفي")
    prose = " ".join(words[i % len(words)] for i in range(200_000))
    return {
        "glued": "بتم" * (MB // 6),  # one word of 500,000 letters (1 MB in UTF-8)
        "run": "قال الوزير. " + "ب" * (MB // 2 - 20),  # a run of letters after «word. » with no comma
        "stops": "اب. جد " * (MB // 12),  # one line of full stops between short words
        "prose": (prose + ".\n")[: MB // 2],  # plain text, one paragraph
        "latin": ("The minister said the talks would resume. " * (MB // 44))[:MB],
    }


@pytest.fixture(scope="module")
def built_caches(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One audit before the measured ones, so that the one-off building of the lexicon cache (after an install
    or upgrade) is not counted against an input."""
    audit(corpus_folder(tmp_path_factory.mktemp("warm"), "warm"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_megabyte_inputs()))
def test_no_input_of_one_megabyte_is_busy_over_30_s_or_2_gb(tmp_path: Path, name: str, built_caches: None) -> None:
    folder = corpus_folder(tmp_path, name)
    text = _megabyte_inputs()[name]
    data = text.encode("utf-8")
    assert len(data) <= MB
    (folder / f"{name}.txt").write_bytes(data)
    done, report, cpu, wall = audit(folder, "--jobs", "1")
    assert done.returncode in (0, 1, 2), done.stderr[-2000:]
    ids = {a["id"] for a in report["articles"]} | {e["id"] for e in report["errors"]}
    assert name in ids  # audited, or an error of its own (the time budget)
    for error in report["errors"]:
        assert error["id"] == name and "time budget" in error["message"], error
    assert cpu < CPU_LIMIT_S, f"{name}: {cpu:.1f} s of CPU ({wall:.1f} s wall)"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < MEMORY_LIMIT_KB
