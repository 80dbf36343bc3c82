"""Session set-up shared by the test files."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def compiled_arabic_lexicon() -> None:
    """Build the compiled Arabic lexicon once, before any test: tests that start ``audit`` in a subprocess with a
    time limit then find it in the cache instead of building it inside their limit."""
    from audit.arabic.compiled import compiled_lexicon

    compiled_lexicon()
