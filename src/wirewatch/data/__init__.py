"""Curated knowledge files (YAML) and their cached loader."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load_yaml(name: str) -> Any:
    """Parse ``wirewatch/data/<name>`` once per process."""
    text = resources.files(__name__).joinpath(name).read_text("utf-8")
    return yaml.safe_load(text)
