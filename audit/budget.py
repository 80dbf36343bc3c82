"""A time budget per article: the checks of one article run under a deadline that grows with its length.

:func:`audit_within` runs a function (the checks of one article) under a deadline and raises
:class:`BudgetExceeded` when the process has spent the budget's CPU seconds on it. The engine turns that into an
error for the article alone: its partial findings are dropped and the batch goes on. The clock is the process's
CPU time (``ITIMER_PROF``), so a machine busy with other work does not eat an article's budget. Where no timer
exists (outside the main thread, or without ``setitimer``), the function runs without a deadline.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TypeVar

T = TypeVar("T")


class BudgetExceeded(BaseException):
    """An article's checks ran out of time. A ``BaseException``, so a check's ``except Exception`` lets it pass."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"time budget of {seconds:.1f} s exceeded")
        self.seconds = seconds


@dataclass(frozen=True)
class TimeBudget:
    """``base`` seconds per article plus ``per_million`` seconds per million characters; ``base`` 0 = no limit."""

    base: float = 10.0
    per_million: float = 10.0

    def seconds(self, characters: int) -> float:
        """The budget of an article this long, in CPU seconds (0: unlimited)."""
        if self.base <= 0:
            return 0.0
        return self.base + self.per_million * characters / 1_000_000

    def signature(self) -> str:
        return "off" if self.base <= 0 else f"{self.base:g}s+{self.per_million:g}s/Mchar"


def _timer_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def audit_within(seconds: float, run: Callable[[], T]) -> T:
    """``run()`` under a deadline of ``seconds`` of CPU time; raises :class:`BudgetExceeded` when it is spent."""
    if seconds <= 0 or not math.isfinite(seconds) or not _timer_available():
        return run()

    def expired(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(seconds)

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return run()
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


#: 10 s per article plus 10 s per million characters.
DEFAULT_BUDGET = TimeBudget()
