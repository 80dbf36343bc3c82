"""Translation speed and memory: transformers (torch, float32) against CTranslate2 (int8) on one model.

The model is a randomly initialised Marian of opus-mt size (d_model 512, 6+6 layers, 8 heads, FFN 2048,
32k vocabulary), built here (no download; random weights cost the same as trained ones). Every sentence
generates exactly ``TOKENS`` tokens (min = max length on both backends), so both do the same work. Each
measurement runs in its own process with the same thread count and ``OMP_WAIT_POLICY=PASSIVE`` (what the
backends set by default); peak memory is that process's ``VmHWM`` (Linux's ``ru_maxrss`` would still
hold the parent's peak, which survives exec). Sentences: the English FLORES devtest source from
../shared/data when present, else the test fixtures' sentences. Target: CTranslate2 int8 at least 3x the
sentences/s of transformers fp32.

Run: ``python tests/benchmarks/bench_translate.py`` (writes reports/bench/translate.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

DATA = ROOT.parent / "shared" / "data" / "flores-devtest" / "src.en.txt"
OUT = ROOT / "reports" / "bench"
SENTENCES = 48
TOKENS = 32
THREADS = 2
BATCH = 16
BEAMS = (1, 4)
TARGET_RATIO = 3.0


def sentences() -> list[str]:
    if DATA.is_file():
        lines = [line for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
        return lines[:SENTENCES]
    from mt_fixtures import ENGLISH

    return (ENGLISH * (SENTENCES // len(ENGLISH) + 1))[:SENTENCES]


def peak_memory_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` (``ru_maxrss`` keeps the parent's peak across exec)."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(backend: str, model: str, beam: int, cache: str) -> None:
    """One measurement in this process: print a JSON line with sentences/s and peak memory."""
    from audit.translate.base import DecodingParams, TranslatorSpec
    from audit.translate.ct2 import CTranslate2Translator
    from audit.translate.hf import TransformersTranslator

    params = DecodingParams(
        beam_size=beam, min_output_tokens=TOKENS, max_output_tokens=TOKENS, batch_size=BATCH, max_input_tokens=256
    )
    spec = TranslatorSpec(
        model=model,
        src_lang="en",
        tgt_lang="ar",
        backend=backend,  # type: ignore[arg-type]
        params=params,
        threads=THREADS,
        quantization="int8",
        compute_type="int8",
        cache_dir=cache,
    )
    start = time.perf_counter()
    translator = TransformersTranslator(spec) if backend == "transformers" else CTranslate2Translator(spec)
    texts = sentences()
    translator.translate(texts[:2])  # load the model and warm up, untimed
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    outputs = translator.translate(texts)
    elapsed = time.perf_counter() - start
    assert len(outputs) == len(texts) and all(outputs)
    peak_mb = peak_memory_mb()
    result = {
        "backend": backend,
        "weights": "float32" if backend == "transformers" else "int8",
        "beam": beam,
        "sentences": len(texts),
        "tokens_per_sentence": TOKENS,
        "seconds": round(elapsed, 3),
        "sentences_per_s": round(len(texts) / elapsed, 2),
        "tokens_per_s": round(len(texts) * TOKENS / elapsed, 1),
        "load_seconds": round(loaded, 2),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(result))


def measure(backend: str, model: Path, beam: int, cache: Path) -> dict[str, object]:
    env = {**os.environ, "OMP_NUM_THREADS": str(THREADS), "OMP_WAIT_POLICY": "PASSIVE", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--worker", backend, str(model), str(beam), str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} worker failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    from mt_fixtures import build_marian

    from audit.translate.ct2 import ensure_converted

    with tempfile.TemporaryDirectory(prefix="bench-translate-") as scratch:
        started = time.perf_counter()
        model = build_marian(
            Path(scratch) / "opus-mt-size",
            d_model=512,
            layers=6,
            heads=8,
            ffn_dim=2048,
            vocab_size=32000,
            pieces=400,
            init_std=0.02,
            forced_eos=False,
        )
        cache = Path(scratch) / "cache"
        converted = ensure_converted(model, "int8", cache)
        prepared = time.perf_counter() - started
        sizes = {
            "transformers_fp32_mb": round((model / "model.safetensors").stat().st_size / 2**20, 1),
            "ctranslate2_int8_mb": round((converted / "model.bin").stat().st_size / 2**20, 1),
        }
        runs = []
        for beam in BEAMS:
            for backend in ("transformers", "ctranslate2"):
                run = measure(backend, converted if backend == "ctranslate2" else model, beam, cache)
                runs.append(run)
                print(
                    f"{backend:<13} {run['weights']:<8} beam {beam}: {run['sentences_per_s']:7.2f} sentences/s "
                    f"({run['tokens_per_s']} tokens/s), peak RSS {run['peak_rss_mb']} MB, load {run['load_seconds']} s"
                )
    ratios = {}
    for beam in BEAMS:
        by_backend = {r["backend"]: r for r in runs if r["beam"] == beam}
        hf = float(by_backend["transformers"]["sentences_per_s"])  # type: ignore[arg-type]
        ct2 = float(by_backend["ctranslate2"]["sentences_per_s"])  # type: ignore[arg-type]
        ratios[f"beam{beam}"] = round(ct2 / hf, 2)
        print(f"beam {beam}: CTranslate2 int8 / transformers fp32 = {ct2 / hf:.2f}x (target >= {TARGET_RATIO}x)")
    report = {
        "model": "random Marian, d_model 512, 6+6 layers, 8 heads, FFN 2048, 32000 vocabulary",
        "sentences": SENTENCES,
        "source": str(DATA.relative_to(ROOT.parent)) if DATA.is_file() else "test fixtures",
        "tokens_per_sentence": TOKENS,
        "threads": THREADS,
        "omp_wait_policy": "PASSIVE",
        "batch_size": BATCH,
        "model_files": sizes,
        "runs": runs,
        "speedup": ratios,
        "target": TARGET_RATIO,
        "target_met": all(r >= TARGET_RATIO for r in ratios.values()),
        "build_and_convert_seconds": round(prepared, 1),
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores_available": len(os.sched_getaffinity(0)),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
        },
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "translate.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written {OUT / 'translate.json'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--worker", nargs=4, metavar=("BACKEND", "MODEL", "BEAM", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        backend, model_dir, beam_size, cache_dir = args.worker
        worker(backend, model_dir, int(beam_size), cache_dir)
    else:
        main()
