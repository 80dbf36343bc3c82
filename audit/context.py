"""The article as checks and analysers see it: text, segmentation, references and a per-article memo.

It sits below the checks and the reference machinery, which both read it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, cast

from audit.model import Article
from audit.text import Document

if TYPE_CHECKING:
    from audit.config import Config

T = TypeVar("T")


class ArticleContext:
    """One article as the checks see it: the text, its segmentation and the optional references.

    ``config`` is the run's configuration (``None`` outside a run): settings that are not one check's
    options, such as how articles are aligned with references, are read from it.
    """

    def __init__(self, article: Article, config: Config | None = None) -> None:
        self.article = article
        self.config = config
        self.text = article.text
        self.doc = Document(article.text)
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[ArticleContext], T]) -> T:
        """A per-article analysis computed once and shared by every check that asks for ``key``."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return cast(T, self._memo[key])

    @property
    def language_id(self) -> str:
        """The language identifier the run asks for (the ``language_id`` setting; ``auto`` outside a run)."""
        return self.config.language_id if self.config is not None else "auto"

    @cached_property
    def source_doc(self) -> Document | None:
        return Document(self.article.source) if self.article.source else None

    @property
    def has_source(self) -> bool:
        return bool(self.article.source)

    @property
    def has_retranslations(self) -> bool:
        return bool(self.article.retranslations)
