"""The translation backends on a tiny random Marian model built at test time: transformers and CTranslate2,
automatic and command-line conversion, language tokens, the cache in front of a real model, offline
behaviour, and the command line with and without models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mt_fixtures import ENGLISH, tiny_m2m100_model, tiny_marian_ct2_model, tiny_marian_model

from audit.translate import DecodingParams, ModelUnavailable, TranslationError, TranslatorSpec, build_translator
from audit.translate.base import (
    fingerprint,
    is_ctranslate2_dir,
    iso_code,
    marian_target_token,
    nllb_code,
    resolve_model,
)
from audit.translate.cache import CachedTranslator
from audit.translate.ct2 import CTranslate2Translator, PieceTokenizer, ensure_converted, read_vocabulary
from audit.translate.hf import TransformersTranslator

ROOT = Path(__file__).resolve().parents[1]
GREEDY = DecodingParams(beam_size=1, max_output_tokens=12, batch_size=4)
HEAVY = ("torch", "transformers", "ctranslate2", "sentencepiece")


@pytest.fixture(scope="session")
def tiny_marian(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_marian_model(tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_m2m100(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_m2m100_model(tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_marian_ct2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_marian_ct2_model(tmp_path_factory)


def spec(model: Path | str, backend: str = "transformers", **kwargs: object) -> TranslatorSpec:
    options: dict[str, object] = {"params": GREEDY, "threads": 1, **kwargs}  # one thread: the test machine is shared
    return TranslatorSpec(model=str(model), src_lang="en", tgt_lang="ar", backend=backend, **options)  # type: ignore[arg-type]


def test_transformers_backend_translates_in_order(tiny_marian: Path) -> None:
    translator = TransformersTranslator(spec(tiny_marian))
    assert not translator.loaded  # nothing is loaded until something has to be translated
    texts = [ENGLISH[0], "", ENGLISH[1], ENGLISH[0], "   "]
    first = translator.translate(texts)
    assert translator.loaded
    assert len(first) == len(texts)
    assert first[1] == "" and first[4] == ""
    assert first[0] and first[2] and first[0] == first[3]
    assert translator.translate(texts) == first  # deterministic
    assert translator.prefix == ">>ara<< "  # opus-mt style multilingual target token


def test_ctranslate2_backend_on_a_command_line_conversion(tiny_marian_ct2: Path) -> None:
    vocabulary = read_vocabulary(tiny_marian_ct2)
    assert "<pad>" not in vocabulary  # the converter dropped the trailing <pad>
    assert vocabulary[:2] == ["</s>", "<unk>"]
    translator = CTranslate2Translator(spec(tiny_marian_ct2, "ctranslate2"))
    assert translator.converted and translator.compute_type == "int8"
    result = translator.translate([ENGLISH[2], "", ENGLISH[3]])
    assert result[1] == "" and result[0] and result[2]
    assert translator.tokenizer.encode(ENGLISH[2], 512)[0] == ">>ara<<"
    assert translator.tokenizer.encode(ENGLISH[2], 512)[-1] == "</s>"


@pytest.mark.parametrize("family", ["marian", "m2m100"])
def test_backends_agree_in_float32(family: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Same weights, greedy search: CTranslate2 in float32 produces what transformers produces, language
    tokens included (Marian ``>>ara<<`` before the text; M2M100 ``__en__`` in, ``__ar__`` forced out)."""
    model = request.getfixturevalue("tiny_marian" if family == "marian" else "tiny_m2m100")
    texts = ENGLISH[:6]
    transformers = TransformersTranslator(spec(model))
    expected = transformers.translate(texts)
    fp32 = spec(model, "ctranslate2", quantization="float32", compute_type="float32")
    ctranslate2 = CTranslate2Translator(fp32, cache_dir=tmp_path)
    assert ctranslate2.translate(texts) == expected
    assert all(expected) and not any("__" in t or ">>" in t for t in expected)
    if family == "m2m100":
        assert transformers.generate_options["forced_bos_token_id"] == transformers.tokenizer.get_lang_id("ar")
        assert (ctranslate2.tokenizer.prefix, ctranslate2.tokenizer.target_prefix) == (("__en__",), ("__ar__",))


