"""Streamed runs: results.jsonl, reports built from it, resume after SIGKILL, a locked output folder."""

from __future__ import annotations

import json
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

import audit.run
from audit.cli import main
from audit.config import Config
from audit.engine import audit_batch
from audit.inputs import load_paths
from audit.model import Category, Finding, Fix, Severity
from audit.reporting import report_dict
from audit.run import FRAME_SIZE, STATE_DIR, AuditRun, RunStore, _decode_frame, _encode_frame

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "references" / "example" / "articles"


def sentences() -> list[str]:
    lines = []
    for path in sorted(EXAMPLE.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def make_batch(folder: Path, count: int, seed: int = 7) -> Path:
    """``count`` small articles resampled from the example's sentences, a few names spelled two ways across
    articles (for the batch check), some English left in, one unreadable file."""
    rng = random.Random(seed)
    pool = sentences()
    folder.mkdir(parents=True, exist_ok=True)
    names = ["كاراباخوف", "كراباخوف"]
    for index in range(count):
        picked = rng.sample(pool, 3)
        name = names[index % 7 == 0]
        picked.append(f"وقال {name} إن الوفد سيعود، وأكد {name} أن الاتفاق قريب.")
        if index % 5 == 0:
            picked.append("The minister said the talks were useful.")
        (folder / f"a{index:04d}.txt").write_text("\n".join(picked) + "\n", encoding="utf-8")
    (folder / "a9999.txt").write_bytes(b"\x00\x01binary\x00" * 10)
    return folder


@pytest.mark.parametrize("held", [True, False], ids=["held-in-memory", "read-back-from-disk"])
def test_streamed_report_equals_the_in_memory_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    if not held:  # the batch pass, results.jsonl and each report read every article back from disk
        monkeypatch.setattr(audit.run, "HOLD_BYTES", 0)
        monkeypatch.setattr(audit.run, "KEEP_RECORDS_BYTES", 0)
    batch = make_batch(tmp_path / "in", 30)
    code = main(["check", str(batch), "--output", "out", "--jobs", "1", "--format", "json,md,csv"])
    streamed = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    expected = json.loads(json.dumps(report_dict(audit_batch(load_paths([batch]), Config(jobs=1)))))
    assert streamed == expected
    assert code == 2  # the unreadable file
    lines = (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected["articles"]
    assert any(f["check"] == "C602" for a in expected["articles"] for f in a["findings"])  # batch pass ran
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] and manifest["articles"] == 30 and manifest["inputs"] == [str(batch)]


def test_report_json_points_at_results_above_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 5)
    (tmp_path / "audit.toml").write_text("max_report_mb = 0.001\n", encoding="utf-8")
    main(["check", str(batch), "--output", "out", "--jobs", "1"])
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert "articles" not in report and report["articles_file"] == "results.jsonl"
    assert report["summary"]["articles"] == 5


def _run(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "audit", "check", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _comparable(folder: Path) -> dict[str, str]:
    """Every report file, with the timestamps and host name of junit.xml blanked."""
    files = {}
    for name in ("results.jsonl", "report.json", "report.md", "report.csv", "junit.xml", "report.sarif"):
        text = (folder / name).read_text(encoding="utf-8")
        if name == "junit.xml":
            text = re.sub(r'(timestamp|hostname)="[^"]*"', r'\1=""', text)
        files[name] = text
    return files


def _frames(folder: Path) -> int:
    path = folder / STATE_DIR / "frames.bin"
    return path.stat().st_size // FRAME_SIZE if path.exists() else 0


def test_a_run_killed_at_random_points_and_resumed_writes_the_uninterrupted_reports(tmp_path: Path) -> None:
    count = 160
    batch = make_batch(tmp_path / "in", count)
    formats = ["--format", "json,md,csv,junit,sarif", "--jobs", "2", "--select", "U,B,D,P,C,S,M"]
    whole = _run([str(batch), "--output", "whole", *formats], tmp_path)
    assert whole.wait(timeout=600) == 2, whole.stderr.read() if whole.stderr else ""
    expected = _comparable(tmp_path / "whole")

    rng = random.Random(11)
    killed = tmp_path / "killed"
    kills = 0
    for attempt in range(10):
        resume = ["--resume"] if attempt else []
        before = _frames(killed)
        process = _run([str(batch), "--output", "killed", *formats, *resume], tmp_path)
        if attempt == 0:
            # The first run dies early, possibly before it has written anything at all.
            time.sleep(rng.uniform(0.0, 0.5))
        else:
            # Later runs die at a random moment once they have written something of their own: the kill is
            # tied to progress, not to the clock, so a fast machine cannot finish a run before it lands.
            deadline = time.monotonic() + 300
            while _frames(killed) <= before and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.03))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        process.wait(timeout=60)
        if _frames(killed) >= count:
            break
    final = _run([str(batch), "--output", "killed", *formats, "--resume"], tmp_path)
    assert final.wait(timeout=600) == 2
    assert kills >= 2
    assert _comparable(killed) == expected
    # Every article was audited exactly once over all the runs: one frame each.
    assert _frames(killed) == count


