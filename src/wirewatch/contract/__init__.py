"""The output contract: the JSON Schema, its vocabulary, and record validation."""

from wirewatch.contract.validate import (
    CONTRACT_VERSION,
    record_schema,
    span_errors,
    validation_errors,
)

__all__ = ["CONTRACT_VERSION", "record_schema", "span_errors", "validation_errors"]
