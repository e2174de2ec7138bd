"""Data files (YAML, model weights); read only through ``wirewatch.knowledge``."""