def test_automatic_conversion_happens_once(tiny_marian: Path, tmp_path: Path) -> None:
    converted = ensure_converted(tiny_marian, "int8", tmp_path)
    assert is_ctranslate2_dir(converted) and converted.parent == tmp_path / "ct2"
    assert (converted / "source.spm").is_file() and (converted / "target.spm").is_file()
    stamp = (converted / "model.bin").stat().st_mtime_ns
    assert ensure_converted(tiny_marian, "int8", tmp_path) == converted
    assert (converted / "model.bin").stat().st_mtime_ns == stamp
    assert not [p for p in (tmp_path / "ct2").iterdir() if p.name.startswith(".")]  # no scratch left


def test_identity_changes_with_model_backend_and_parameters(tiny_marian: Path, tiny_marian_ct2: Path) -> None:
    base = TransformersTranslator(spec(tiny_marian)).identity
    assert TransformersTranslator(spec(tiny_marian)).identity == base
    wider = spec(tiny_marian, params=DecodingParams(beam_size=2, max_output_tokens=12))
    assert TransformersTranslator(wider).identity != base
    batch = spec(tiny_marian, params=DecodingParams(beam_size=1, max_output_tokens=12, batch_size=64))
    assert TransformersTranslator(batch).identity == base  # batch size does not change translations
    assert CTranslate2Translator(spec(tiny_marian_ct2, "ctranslate2")).identity != base
    assert fingerprint(tiny_marian) != fingerprint(tiny_marian_ct2)


def test_cached_translator_does_not_load_the_model_for_hits(tiny_marian: Path, tmp_path: Path) -> None:
    texts = [ENGLISH[4], ENGLISH[5], ENGLISH[4]]
    first = build_translator(spec(tiny_marian), cache_dir=tmp_path)
    assert isinstance(first, CachedTranslator)
    translated = first.translate(texts)
    assert (first.hits, first.misses) == (0, 3)
    again = build_translator(spec(tiny_marian), cache_dir=tmp_path)
    assert isinstance(again, CachedTranslator)
    assert again.translate(texts) == translated
    assert (again.hits, again.misses) == (3, 0)
    assert not again.translator.loaded  # type: ignore[attr-defined]
    more = again.translate([ENGLISH[6]])
    assert (again.hits, again.misses) == (3, 1) and more[0]
    assert again.translator.loaded  # type: ignore[attr-defined]


def test_language_codes() -> None:
    assert nllb_code("ar") == "arb_Arab" and nllb_code("en") == "eng_Latn" and nllb_code("ary_Arab") == "ary_Arab"
    assert iso_code("arb_Arab") == "ar" and iso_code("en") == "en"
    assert marian_target_token("ar", ["a", "b"]) is None  # one-target model: no token
    assert marian_target_token("ar", [">>fra<<", ">>arb<<", "x"]) == ">>arb<<"
    with pytest.raises(TranslationError):
        marian_target_token("ar", [">>fra<<"])
    with pytest.raises(TranslationError):
        nllb_code("xx")


