"""Grounding in the world: places against the gazetteer, time expressions against the
publication date, precision codes. Pure logic; the components in ``wirewatch.pipeline``
wrap it."""
