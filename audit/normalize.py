"""Arabic normalisation for reference-based metrics, as composable steps (in the style of ``jiwer`` transforms).

Each step is a small callable value with a ``name``; :class:`Compose` chains them and is itself a step.
:func:`normalizer` builds one from step names, as written in the configuration::

    normalize = ["diacritics", "tatweel", "digits"]        # the default

Steps: ``diacritics`` (harakat, shadda, sukun, superscript alef, Quranic marks), ``tatweel`` (ـ),
``alef`` (أ إ آ ٱ -> ا), ``hamza`` (ؤ -> و, ئ -> ي, also alef forms), ``yeh`` (ى -> ي), ``teh-marbuta`` (ة -> ه),
``digits`` (٠-٩ and ۰-۹ -> 0-9, ٫ -> decimal point, ٬ -> thousands comma, ٪ -> %), ``punctuation``
(، ؛ ؟ -> , ; ?). The default removes only what a reader does not see as a different word: vowel marks,
tatweel and digit style, so a score never drops for those unless ``normalize = []`` asks for raw text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from audit.arabic.orthography import (
    ALEF_FORMS,
    HAMZA_SEATS,
    NUMBER_PUNCTUATION,
    PUNCTUATION,
    TEH_MARBUTA_FORMS,
    WESTERN_DIGIT_PAIRS,
    YEH_FORMS,
    strip_diacritics,
    strip_tatweel,
)


@dataclass(frozen=True)
class Step:
    """One normalisation step: a name and a text-to-text function."""

    name: str
    function: Callable[[str], str]

    def __call__(self, text: str) -> str:
        return self.function(text)


@dataclass(frozen=True)
class Compose:
    """Several steps applied in order; ``name`` joins theirs (``"none"`` when empty)."""

    steps: tuple[Step, ...] = ()

    @property
    def name(self) -> str:
        return "+".join(step.name for step in self.steps) or "none"

    def __call__(self, text: str) -> str:
        for step in self.steps:
            text = step(text)
        return text

    def __bool__(self) -> bool:
        return bool(self.steps)

    def apply_all(self, texts: Iterable[str]) -> list[str]:
        return [self(text) for text in texts]


def _translator(table: dict[str, str]) -> Callable[[str], str]:
    mapping = str.maketrans(table)

    def translate(text: str) -> str:
        return text.translate(mapping)

    return translate


DIGITS: dict[str, str] = dict(WESTERN_DIGIT_PAIRS)

STEPS: dict[str, Step] = {
    "diacritics": Step("diacritics", strip_diacritics),
    "tatweel": Step("tatweel", strip_tatweel),
    "alef": Step("alef", _translator(dict(ALEF_FORMS))),
    "hamza": Step("hamza", _translator(dict(ALEF_FORMS + HAMZA_SEATS))),
    "yeh": Step("yeh", _translator(dict(YEH_FORMS))),
    "teh-marbuta": Step("teh-marbuta", _translator(dict(TEH_MARBUTA_FORMS))),
    "digits": Step("digits", _translator({**DIGITS, **NUMBER_PUNCTUATION})),
    "punctuation": Step("punctuation", _translator(PUNCTUATION)),
}

DEFAULT_STEPS: tuple[str, ...] = ("diacritics", "tatweel", "digits")
ALL_STEPS: tuple[str, ...] = tuple(STEPS)


def normalizer(names: Sequence[str] = DEFAULT_STEPS) -> Compose:
    """The steps named (in the canonical order); ``"all"`` means every step; unknown names raise ``ValueError``."""
    wanted = set(ALL_STEPS) if "all" in names else set(names)
    unknown = wanted - set(STEPS)
    if unknown:
        raise ValueError(
            f"unknown normalisation step(s) {', '.join(sorted(unknown))}; valid: {', '.join(ALL_STEPS)}, all"
        )
    return Compose(tuple(STEPS[name] for name in ALL_STEPS if name in wanted))


NONE = Compose()
