"""Batches at scale: a synthetic batch built from the real Arabic in ../shared/data (human references and
MT system outputs, resampled into short articles and lightly perturbed: a swapped or doubled letter, an
English word left in, a doubled comma, a name spelled another way), audited by ``audit check`` as a user
runs it (a whole process, start-up included).

Figures per run: wall time, throughput (articles/s and words/s), time to the first result line in
``results.jsonl``, peak resident memory of the main process and of the worker processes (the largest worker
and all workers together), sampled every 50 ms with psutil. The local engine and the local Dask cluster are
compared on the same two cores, each with two worker processes.

Usage: python tests/benchmarks/bench_scale.py [--sizes 10000,100000] [--million] [--dask-size N] [--select CODES]
                                             [--keep DIR]

Default sizes are 10,000 and 100,000 articles; ``--million`` adds a run of 1,000,000 (about three hours here).
The default checks are the rule-only U, B, D and P families, which measure the engine (streaming, workers,
reports) in practical time; ``--select all`` runs every check.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "reports" / "bench"
SOURCES = (
    "ntrex/ref.ar.txt",
    "flores-devtest/ref-a.ar.txt",
    "flores-devtest/ref-b.ar.txt",
    "tico19/ref.ar.txt",
    "flores-devtest/systems/sysA.ar.txt",
    "flores-devtest/systems/sysD.ar.txt",
    "iwslt17/systems/sysB.ar.txt",
)
LATIN = ("Reuters", "NATO", "the ministry", "Kyiv", "COVID-19", "Witkoff")
NAMES = (("زيلينسكي", "زيلنسكي"), ("ويتكوف", "ويتكووف"), ("دميترييف", "ديميترييف"))


def sentences() -> list[str]:
    lines: list[str] = []
    for name in SOURCES:
        path = DATA / name
        if path.is_file():
            lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"no Arabic found under {DATA}: the benchmark needs ../shared/data")
    return lines


def perturb(sentence: str, rng: random.Random) -> str:
    """One light edit of the kinds MT output has, or none."""
    roll = rng.random()
    words = sentence.split()
    if roll < 0.10 and len(words) > 3:  # swap two letters inside a word
        i = rng.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)
    if roll < 0.16:  # an English word left untranslated
        words.insert(rng.randrange(len(words) + 1), rng.choice(LATIN))
        return " ".join(words)
    if roll < 0.20:  # a doubled comma or a space before it
        return sentence.replace("،", rng.choice(("،،", " ،")), 1)
    return sentence


def articles(count: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    pool = sentences()
    for index in range(count):
        body = [perturb(rng.choice(pool), rng) for _ in range(rng.randint(2, 4))]
        if index % 10 == 0:  # a name, spelled one way or the other across the batch
            pair = rng.choice(NAMES)
            name = pair[1] if rng.random() < 0.2 else pair[0]
            body.append(f"وقال {name} إن المحادثات ستستمر، وأكد {name} أن الوفد سيعود.")
        yield {"id": f"art{index:07d}", "text": "\n".join(body)}


def write_batch(path: Path, count: int) -> tuple[int, int]:
    words = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in articles(count):
            words += len(record["text"].split())
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return count, words


class Sampler(threading.Thread):
    """Peak resident memory of a process and of its descendants, sampled every 50 ms."""

    def __init__(self, pid: int, results: Path) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.results = results
        self.started = time.monotonic()
        self.first_result: float | None = None
        self.main_peak = self.worker_peak = self.workers_total_peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.main_peak = max(self.main_peak, self.process.memory_info().rss)
                children = []
                for child in self.process.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        children.append(child.memory_info().rss)
                if children:
                    self.worker_peak = max(self.worker_peak, max(children))
                    self.workers_total_peak = max(self.workers_total_peak, sum(children))
            except psutil.Error:
                pass
            if self.first_result is None and self.results.is_file() and self.results.stat().st_size > 0:
                self.first_result = time.monotonic() - self.started
            time.sleep(0.05)


def run_audit(batch: Path, output: Path, extra: list[str], select: str | None = None) -> dict[str, Any]:
    if output.exists():
        shutil.rmtree(output)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "audit", "check", str(batch), "--output", str(output), "--format", "json,md"]
    if select and select != "all":
        command += ["--select", select]
    started = time.monotonic()
    process = subprocess.Popen([*command, *extra], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(process.pid, output / "results.jsonl")
    sampler.started = started
    sampler.start()
    _, err = process.communicate()
    wall = time.monotonic() - started
    sampler.stop.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({process.returncode}): {err.decode()[-2000:]}")
    summary = json.loads((output / "report.json").read_text(encoding="utf-8"))["summary"]
    return {
        "wall_s": round(wall, 1),
        "articles": summary["articles"],
        "words": summary["words"],
        "articles_per_s": round(summary["articles"] / wall, 1),
        "words_per_s": round(summary["words"] / wall),
        "first_result_s": None if sampler.first_result is None else round(sampler.first_result, 2),
        "main_peak_mb": round(sampler.main_peak / 2**20),
        "worker_peak_mb": round(sampler.worker_peak / 2**20),
        "workers_total_peak_mb": round(sampler.workers_total_peak / 2**20),
        "command": " ".join(["audit", *command[3:], *extra]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated batch sizes (articles)")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 articles")
    parser.add_argument("--dask-size", type=int, default=10000, help="batch size of the Dask comparison (0: skip)")
    parser.add_argument("--keep", type=Path, help="keep batches and outputs in this folder")
    parser.add_argument(
        "--select",
        default="U,B,D,P",
        help="check codes or prefixes to run (default U,B,D,P: the engine at scale in practical time; 'all' runs all)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million:
        sizes.append(1_000_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {"cores": os.cpu_count(), "select": args.select or "all", "runs": []}
    try:
        for size in sorted(set(sizes) | ({args.dask_size} if args.dask_size else set())):
            batch = work / f"batch-{size}.jsonl"
            write_batch(batch, size)
            engines = [("local", ["--jobs", "2"])]
            if size == args.dask_size:
                engines.append(("dask", ["--engine", "dask", "--jobs", "2"]))
            for engine, extra in engines:
                if engine == "local" and size not in sizes:
                    continue
                figures_run = run_audit(batch, work / f"out-{size}-{engine}", extra, args.select)
                row = {"size": size, "engine": engine, **figures_run}
                figures["runs"].append(row)
                print(json.dumps(row), flush=True)
        local = {r["size"]: r for r in figures["runs"] if r["engine"] == "local"}
        if len(local) >= 2:
            small, large = min(local), max(local)
            ratio = local[large]["main_peak_mb"] / max(local[small]["main_peak_mb"], 1)
            figures["main_peak_ratio"] = {"sizes": [small, large], "ratio": round(ratio, 2)}
            print(f"main-process peak memory {large} / {small} articles: {ratio:.2f}x")
        dask = [r for r in figures["runs"] if r["engine"] == "dask"]
        if dask and args.dask_size in local:
            speed = dask[0]["articles_per_s"] / local[args.dask_size]["articles_per_s"]
            figures["dask_vs_local"] = round(speed, 2)
            print(f"local Dask cluster / local engine throughput at {args.dask_size} articles: {speed:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
