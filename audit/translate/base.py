"""The translator interface shared by the backends: what to build (:class:`TranslatorSpec`), how to
decode (:class:`DecodingParams`), the :class:`Translator` protocol, the errors, and the light helpers
every backend needs (finding a model on disk, fingerprinting it, language codes, length-sorted batches).

Nothing here imports torch, transformers or ctranslate2: those are imported by a backend only when a
translator is built.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

Backend = Literal["transformers", "ctranslate2"]
BACKENDS: tuple[Backend, ...] = ("transformers", "ctranslate2")


class TranslationError(Exception):
    """A translator that cannot be built or run; the message says what to do."""


class ModelUnavailable(TranslationError):
    """The model is not on this machine and downloading it is not allowed."""


@dataclass(frozen=True)
class DecodingParams:
    """How to decode. Every field but ``batch_size`` changes the output, so it is part of the cache key."""

    beam_size: int = 4
    #: Longer inputs are cut to this many tokens (Marian models accept at most 512).
    max_input_tokens: int = 512
    max_output_tokens: int = 256
    #: Forces at least this many generated tokens (benchmarks set it equal to ``max_output_tokens``).
    min_output_tokens: int = 0
    length_penalty: float = 1.0
    batch_size: int = 16

    def __post_init__(self) -> None:
        for name in ("beam_size", "max_input_tokens", "max_output_tokens", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if not 0 <= self.min_output_tokens <= self.max_output_tokens:
            raise ValueError("min_output_tokens must be between 0 and max_output_tokens")

    def cache_fields(self) -> dict[str, Any]:
        """The fields that change a translation (the batch size does not)."""
        data = asdict(self)
        del data["batch_size"]
        return data


@dataclass(frozen=True)
class TranslatorSpec:
    """Which model translates which direction, on which backend and device.

    ``model`` is a local directory or a Hugging Face hub id. For the ctranslate2 backend it is either a
    converted CTranslate2 directory (``model.bin``) or a transformers model, converted on first use into
    ``cache_dir`` with ``quantization`` weights.
    """

    model: str
    src_lang: str
    tgt_lang: str
    backend: Backend = "transformers"
    device: str = "cpu"
    params: DecodingParams = field(default_factory=DecodingParams)
    allow_download: bool = False
    #: CTranslate2 only: weight type of an automatic conversion, and the compute type at run time.
    quantization: str = "int8"
    compute_type: str = "default"
    #: CPU threads (0 = every core this process may use).
    threads: int = 0
    cache_dir: str | None = None

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend is one of {', '.join(BACKENDS)}, not {self.backend!r}")
        if not re.fullmatch(r"cpu|cuda(:\d+)?|auto", self.device):
            raise ValueError(f"device is cpu, cuda, cuda:N or auto, not {self.device!r}")

    @property
    def name(self) -> str:
        """A short name for reports: the hub id or the directory's name."""
        path = Path(self.model).expanduser()
        return path.name if path.is_dir() else self.model


class Translator(Protocol):
    """Translates a list of segments, in order; equal inputs give equal outputs."""

    #: A short model name for reports.
    name: str
    #: Everything that determines the output besides the text: model fingerprint, backend, compute type,
    #: languages and decoding parameters. Two translators with the same identity translate alike.
    identity: str

    def translate(self, texts: Sequence[str]) -> list[str]: ...


# --- languages ---------------------------------------------------------------------------------------

#: NLLB-200 uses FLORES-200 codes; M2M100 and most others use ISO 639-1.
NLLB_CODES = {"en": "eng_Latn", "ar": "arb_Arab", "fr": "fra_Latn", "de": "deu_Latn", "es": "spa_Latn"}
#: Multilingual Marian (opus-mt) models take a ``>>xxx<<`` token first; these are tried in order.
MARIAN_TARGET_TOKENS = {
    "ar": (">>ara<<", ">>arb<<", ">>ar<<"),
    "en": (">>eng<<", ">>en<<"),
    "fr": (">>fra<<", ">>fr<<"),
    "de": (">>deu<<", ">>de<<"),
    "es": (">>spa<<", ">>es<<"),
}
_NLLB_CODE_RE = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}")


def nllb_code(lang: str) -> str:
    """The FLORES-200 code NLLB wants (``ar`` -> ``arb_Arab``); codes already in that form pass through."""
    if _NLLB_CODE_RE.fullmatch(lang):
        return lang
    try:
        return NLLB_CODES[lang]
    except KeyError:
        raise TranslationError(f"no NLLB language code known for {lang!r}; give one such as 'arb_Arab'") from None


def iso_code(lang: str) -> str:
    """The ISO 639-1 code M2M100 wants (``arb_Arab`` -> ``ar``)."""
    if _NLLB_CODE_RE.fullmatch(lang):
        for short, long in NLLB_CODES.items():
            if long == lang:
                return short
    return lang


def marian_target_token(lang: str, vocabulary: Iterable[str]) -> str | None:
    """The ``>>xxx<<`` token a multilingual Marian model needs for ``lang``; ``None`` for one-target models."""
    known = set(vocabulary)
    if not any(token.startswith(">>") and token.endswith("<<") for token in known):
        return None
    for token in MARIAN_TARGET_TOKENS.get(iso_code(lang), (f">>{lang}<<",)):
        if token in known:
            return token
    raise TranslationError(f"this multilingual Marian model has no target-language token for {lang!r}")


