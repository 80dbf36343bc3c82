"""The registry of checks. Adding a check means one class in a module here and one line below."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from audit.checks.agreement import PersonGender
from audit.checks.base import AnyCheck, ArticleContext, BatchCheck, Check, CheckSettings, Option
from audit.checks.consistency import BatchEntitySpellingCheck, EntitySpellingCheck, GlossaryVariantCheck
from audit.checks.duplication import RepeatedBlock, RepeatedPhrase, RepeatedSentence
from audit.checks.garbled import GarbledWordCheck, JoinedWordsCheck
from audit.checks.punctuation import (
    DetachedPrefix,
    DoubledPunctuation,
    InvisibleControls,
    LatinPunctuation,
    PresentationForms,
    SpaceBeforePercent,
    SpaceBeforePunctuation,
    TatweelDash,
    UnbalancedQuotes,
)
from audit.checks.reference import (
    EngineDisagreement,
    RetranslationOmission,
    SourceAddition,
    SourceLengthRatio,
    SourceMonths,
    SourceNames,
    SourceNumbers,
    SourceOmission,
)
from audit.checks.residue import ImageFileName, PhotoCredit, ScrapedPageResidue, WireDisclaimer
from audit.checks.roundtrip import BackTranslationDrift
from audit.checks.script import BracketedInsertion, LatinName, UntranslatedText
from audit.checks.sentences import DanglingWord, SplitPhrase
from audit.checks.traps import Calque, LostNegation

REGISTRY: tuple[type[AnyCheck], ...] = (
    SourceNumbers,
    SourceMonths,
    SourceNames,
    SourceOmission,
    SourceAddition,
    SourceLengthRatio,
    EngineDisagreement,
    RetranslationOmission,
    UntranslatedText,
    LatinName,
    BracketedInsertion,
    ScrapedPageResidue,
    ImageFileName,
    WireDisclaimer,
    PhotoCredit,
    RepeatedBlock,
    RepeatedSentence,
    RepeatedPhrase,
    SpaceBeforePunctuation,
    LatinPunctuation,
    UnbalancedQuotes,
    SpaceBeforePercent,
    TatweelDash,
    DoubledPunctuation,
    DetachedPrefix,
    InvisibleControls,
    PresentationForms,
    BackTranslationDrift,
    GarbledWordCheck,
    JoinedWordsCheck,
    EntitySpellingCheck,
    BatchEntitySpellingCheck,
    GlossaryVariantCheck,
    SplitPhrase,
    DanglingWord,
    PersonGender,
    LostNegation,
    Calque,
)


def check_classes() -> dict[str, type[AnyCheck]]:
    """Every registered check by code, in code order."""
    return dict(_by_code(REGISTRY))


@lru_cache(maxsize=8)
def _by_code(registry: tuple[type[AnyCheck], ...]) -> tuple[tuple[str, type[AnyCheck]], ...]:
    return tuple((cls.code, cls) for cls in sorted(registry, key=lambda cls: cls.code))


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(prefix.upper()) for prefix in prefixes)


def build_checks(
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    settings: Mapping[str, CheckSettings | None] | None = None,
) -> list[AnyCheck]:
    """Instantiate the checks chosen by code prefixes (empty ``select`` = all), minus those switched off.

    ``settings`` maps a code to its settings, or to ``None`` when the configuration switched it off.
    """
    select, ignore, settings = tuple(select), tuple(ignore), dict(settings or {})
    checks: list[AnyCheck] = []
    for code, cls in check_classes().items():
        if select and not _matches(code, select):
            continue
        if ignore and _matches(code, ignore):
            continue
        if code in settings and settings[code] is None:
            continue
        checks.append(cls(settings.get(code)))
    return checks


__all__ = [
    "REGISTRY",
    "AnyCheck",
    "ArticleContext",
    "BatchCheck",
    "Check",
    "CheckSettings",
    "Option",
    "build_checks",
    "check_classes",
]
