"""The process a local cluster's workers are forked from (`tracker extract --cluster local:N`).

`start()` launches multiprocessing's forkserver with this module as its preload: importing it
there loads spaCy and imports the worker's code once, in a process of its own, while the driver
goes on importing Dask and starting the scheduler. Each worker is then forked with the pipeline
already loaded (its memory pages shared with the others) instead of loading it after the cluster
is up. Importing this module anywhere else loads nothing.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os

# What every worker process runs with: one BLAS thread (the parser is single-threaded), and not
# Dask's default MALLOC_TRIM_THRESHOLD_: set, it turns off glibc's adaptive mmap threshold and
# the parser's arrays are mapped and unmapped on every allocation (15% more CPU an article).
ENVIRON = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
_PRELOAD = "TRACKER_FORKSERVER_PRELOAD"  # set only while the forkserver starts


def start() -> bool:
    """Start the forkserver, loading spaCy in it, if this platform has one and it is not running
    yet; False where workers must be spawned instead. The workers' ENVIRON is the forkserver's,
    so it is set here (the driver itself does no BLAS)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    os.environ.update(ENVIRON)
    multiprocessing.set_forkserver_preload([__name__])
    os.environ[_PRELOAD] = "1"
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        del os.environ[_PRELOAD]
    return True


def _preload() -> None:
    """In the forkserver: what every worker needs, loaded before the first fork. An error here
    is left to the worker, which loads the same things again and reports it."""
    try:
        import distributed.worker  # noqa: F401

        from . import cluster, pipeline  # noqa: F401
        from .nlp import load_nlp

        load_nlp()
    except Exception:
        pass


if os.environ.pop(_PRELOAD, None) == "1":
    _preload()
