"""The CTranslate2 backend: converted models with int8 weights, several times faster than torch on CPUs.

A model is a converted CTranslate2 directory (``model.bin`` and ``shared_vocabulary.json``, made with
``ct2-transformers-converter --quantization int8 --copy_files ...``) or a transformers model, which is
converted once into the cache folder (``<cache>/ct2/<name>-<fingerprint>-<quantization>``) and reused.

Tokenisation uses SentencePiece directly (no torch, no transformers at run time), with each family's
language tokens: multilingual Marian ``>>ara<<`` first, NLLB-200 ``eng_Latn ... </s>`` with the target
prefix ``arb_Arab``, M2M100 ``__en__ ... </s>`` with the prefix ``__ar__``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.translate.base import (
    TranslationError,
    TranslatorSpec,
    cpu_threads,
    fingerprint,
    identity,
    is_ctranslate2_dir,
    iso_code,
    length_sorted_batches,
    marian_target_token,
    nllb_code,
    passive_openmp,
    resolve_model,
)

#: Tokenizer files copied next to a converted model.
TOKENIZER_FILES = (
    "source.spm",
    "target.spm",
    "sentencepiece.bpe.model",
    "spm.model",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
_SPECIAL_TOKENS = frozenset({"<s>", "</s>", "<pad>", "<unk>"})
#: Language tokens of the families: Marian ``>>ara<<``, M2M100 ``__ar__``, NLLB ``arb_Arab``.
_LANGUAGE_TOKEN_RE = re.compile(r">>\w+<<|__[a-z]{2,3}__|[a-z]{3}_[A-Z][a-z]{3}")
_SENTENCEPIECE_FILES = ("sentencepiece.bpe.model", "spm.model", "spiece.model", "source.spm")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/audit`` (``~/.cache/audit``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audit"


def ensure_converted(directory: Path, quantization: str, cache_dir: Path) -> Path:
    """A CTranslate2 conversion of the transformers model in ``directory``, made once and kept in ``cache_dir``.

    Concurrent audits may both convert; each writes a private folder and renames it into place, and the
    loser throws its copy away, so nobody ever reads a half-written model.
    """
    target = cache_dir / "ct2" / f"{directory.name}-{fingerprint(directory)[:16]}-{quantization}"
    if is_ctranslate2_dir(target):
        return target
    if not (directory / "config.json").is_file():
        raise TranslationError(f"{directory} is neither a CTranslate2 model (model.bin) nor a transformers model")
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}")
    print(f"audit: converting {directory} to CTranslate2 ({quantization}) in {target} (once)", file=sys.stderr)
    from ctranslate2.converters import TransformersConverter

    from audit.translate.hf import quiet_transformers

    quiet_transformers()
    copy = [name for name in TOKENIZER_FILES if (directory / name).is_file()]
    try:
        TransformersConverter(str(directory), copy_files=copy, low_cpu_mem_usage=True).convert(
            str(scratch), quantization=quantization, force=True
        )
    except Exception as exc:  # the converter raises many kinds (ValueError, NotImplementedError, OSError)
        shutil.rmtree(scratch, ignore_errors=True)
        raise TranslationError(f"cannot convert {directory} to CTranslate2: {exc}") from None
    try:
        os.rename(scratch, target)
    except OSError:  # another audit finished first: use its copy
        shutil.rmtree(scratch, ignore_errors=True)
        if not is_ctranslate2_dir(target):
            raise
    return target


def read_vocabulary(directory: Path) -> list[str]:
    """The CTranslate2 model's (target) vocabulary."""
    for name in ("shared_vocabulary.json", "target_vocabulary.json", "vocabulary.json"):
        path = directory / name
        if path.is_file():
            return list(json.loads(path.read_text(encoding="utf-8")))
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt", "vocabulary.txt"):
        path = directory / name
        if path.is_file():
            return path.read_text(encoding="utf-8").splitlines()
    raise TranslationError(f"no CTranslate2 vocabulary in {directory}")


