"""Fixtures of the infra integration tests (see conftest_helpers)."""

from tests.integration.infra.conftest_helpers import aws, imdb_site

__all__ = ["aws", "imdb_site"]