# --- finding models ----------------------------------------------------------------------------------

_HUB_ID_RE = re.compile(r"[A-Za-z0-9][\w.-]*(/[\w.-]+)?")
_DOWNLOAD_PATTERNS = ["*.json", "*.spm", "*.model", "*.txt", "*.safetensors", "*.bin"]
_SKIP_PATTERNS = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "onnx/*", "tf_*", "flax_*", "rust_*"]


def how_to_fetch(model: str) -> str:
    """The commands that put a hub model on this machine, for error messages."""
    local = f"models/{model.rsplit('/', 1)[-1]}"
    return (
        f"fetch it once with `hf download {model} --local-dir {local}` (or `huggingface-cli download ...`), "
        f"then pass --retranslate-model/--backtranslate-model {local}; for the ctranslate2 backend you may also "
        f"convert it yourself: `ct2-transformers-converter --model {local} --quantization int8 "
        f"--output_dir {local}-ct2 --copy_files source.spm target.spm` (NLLB/M2M100: sentencepiece.bpe.model); "
        f"or let audit download it: --allow-download"
    )


def offline(allow_download: bool) -> bool:
    """Whether the hub must not be contacted: downloads not allowed, or ``HF_HUB_OFFLINE`` set."""
    env = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return not allow_download or env.strip().lower() in ("1", "on", "yes", "true")


def resolve_model(model: str, allow_download: bool) -> Path:
    """The local directory of ``model``: the directory itself, or the hub snapshot (downloaded only if allowed)."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve()
    if path.exists():
        raise TranslationError(f"model {model!r} is a file; give the model's directory")
    if model.startswith((".", "/", "~")) or "\\" in model or not _HUB_ID_RE.fullmatch(model):
        raise ModelUnavailable(f"model directory {model!r} does not exist")
    no_network = offline(allow_download)
    if no_network:
        # Set before huggingface_hub reads it on import (later imports of transformers see it too).
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from huggingface_hub import snapshot_download

    try:
        snapshot = snapshot_download(
            model, local_files_only=no_network, allow_patterns=_DOWNLOAD_PATTERNS, ignore_patterns=_SKIP_PATTERNS
        )
    except Exception as exc:  # LocalEntryNotFoundError, RepositoryNotFoundError, network errors
        if no_network:
            why = "downloads are off (HF_HUB_OFFLINE is set)" if allow_download else "downloads are off by default"
            raise ModelUnavailable(f"model {model!r} is not on this machine and {why}; {how_to_fetch(model)}") from None
        raise ModelUnavailable(f"cannot download model {model!r}: {exc}") from None
    return Path(snapshot)


def is_ctranslate2_dir(path: Path) -> bool:
    """A converted CTranslate2 model: ``model.bin`` with a CTranslate2 vocabulary beside it."""
    vocabularies = ("shared_vocabulary.json", "shared_vocabulary.txt", "source_vocabulary.json", "vocabulary.json")
    return (path / "model.bin").is_file() and any((path / name).is_file() for name in vocabularies)


_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".ckpt")
_SMALL_SUFFIXES = (".json", ".spm", ".model", ".txt")
_EDGE = 1 << 20


def fingerprint(directory: Path) -> str:
    """A hash that changes when the model changes: small files in full, weights by size, head and tail.

    Hashing multi-gigabyte weights in full would cost seconds per run; their size and first and last
    mebibyte change whenever the weights do (a retrained or requantized model), which is what matters.
    """
    digest = hashlib.sha256()
    files = [p for p in directory.glob("*") if p.is_file()] + [p for p in directory.glob("*/*") if p.is_file()]
    for path in sorted(files):
        relative = path.relative_to(directory).as_posix()
        if relative.startswith(".") or "/." in relative:
            continue
        suffix = path.suffix.lower()
        if suffix not in _WEIGHT_SUFFIXES and suffix not in _SMALL_SUFFIXES:
            continue
        size = path.stat().st_size
        digest.update(f"{relative}\0{size}\0".encode())
        with path.open("rb") as handle:
            if suffix in _SMALL_SUFFIXES or size <= 2 * _EDGE:
                digest.update(handle.read())
            else:
                digest.update(handle.read(_EDGE))
                handle.seek(size - _EDGE)
                digest.update(handle.read(_EDGE))
    return digest.hexdigest()


def identity(spec: TranslatorSpec, model_fingerprint: str, **extra: Any) -> str:
    """The translator identity string (see :attr:`Translator.identity`)."""
    data = {
        "fingerprint": model_fingerprint,
        "backend": spec.backend,
        "src": spec.src_lang,
        "tgt": spec.tgt_lang,
        "params": spec.params.cache_fields(),
        **extra,
    }
    return json.dumps(data, sort_keys=True)


def passive_openmp() -> None:
    """Let idle OpenMP threads sleep instead of spinning (unless the user chose otherwise).

    Must run before torch or ctranslate2 starts its OpenMP runtime. On a busy machine (CI runners, shared
    servers) spinning threads fight for the cores: measured here on 2 loaded cores, transformers generation
    ran 5x faster with ``OMP_WAIT_POLICY=PASSIVE`` and CTranslate2 1.3x faster.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def cpu_threads(requested: int) -> int:
    """``requested`` threads, or every core this process may run on when 0."""
    if requested > 0:
        return requested
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Indices grouped into batches of similar length (longest first), so padding wastes little."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]
