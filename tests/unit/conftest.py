from __future__ import annotations

import pytest

from generator.sources import SourceRegistry, load_sources

from .helpers import CONTENT_DIR


@pytest.fixture(scope="session")
def registry() -> SourceRegistry:
    """The project's real outlet registry (content/sources.toml)."""
    return load_sources(CONTENT_DIR)
