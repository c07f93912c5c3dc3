"""Claim tracker: who said what in the news, extracted into SQLite and browsed with Datasette."""

from .models import EXTRACTOR_VERSION as __version__  # noqa: F401
