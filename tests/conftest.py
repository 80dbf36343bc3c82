"""Session set-up shared by the test files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def compiled_arabic_lexicon() -> None:
    """Build the compiled Arabic lexicon and the stored word analyses once, before any test: tests that start
    ``audit`` in a subprocess with a time limit then find them in the cache instead of building them inside their
    limit."""
    from audit.arabic.compiled import compiled_lexicon
    from audit.arabic.lexicon import load_lexicon
    from audit.checks.garbled import word_analyst

    if compiled_lexicon() is not None:
        word_analyst(load_lexicon()).open_stored()