@dataclass
class PieceTokenizer:
    """SentencePiece pieces plus the language tokens of the model family."""

    source: Any  # sentencepiece.SentencePieceProcessor
    target: Any
    prefix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()
    #: Tokens that are not text (special and language tokens), left out of the output as transformers does.
    special: frozenset[str] = frozenset()

    @classmethod
    def for_model(cls, directory: Path, src_lang: str, tgt_lang: str) -> PieceTokenizer:
        import sentencepiece

        def load(path: Path) -> Any:
            return sentencepiece.SentencePieceProcessor(model_file=str(path))

        vocabulary = read_vocabulary(directory)
        special = frozenset(t for t in vocabulary if t in _SPECIAL_TOKENS or _LANGUAGE_TOKEN_RE.fullmatch(t))
        if (directory / "source.spm").is_file():  # Marian
            target_spm = directory / "target.spm"
            source = load(directory / "source.spm")
            target = load(target_spm) if target_spm.is_file() else source
            token = marian_target_token(tgt_lang, vocabulary)
            return cls(source, target, prefix=(token,) if token else (), special=special)
        model_file = next((directory / n for n in _SENTENCEPIECE_FILES if (directory / n).is_file()), None)
        if model_file is None:
            raise TranslationError(
                f"no SentencePiece model next to the CTranslate2 model in {directory}; convert it with "
                "--copy_files source.spm target.spm (Marian) or sentencepiece.bpe.model (NLLB, M2M100), "
                "or give the transformers model and let audit convert it"
            )
        processor = load(model_file)
        known = set(vocabulary)
        if _has_nllb_code(src_lang) and _has_nllb_code(tgt_lang) and nllb_code(tgt_lang) in known:
            prefix, target_prefix = (nllb_code(src_lang),), (nllb_code(tgt_lang),)
            return cls(processor, processor, prefix=prefix, target_prefix=target_prefix, special=special)
        m2m_target = f"__{iso_code(tgt_lang)}__"
        if m2m_target in known:
            prefix, target_prefix = (f"__{iso_code(src_lang)}__",), (m2m_target,)
            return cls(processor, processor, prefix=prefix, target_prefix=target_prefix, special=special)
        return cls(processor, processor, special=special)

    def encode(self, text: str, max_tokens: int) -> list[str]:
        pieces = self.source.encode(text, out_type=str)[: max(1, max_tokens - len(self.prefix) - 1)]
        return [*self.prefix, *pieces, "</s>"]

    def decode(self, tokens: Sequence[str]) -> str:
        tokens = list(tokens)
        if self.target_prefix and tokens[: len(self.target_prefix)] == list(self.target_prefix):
            tokens = tokens[len(self.target_prefix) :]
        return str(self.target.decode_pieces([t for t in tokens if t not in self.special])).strip()


def _has_nllb_code(lang: str) -> bool:
    try:
        nllb_code(lang)
    except TranslationError:
        return False
    return True


class CTranslate2Translator:
    """A CTranslate2 model translating ``spec.src_lang`` into ``spec.tgt_lang``.

    The model is found and fingerprinted at once; converted (when it is a transformers model) and loaded
    only when something has to be translated. ``compute_type`` "default" means int8 on CPU and
    int8_float16 on CUDA.
    """

    def __init__(self, spec: TranslatorSpec, cache_dir: Path | None = None) -> None:
        passive_openmp()
        import ctranslate2

        self.spec = spec
        self.name = spec.name
        self.source_directory = resolve_model(spec.model, spec.allow_download)
        self.cache_dir = cache_dir or (Path(spec.cache_dir) if spec.cache_dir else default_cache_dir())
        self.converted = is_ctranslate2_dir(self.source_directory)
        if not self.converted and not (self.source_directory / "config.json").is_file():
            raise TranslationError(
                f"{self.source_directory} is neither a CTranslate2 model (model.bin) nor a transformers model"
            )
        device, index = spec.device, 0
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if device.startswith("cuda:"):
            device, index = "cuda", int(device.split(":", 1)[1])
        self.device, self.device_index = device, index
        compute_type = spec.compute_type
        if compute_type == "default":
            compute_type = "int8_float16" if device == "cuda" else "int8"
        self.compute_type = compute_type
        weights = "as-saved" if self.converted else spec.quantization
        self.identity = identity(
            spec, fingerprint(self.source_directory), weights=weights, compute_type=compute_type, device=device
        )
        self.loaded = False

    def load(self) -> None:
        """Convert the model if needed, then load it and its SentencePiece tokenizer."""
        import ctranslate2

        spec = self.spec
        directory = self.source_directory
        if not self.converted:
            directory = ensure_converted(directory, spec.quantization, self.cache_dir)
        self.directory = directory
        self.tokenizer = PieceTokenizer.for_model(directory, spec.src_lang, spec.tgt_lang)
        if self.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise TranslationError("device cuda was asked for, but CTranslate2 sees no CUDA device; use --device cpu")
        try:
            self.translator = ctranslate2.Translator(
                str(directory),
                device=self.device,
                device_index=self.device_index,
                compute_type=self.compute_type,
                inter_threads=1,
                intra_threads=cpu_threads(spec.threads),
            )
        except ValueError as exc:
            raise TranslationError(
                f"CTranslate2 cannot run {directory} with compute type {self.compute_type} on {self.device} ({exc}); "
                'set compute_type in [tool.audit.translate] (e.g. "float32")'
            ) from None
        except RuntimeError as exc:
            raise TranslationError(f"cannot load the CTranslate2 model in {directory}: {exc}") from None
        self.loaded = True

    def translate(self, texts: Sequence[str]) -> list[str]:
        params = self.spec.params
        results = [""] * len(texts)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if todo and not self.loaded:
            self.load()
        tokens = [self.tokenizer.encode(texts[i], params.max_input_tokens) for i in todo]
        extra = len(self.tokenizer.target_prefix)
        prefix = [list(self.tokenizer.target_prefix)] if extra else None
        for batch in length_sorted_batches([len(t) for t in tokens], params.batch_size):
            outputs = self.translator.translate_batch(
                [tokens[b] for b in batch],
                target_prefix=prefix * len(batch) if prefix else None,
                beam_size=params.beam_size,
                length_penalty=params.length_penalty,
                max_input_length=params.max_input_tokens,
                max_decoding_length=params.max_output_tokens + extra,
                min_decoding_length=params.min_output_tokens + extra,
            )
            for b, output in zip(batch, outputs, strict=True):
                results[todo[b]] = self.tokenizer.decode(output.hypotheses[0])
        return results