def test_resume_reads_a_store_with_compressed_details(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store whose details were written zlib-compressed is still resumed."""
    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 8)
    assert main(["check", str(batch), "--output", "out", "--jobs", "1"]) == 2
    expected = _comparable_json(tmp_path / "out")
    store = RunStore(tmp_path / "out")
    frames = store.frames_path.read_bytes()
    details = store.details_path.read_bytes()
    packed, rewritten = bytearray(), bytearray()
    for start in range(0, len(frames), FRAME_SIZE):
        frame = _decode_frame(frames[start : start + FRAME_SIZE])
        assert frame is not None
        offset, length = frame.details
        data = zlib.compress(details[offset : offset + length], 1)
        extents = {"records": frame.record, "details": (len(packed), len(data)), "collected": frame.collected}
        packed += data
        rewritten += _encode_frame(frame.key, frame.digest, extents, frame.flags)
    store.details_path.write_bytes(bytes(packed))
    store.frames_path.write_bytes(bytes(rewritten))
    (tmp_path / "out" / "results.jsonl").unlink()
    monkeypatch.setattr(audit.run, "HOLD_BYTES", 0)
    assert main(["check", str(batch), "--output", "out", "--jobs", "1", "--resume"]) == 2
    assert _frames(tmp_path / "out") == 8  # nothing audited again
    assert _comparable_json(tmp_path / "out") == expected


def _comparable_json(folder: Path) -> tuple[str, str]:
    return (folder / "results.jsonl").read_text(encoding="utf-8"), (folder / "report.json").read_text(encoding="utf-8")


def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = make_batch(tmp_path / "in", 3)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from audit.config import Config; "
            "from audit.engine import RunSpec; from audit.run import AuditRun; "
            "run = AuditRun(Path(sys.argv[1]), RunSpec(Config()), []); run.open(); print('locked', flush=True); "
            "time.sleep(60)",
            str(tmp_path / "out"),
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        assert main(["check", str(batch), "--output", str(tmp_path / "out"), "--jobs", "1"]) == 2
        err = capsys.readouterr().err
        assert f"is in use by another audit run (pid {holder.pid}" in err
        assert "Traceback" not in err
        assert not (tmp_path / "out" / "report.json").exists()  # refused before auditing anything
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone: its lock is stale and the next run takes over.
    assert main(["check", str(batch), "--output", str(tmp_path / "out"), "--jobs", "1"]) == 2
    assert "stale lock" in capsys.readouterr().err
    assert (tmp_path / "out" / "report.json").is_file()


def test_two_concurrent_commands_second_refused(tmp_path: Path) -> None:
    # Long enough (several seconds) for the second run to start while the first works, even on a fast machine.
    batch = make_batch(tmp_path / "in", 4000)
    first = _run([str(batch), "--output", "out", "--jobs", "1"], tmp_path)
    lock = tmp_path / "out" / STATE_DIR / "lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None
    second = _run([str(batch), "--output", "out", "--jobs", "1"], tmp_path)
    assert second.wait(timeout=120) == 2
    assert first.poll() is None, "the first run ended before the second one started: nothing was tested"
    assert second.stderr is not None and b"in use by another audit run" in second.stderr.read()
    assert first.wait(timeout=600) == 2  # the first run is not disturbed (2: the unreadable file)
    assert (tmp_path / "out" / "report.json").is_file()


def test_stale_article_pages_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 4)
    main(["check", str(batch), "--output", "out", "--jobs", "1", "--format", "html"])
    pages = sorted(p.name for p in (tmp_path / "out" / "articles").glob("*.html"))
    assert len(pages) == 4
    (batch / "a0000.txt").unlink()
    main(["check", str(batch), "--output", "out", "--jobs", "1", "--format", "html"])
    assert len(list((tmp_path / "out" / "articles").glob("*.html"))) == 3


def test_resume_with_another_configuration_starts_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 3)
    main(["check", str(batch), "--output", "out", "--jobs", "1"])
    run = AuditRun(tmp_path / "out", __import__("audit.engine").engine.RunSpec(Config(fail_under=50)), [])
    run.resume = True
    run.open()
    try:
        assert "configuration changed" in " ".join(run.notes) and run.store.count == 0
    finally:
        run.close()


def test_dask_local_cluster_gives_the_same_results_as_the_local_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the workers import this copy of the package
    batch = make_batch(tmp_path / "in", 40)
    common = ["--select", "U,B,D,P,C,S,M", "--format", "json"]
    assert main(["check", str(batch), "--output", "local", "--jobs", "1", *common]) == 2
    assert main(["check", str(batch), "--output", "dask", "--engine", "dask", "--jobs", "2", *common]) == 2
    local = (tmp_path / "local" / "results.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "dask" / "results.jsonl").read_text(encoding="utf-8") == local
    assert (tmp_path / "dask" / "report.json").read_text(encoding="utf-8") == (
        tmp_path / "local" / "report.json"
    ).read_text(encoding="utf-8")


def test_dask_engine_without_distributed_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    batch = make_batch(tmp_path / "in", 2)
    assert main(["check", str(batch), "--output", "out", "--engine", "dask"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'audit[dask]'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_jobs_above_the_cores_are_capped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from audit.engine import max_jobs

    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 2)
    main(["check", str(batch), "--output", "out", "--jobs", "500"])
    assert f"--jobs 500 is more than this machine's {max_jobs()} cores; using {max_jobs()}" in capsys.readouterr().err


def test_parquet_results_read_by_pandas_and_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    datasets = pytest.importorskip("datasets")
    monkeypatch.chdir(tmp_path)
    batch = make_batch(tmp_path / "in", 12)
    main(["check", str(batch), "--output", "out", "--jobs", "1", "--format", "json,parquet"])
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    articles = pd.read_parquet(tmp_path / "out" / "articles.parquet")
    findings = pd.read_parquet(tmp_path / "out" / "findings.parquet")
    assert list(articles["id"]) == [a["id"] for a in report["articles"]]
    assert list(articles["score"]) == [a["score"] for a in report["articles"]]
    expected = [(a["id"], f["check"], f["start"], f["text"]) for a in report["articles"] for f in a["findings"]]
    assert list(zip(findings["article"], findings["check"], findings["start"], findings["text"], strict=True)) == (
        expected
    )
    loaded = {
        name: datasets.load_dataset(
            "parquet",
            data_files=str(tmp_path / "out" / f"{name}.parquet"),
            split="train",
            cache_dir=str(tmp_path / "hf-cache"),
        )
        for name in ("articles", "findings")
    }
    assert loaded["articles"].num_rows == 12 and loaded["findings"].num_rows == len(expected)
    first = loaded["articles"][0]
    assert {s["name"] for s in first["subscores"]} == set(report["articles"][0]["subscores"])


def test_a_large_batch_index_lists_the_lowest_scores_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audit.reporting.html as html

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(html, "MAX_INDEX_ROWS", 5)
    batch = make_batch(tmp_path / "in", 12)
    main(["check", str(batch), "--output", "out", "--jobs", "1", "--format", "json,html"])
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "lists the 5 lowest-scoring of 12 articles (7 left out)" in index
    assert len(list((tmp_path / "out" / "articles").glob("*.html"))) == 12
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    lowest = sorted(report["articles"], key=lambda a: a["score"])[:5]
    assert all(f"articles/{a['id']}-" in index for a in lowest)


def test_findings_pickle_as_they_were() -> None:
    folded = Finding("D301", Category.GARBLED, Severity.MINOR, 0, 1, "a", "inner")
    finding = Finding(
        "G501", Category.GARBLED, Severity.MAJOR, 0, 2, "ab", "m", fix=Fix.replace(0, 2, "x"), folded=(folded,)
    )
    assert pickle.loads(pickle.dumps(finding, pickle.HIGHEST_PROTOCOL)) == finding
    # A state written as the list of field values (as dataclasses' own pickling does) is read back too.
    restored = object.__new__(Finding)
    restored.__setstate__([getattr(finding, name) for name in Finding.__slots__])  # type: ignore[attr-defined]
    assert restored == finding


def test_collected_data_travels_pickled_once_and_is_stored_as_it_came(tmp_path: Path) -> None:
    from audit.engine import _ArticleOutput, _joined
    from audit.model import Article

    finding = Finding("P401", Category.PUNCTUATION, Severity.MINOR, 0, 1, "a", "m")
    sent = _ArticleOutput(findings=[finding], collected={"C602": {"name": [1, 2]}})
    received = pickle.loads(pickle.dumps(sent, pickle.HIGHEST_PROTOCOL))
    assert received == sent and received.collected == {"C602": {"name": [1, 2]}}
    assert received.packed is not None and pickle.loads(received.packed) == sent.collected
    empty = pickle.loads(pickle.dumps(_ArticleOutput(findings=[finding]), pickle.HIGHEST_PROTOCOL))
    assert empty.collected == {} and empty.packed is None and empty.pickled_collected() == b""

    class Done:
        def __init__(self, value: list[_ArticleOutput]) -> None:
            self.value = value

        def get(self) -> list[_ArticleOutput]:
            return self.value

    article = Article(id="a", text="a b")
    other = pickle.loads(pickle.dumps(_ArticleOutput(metrics={"m": 1}), pickle.HIGHEST_PROTOCOL))
    [outcome] = _joined(Config(), [article], [Done([received]), Done([other])])
    assert outcome.output.pickled_collected() is received.packed

    (tmp_path / STATE_DIR).mkdir()
    store = RunStore(tmp_path)
    store.reset()
    store.open_for_append()
    number = store.append(b"k" * 16, b"d" * 16, outcome, b"{}\n")
    store.close()
    assert "collected" not in vars(outcome.output)  # merged and stored without being read
    assert outcome.output.collected == sent.collected and outcome.output.metrics == {"m": 1}
    assert store.collected(number) == sent.collected
    assert (tmp_path / STATE_DIR / "collected.bin").read_bytes() == received.packed
    reader = RunStore(tmp_path)
    assert reader.recover() == 1 and reader.collected(number) == sent.collected


def test_the_records_a_run_keeps_equal_its_results_file_read_back(tmp_path: Path) -> None:
    from audit.engine import LocalExecutor, RunSpec

    batch = make_batch(tmp_path / "in", 20)
    run = AuditRun(tmp_path / "out", RunSpec(config=Config(jobs=1)), [str(batch)])
    run.open()
    try:
        result = run.audit(load_paths([batch]), LocalExecutor(1))
    finally:
        run.close()
    from audit.reporting.json_report import rendered

    lines = (tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert result.records is not None and len(result.records) == 20
    read_back = [json.loads(line) for line in lines]
    assert [record for record, _ in result.records] == read_back  # lists, not tuples; string keys
    assert [text for _, text in result.records] == [rendered(record) for record in read_back]
    assert any(f["check"] == "C602" for record in read_back for f in record["findings"])  # rescored ones too