@pytest.mark.parametrize(
    ("vocabulary", "prefix", "target_prefix"),
    [
        (["</s>", "<unk>", "eng_Latn", "arb_Arab"], ("eng_Latn",), ("arb_Arab",)),  # NLLB-200
        (["</s>", "<unk>", "__en__", "__ar__"], ("__en__",), ("__ar__",)),  # M2M100
    ],
)
def test_piece_tokenizer_language_tokens(
    tiny_marian: Path, tmp_path: Path, vocabulary: list[str], prefix: tuple[str, ...], target_prefix: tuple[str, ...]
) -> None:
    (tmp_path / "model.bin").write_bytes(b"")
    (tmp_path / "shared_vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    (tmp_path / "sentencepiece.bpe.model").write_bytes((tiny_marian / "source.spm").read_bytes())
    tokenizer = PieceTokenizer.for_model(tmp_path, "en", "ar")
    assert (tokenizer.prefix, tokenizer.target_prefix) == (prefix, target_prefix)
    tokens = tokenizer.encode("The talks were useful.", 512)
    assert tokens[0] == prefix[0] and tokens[-1] == "</s>"
    pieces = tokenizer.source.encode("The talks were useful.", out_type=str)
    assert tokenizer.decode([*target_prefix, *pieces]) == "The talks were useful."


def test_piece_tokenizer_truncates_long_inputs(tiny_marian: Path, tmp_path: Path) -> None:
    for name in ("source.spm", "target.spm"):
        (tmp_path / name).write_bytes((tiny_marian / name).read_bytes())
    vocabulary = list(json.loads((tiny_marian / "vocab.json").read_text(encoding="utf-8")))
    (tmp_path / "shared_vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    tokenizer = PieceTokenizer.for_model(tmp_path, "en", "ar")
    tokens = tokenizer.encode(" ".join(ENGLISH), 16)
    assert len(tokens) == 16 and tokens[0] == ">>ara<<" and tokens[-1] == "</s>"
    assert PieceTokenizer.for_model(tmp_path, "ar", "en").prefix == (">>eng<<",)


def test_hub_model_missing_offline_says_how_to_fetch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    with pytest.raises(ModelUnavailable) as caught:
        resolve_model("Helsinki-NLP/opus-mt-en-ar", allow_download=False)
    message = str(caught.value)
    assert "hf download Helsinki-NLP/opus-mt-en-ar --local-dir" in message
    assert "ct2-transformers-converter" in message and "--allow-download" in message
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailable, match="HF_HUB_OFFLINE"):
        resolve_model("Helsinki-NLP/opus-mt-en-ar", allow_download=True)


def test_missing_local_directory_and_wrong_backend(tmp_path: Path, tiny_marian_ct2: Path) -> None:
    with pytest.raises(ModelUnavailable, match="does not exist"):
        resolve_model(str(tmp_path / "nowhere"), allow_download=False)
    with pytest.raises(TranslationError, match="ctranslate2"):
        TransformersTranslator(spec(tiny_marian_ct2))
    with pytest.raises(TranslationError, match="neither"):
        CTranslate2Translator(spec(tmp_path, "ctranslate2"))


def _run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter; the last stdout line lists the heavy modules it imported."""
    code = (
        "import sys\nfrom audit.cli import main\nrc = main(sys.argv[1:])\n"
        f"print('HEAVY', sorted(m for m in {HEAVY!r} if m in sys.modules))\nsys.exit(rc)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )


def _articles(path: Path) -> Path:
    text = "اجتمع وزيرا الخارجية في جنيف يوم الخميس لبحث وقف إطلاق النار.\nقال متحدث إن المحادثات كانت صريحة ومفيدة.\n"
    record = {
        "id": "talks",
        "text": text,
        "source": f"{ENGLISH[0]}\n{ENGLISH[1]}\n",
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_cli_without_models_imports_nothing_heavy(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles.jsonl")
    run = _run_cli(["check", str(articles), "--output", str(tmp_path / "out")], cwd=tmp_path)
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_cli_with_models_then_from_the_cache(tiny_marian: Path, tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles.jsonl")
    (tmp_path / "audit.toml").write_text(  # found in the working directory; the flags add the models
        "[translate]\nbeam_size = 1\nmax_output_tokens = 16\nthreads = 1\n", encoding="utf-8"
    )
    args = [
        "check",
        str(articles),
        "--output",
        str(tmp_path / "out"),
        "--retranslate-model",
        str(tiny_marian),
        "--backtranslate-model",
        str(tiny_marian),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    first = _run_cli(args, cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr
    assert "re-translated 2 segments with tiny-opus-mt (0 from the cache)" in first.stderr
    assert "back-translated 2 segments with tiny-opus-mt (0 from the cache)" in first.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    article = report["articles"][0]
    assert "mt:tiny-opus-mt" in article["references"]["retranslations"]
    assert report["config"]["translate"]["retranslate_model"] == str(tiny_marian)

    again = _run_cli(args, cwd=tmp_path)
    assert again.returncode == first.returncode, again.stderr
    assert "(2 from the cache)" in again.stderr
    assert again.stdout.strip().splitlines()[-1] == "HEAVY []"  # everything cached: no torch at all


def test_cli_missing_model_is_a_usage_error(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles.jsonl")
    run = _run_cli(
        [
            "check",
            str(articles),
            "--output",
            str(tmp_path / "out"),
            "--backtranslate-model",
            "Helsinki-NLP/opus-mt-ar-en",
        ],
        cwd=tmp_path,
        env={"HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub")},
    )
    assert run.returncode == 2
    assert "hf download Helsinki-NLP/opus-mt-ar-en" in run.stderr
