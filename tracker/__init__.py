"""Claim tracker: who said what in the news, extracted into SQLite and browsed with Datasette."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("claim-tracker")  # the one release number: pyproject.toml's
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
