"""Neural machine translation for the audit: re-translation and back-translation with local models.

The public interface is small::

    from audit.translate import TranslatorSpec, build_translator

    spec = TranslatorSpec(model="models/opus-mt-ar-en", src_lang="ar", tgt_lang="en", backend="ctranslate2")
    translator = build_translator(spec, cache_dir=Path(".audit-cache"))
    translator.translate(["..."])

Backends: ``transformers`` (torch) and ``ctranslate2`` (int8 by default). Importing this package imports
neither torch, transformers nor ctranslate2; building a translator imports only what its backend needs,
and a translator loads its model only when something is not in the cache.
"""

from __future__ import annotations

from pathlib import Path

from audit.translate.base import (
    BACKENDS,
    DecodingParams,
    ModelUnavailable,
    TranslationError,
    Translator,
    TranslatorSpec,
)
from audit.translate.settings import TranslateSettings


def build_translator(spec: TranslatorSpec, cache_dir: Path | None = None) -> Translator:
    """A translator for ``spec``; with ``cache_dir`` its results go through the disk cache there.

    Raises :class:`ModelUnavailable` when the model is not on this machine and may not be downloaded,
    :class:`TranslationError` for other unusable models.
    """
    translator: Translator
    if spec.backend == "ctranslate2":
        from audit.translate.ct2 import CTranslate2Translator

        translator = CTranslate2Translator(spec, cache_dir=cache_dir)
    else:
        from audit.translate.hf import TransformersTranslator

        translator = TransformersTranslator(spec)
    if cache_dir is None:
        return translator
    from audit.translate.cache import CachedTranslator, TranslationCache

    return CachedTranslator(translator, TranslationCache(cache_dir))


__all__ = [
    "BACKENDS",
    "DecodingParams",
    "ModelUnavailable",
    "TranslateSettings",
    "TranslationError",
    "Translator",
    "TranslatorSpec",
    "build_translator",
]
