"""Per-article work on a Dask cluster (``--engine dask``): futures over partitions of the batch.

With no scheduler address, a local cluster of ``jobs`` worker processes (default: one per core) is started
and stopped with the run; with ``scheduler = "tcp://host:8786"`` the run's partitions go to that cluster.
The run's :class:`~audit.engine.RunSpec` (the configuration and analyzers) is sent once to every worker;
each worker builds its checks from it once, so lexicons and other resources are loaded once per worker,
not per article. Nothing travels through process-wide globals or environment variables, which a remote
worker would not see. Results are the same as the local engine's: the same function audits each partition,
and partitions come back in input order.

Dask's ``distributed`` scheduler is an optional dependency: ``pip install 'audit[dask]'``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Generator, Iterable
from typing import Any

from audit.engine import ArticleOutcome, BatchFound, RunSpec, audit_articles, max_jobs
from audit.model import Article

#: Seconds to wait for a remote scheduler to answer.
CONNECT_TIMEOUT = 20


class DaskEngineError(Exception):
    """Dask is missing or the cluster cannot be reached; the message says what to do."""


class DaskExecutor:
    """Runs :func:`audit.engine.audit_articles` over partitions as Dask futures, a bounded number in flight."""

    def __init__(self, scheduler: str | None = None, jobs: int = 0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise DaskEngineError(
                "--engine dask needs Dask's distributed scheduler, which is not installed: pip install 'audit[dask]'"
            ) from None
        self.cluster: Any = None
        try:
            if scheduler:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            else:
                workers = jobs if jobs > 0 else max_jobs()
                self.cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
        except (OSError, TimeoutError) as exc:
            where = scheduler or "a local cluster"
            raise DaskEngineError(f"cannot start or reach the Dask scheduler ({where}): {exc}") from None

    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def worker_pids(self) -> list[int]:
        """The process ids of the workers (for memory measurements)."""
        import os

        return sorted(self.client.run(os.getpid).values())

    def map_chunks(self, spec: RunSpec, chunks: Iterable[list[Article]]) -> Generator[list[ArticleOutcome], None, None]:
        spec_future = self.client.scatter(spec, broadcast=True)
        limit = 2 * self.workers()
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(self.client.submit(audit_articles, spec_future, chunk, pure=False))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def batch_found(self, articles: int) -> BatchFound | None:
        """None: the batch pass runs in the calling process."""
        return None

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
