"""The process pool of the local executor: :class:`multiprocessing.pool.Pool` without its busy wake-ups.

The standard pool's worker-minding thread waits on the workers, on the pool's own notices and on the pipe that
results arrive by. A result waiting in that pipe wakes the thread at once, again and again, until the result
thread has read it: thousands of empty turns in a run whose workers send results often, each one taking the
interpreter from the threads doing real work. The thread here waits for what it acts on: a worker exiting, or
the pool's notices (work drained, closed, terminated).
"""

from __future__ import annotations

from multiprocessing.pool import Pool
from typing import Any


class QuietPool(Pool):
    """A :class:`~multiprocessing.pool.Pool` whose worker-minding thread sleeps while results arrive."""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]
