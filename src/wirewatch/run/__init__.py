"""wirewatch.run: how extraction is spread over processes and machines.

Between the public API (one process, one pipeline) and the store (one writer): ``workers``
runs the pipeline in N local processes, ``ray_engine`` on a Ray cluster. Both hand records
back in input order, exactly as ``wirewatch.api.extract_records`` would in one process, so
whatever consumes them (JSONL, the store's single writer and its incident merging) sees the
same stream whatever the engine.
"""

from wirewatch.run.engine import ENGINES, extract_stream
from wirewatch.run.workers import (
    MAX_DEFAULT_WORKERS,
    RunStats,
    default_workers,
    extract_records_parallel,
)

__all__ = ["ENGINES", "MAX_DEFAULT_WORKERS", "RunStats", "default_workers",
           "extract_records_parallel", "extract_stream"]
