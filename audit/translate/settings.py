"""The ``translate`` settings: which models re-translate and back-translate, on which backend and device.

In ``audit.toml`` (or ``[tool.audit.translate]`` of ``pyproject.toml``)::

    [translate]
    retranslate_model = "models/opus-mt-en-ar"     # English original -> Arabic, one more re-translation
    backtranslate_model = "models/opus-mt-ar-en"   # audited Arabic -> English, compared with the original
    backend = "ctranslate2"                        # or "transformers"
    device = "cpu"                                 # cpu, cuda, cuda:N, auto
    cache_dir = ".audit-cache"                     # default ~/.cache/audit; "" = no cache
    allow_download = false                         # hub ids are fetched only when true

The command line has the same keys as ``--retranslate-model``, ``--backtranslate-model``, ``--backend``,
``--device``, ``--cache-dir`` and ``--allow-download``; they override the file key by key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from audit.translate.base import BACKENDS, Backend, DecodingParams, TranslatorSpec


@dataclass(frozen=True)
class TranslateSettings:
    retranslate_model: str | None = None
    backtranslate_model: str | None = None
    backend: Backend = "transformers"
    device: str = "cpu"
    #: ``None`` = the default (``$XDG_CACHE_HOME/audit``); an empty string switches the cache off.
    cache_dir: str | None = None
    allow_download: bool = False
    beam_size: int = 4
    batch_size: int = 16
    max_input_tokens: int = 512
    max_output_tokens: int = 256
    quantization: str = "int8"
    compute_type: str = "default"
    threads: int = 0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> TranslateSettings:
        return cls(**validate("translate", values))

    @property
    def active(self) -> bool:
        return bool(self.retranslate_model or self.backtranslate_model)

    def params(self) -> DecodingParams:
        return DecodingParams(
            beam_size=self.beam_size,
            batch_size=self.batch_size,
            max_input_tokens=self.max_input_tokens,
            max_output_tokens=self.max_output_tokens,
        )

    def cache_path(self) -> Path | None:
        """The cache folder, or ``None`` when the cache is switched off."""
        if self.cache_dir == "":
            return None
        if self.cache_dir is None:
            from audit.translate.ct2 import default_cache_dir

            return default_cache_dir()
        return Path(self.cache_dir).expanduser()

    def spec(self, model: str, src_lang: str, tgt_lang: str) -> TranslatorSpec:
        cache = self.cache_path()
        return TranslatorSpec(
            model=model,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            backend=self.backend,
            device=self.device,
            params=self.params(),
            allow_download=self.allow_download,
            quantization=self.quantization,
            compute_type=self.compute_type,
            threads=self.threads,
            cache_dir=str(cache) if cache else None,
        )


_POSITIVE = ("beam_size", "batch_size", "max_input_tokens", "max_output_tokens")
_QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
_COMPUTE_TYPES = ("default", "auto", *_QUANTIZATIONS)


def validate(key: str, values: Any) -> dict[str, Any]:
    """Check a ``translate`` table (file or command line); raise ``ValueError`` naming the bad key."""
    if not isinstance(values, Mapping):
        raise ValueError(f"'{key}' is a table of translation settings, not {values!r}")
    known = {f.name for f in fields(TranslateSettings)}
    result: dict[str, Any] = {}
    for name, value in values.items():
        where = f"{key}.{name}"
        if name not in known:
            raise ValueError(f"unknown key '{where}'; valid keys: {', '.join(sorted(known))}")
        if name in ("retranslate_model", "backtranslate_model", "cache_dir"):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"'{where}' takes a string, not {value!r}")
            if name != "cache_dir" and not value:
                value = None
        elif name == "backend":
            if value not in BACKENDS:
                raise ValueError(f"'{where}' is one of {', '.join(BACKENDS)}, not {value!r}")
        elif name == "device":
            if not isinstance(value, str) or not (value in ("cpu", "cuda", "auto") or value.startswith("cuda:")):
                raise ValueError(f"'{where}' is cpu, cuda, cuda:N or auto, not {value!r}")
        elif name == "allow_download":
            if not isinstance(value, bool):
                raise ValueError(f"'{where}' takes true or false, not {value!r}")
        elif name in _POSITIVE or name == "threads":
            low = 0 if name == "threads" else 1
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"'{where}' takes a whole number of at least {low}, not {value!r}")
        elif name == "quantization":
            if value not in _QUANTIZATIONS:
                raise ValueError(f"'{where}' is one of {', '.join(_QUANTIZATIONS)}, not {value!r}")
        elif name == "compute_type" and value not in _COMPUTE_TYPES:
            raise ValueError(f"'{where}' is one of {', '.join(_COMPUTE_TYPES)}, not {value!r}")
        result[name] = value
    return result
