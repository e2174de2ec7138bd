"""Optional dependencies: import what only an extra installs, or name the extra in one line.

The PostgreSQL driver (``postgres``) and the Parquet writer (``export``) are not needed by most
users, so they are extras. Code that needs one calls ``require``; a missing module becomes a
``MissingExtra`` whose message is the one line the CLI prints instead of a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """An optional dependency is not installed; ``str(err)`` names the extra to install."""

    def __init__(self, feature: str, module: str, extra: str) -> None:
        super().__init__(f"{feature} needs {module}, which is not installed: "
                         f"pip install 'wirewatch[{extra}]'", name=module)
        self.feature = feature
        self.extra = extra


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise ``MissingExtra`` naming the ``extra`` that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise MissingExtra(feature, module, extra) from err
