"""wirewatch: news reports in, sourced and geocoded political-violence events out."""

__version__ = "0.1.0"
