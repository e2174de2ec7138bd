"""Exports of stored incidents: ACLED CSV, GeoJSON, STIX 2.1, Parquet, JSONL."""
