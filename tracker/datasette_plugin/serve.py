"""`tracker serve`: Datasette with the tracker's plugin and settings that stay fast at a million rows.

Datasette 0.65 takes settings only from its command line (no plugin hook sets them), so the
documented `datasette` command spells the same settings out as --setting flags (SETTINGS_FLAGS).
"""

from __future__ import annotations

# Measured with benchmarks/big_db.py on 1,000,000 statements (docs/browsing.md):
SETTINGS = {
    # suggesting facets tries every column on every first page: 2.7 s a statements page, 0.8 s without
    "suggest_facets": False,
    # the configured facets of the statements page take ~230 ms on a busy machine (default 200)
    "facet_time_limit_ms": 500,
    # the CSV of 1M statements is ~450 MB; the default 100 MB cap cuts it short mid-stream
    "max_csv_mb": 0,
    # a search matching 582,115 of 1M claims sorts its matches in 1.2-2.8 s: over the default
    # 1 s it is an HTTP 400 page (the facets of such a search are sampled: sampled_facets.py)
    "sql_time_limit_ms": 4000,
}


def setting_flags() -> list[str]:
    """SETTINGS as `datasette serve` options."""
    flags = []
    for name, value in SETTINGS.items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        flags += ["--setting", name, str(value)]
    return flags


def serve(db_path: str, port: int, host: str, open_browser: bool,
          metadata: str | None = None, root: bool = False) -> None:
    """Run Datasette on db_path with the plugin and SETTINGS until interrupted; with root, it
    prints the URL that signs in as root."""
    from datasette import cli as datasette_cli
    from datasette.plugins import pm

    from .. import datasette_plugin as plugin

    if not pm.is_registered(plugin):  # run from a source tree, without the package's entry point
        pm.register(plugin, "tracker")
    args = ["serve", str(db_path), "--host", host, "--port", str(port), *setting_flags()]
    args += (["--metadata", str(metadata)] if metadata else []) + (["--root"] if root else [])
    datasette_cli.cli.main(args + (["--open"] if open_browser else []), prog_name="datasette",
                           standalone_mode=False)
