"""The contract's vocabulary (contract/vocab.py) and its JSON Schema cannot drift apart, every
table keyed by that vocabulary covers it, and the contract stays at the bottom layer."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import wirewatch.contract as contract
from wirewatch.contract import (
    ARGUMENT_ROLES,
    CASUALTY_KINDS,
    CLAIM_STATUSES,
    ENTITY_KINDS,
    EVENT_STATUS,
    EVENT_TIME_PRECISIONS,
    EVENT_TYPES,
    FACTUALITIES,
    HARM_TYPES,
    INCIDENT_GROUPS,
    INCIDENT_TYPES,
    LOCAL_PRECISIONS,
    LOCATION_PRECISIONS,
    PRECISION_RANK,
    RESPONSIBILITY_MODES,
    ROLE_MODEL_TYPES,
    SPEECH_ACTS,
    STATUS_ORDER,
    TIME_PRECISIONS,
    TIME_RANK,
    VIOLENT_TYPES,
    EventType,
    Status,
    record_schema,
    span_errors,
    validation_errors,
)
from wirewatch.knowledge import load_yaml

CONTRACT_DIR = Path(contract.__file__).parent


def _prop(definition: str, *path: str) -> dict[str, Any]:
    node = record_schema()["$defs"][definition]
    for key in path:
        node = node["properties"][key] if key != "items" else node["items"]
    return node


def _enum(node: dict[str, Any]) -> set[Any]:
    """The enum of a schema node, whether it is given directly or under anyOf."""
    if "enum" in node:
        return set(node["enum"])
    found = [set(option["enum"]) for option in node.get("anyOf", ()) if "enum" in option]
    assert len(found) == 1, node
    return found[0]


@pytest.mark.parametrize(("node", "vocabulary"), [
    (("Event", "status"), STATUS_ORDER),
    (("Event", "factuality"), FACTUALITIES),
    (("Event", "type"), EVENT_TYPES),
    (("Event", "arguments", "items", "role"), ARGUMENT_ROLES),
    (("Event", "responsibility", "items", "mode"), RESPONSIBILITY_MODES),
    (("Event", "time", "precision"), (*EVENT_TIME_PRECISIONS, None)),
    (("Claim", "status"), CLAIM_STATUSES),
    (("Location", "precision"), (*LOCATION_PRECISIONS, None)),
    (("Time", "precision"), (*TIME_PRECISIONS, None)),
    (("Entity", "kind"), (*ENTITY_KINDS, None)),
])
def test_schema_enums_equal_the_vocabulary(node, vocabulary):
    definition, *path = node
    if path[:1] == ["time"]:  # Event.time is "a time or null": its precision sits under anyOf
        time = _prop(definition, "time")
        obj = next(option for option in time["anyOf"] if option.get("type") == "object")
        schema_node = obj["properties"]["precision"]
    else:
        schema_node = _prop(definition, *path)
    assert _enum(schema_node) == set(vocabulary)
    assert len(set(vocabulary)) == len(vocabulary)  # no word declared twice


def test_schema_casualty_slots_are_the_casualty_kinds():
    casualties = _prop("Event", "casualties")
    slots = [key for key in casualties["properties"] if key not in ("victim_kind", "spans")]
    assert tuple(slots) == CASUALTY_KINDS
    assert set(CASUALTY_KINDS) <= set(casualties["required"])


def test_vocabulary_holds_plain_strings():
    """Records and rows built from the constants must serialise exactly as before."""
    for name in contract.__all__:
        value = getattr(contract, name)
        if isinstance(value, (tuple, frozenset)):
            assert all(type(word) is str for word in value), name
        elif name.isupper() and hasattr(value, "items"):
            assert all(type(k) is str for k in value), name
    assert Status.REPORTED == "reported" and EventType("ASSAULT") is EventType.ASSAULT


def test_status_order_grows_in_doubt():
    assert STATUS_ORDER[0] == "asserted" and STATUS_ORDER[-1] == "denied"
    assert STATUS_ORDER.index("reported") < STATUS_ORDER.index("alleged")
    # every claim status maps onto an event status
    assert {EVENT_STATUS.get(s, s) for s in CLAIM_STATUSES} <= set(STATUS_ORDER)


def test_precision_ranks_cover_the_precisions_in_order():
    assert list(PRECISION_RANK) == list(LOCATION_PRECISIONS)
    assert sorted(PRECISION_RANK.values()) == list(PRECISION_RANK.values())
    assert set(TIME_RANK) == set(TIME_PRECISIONS)
    ranks = [TIME_RANK[p] for p in TIME_PRECISIONS]
    assert ranks == sorted(ranks) and TIME_RANK["hour"] == TIME_RANK["day"]
    assert all(PRECISION_RANK[p] <= PRECISION_RANK["admin2"] for p in LOCAL_PRECISIONS)


def test_event_type_groups_nest_as_documented():
    assert VIOLENT_TYPES < HARM_TYPES < ROLE_MODEL_TYPES <= set(EVENT_TYPES)
    assert HARM_TYPES - VIOLENT_TYPES == {"COERCE"}
    assert ROLE_MODEL_TYPES - HARM_TYPES == {"CRIME"}
    assert SPEECH_ACTS <= set(EVENT_TYPES) and not SPEECH_ACTS & HARM_TYPES
    assert INCIDENT_TYPES == set(INCIDENT_GROUPS) and INCIDENT_TYPES <= set(EVENT_TYPES)
    assert {t for t, group in INCIDENT_GROUPS.items() if group == "violence"} == VIOLENT_TYPES


def test_knowledge_files_use_the_vocabulary():
    """The lexicons name event types and casualty kinds; a typo there would never match."""
    triggers = load_yaml("triggers.yaml")
    senses = [sense for part in ("verbs", "nouns", "phrasal") for sense in triggers[part].values()]
    assert {sense["type"] for sense in senses} <= set(EVENT_TYPES)
    assert {sense["casualty"] for sense in senses if sense.get("casualty")} <= set(CASUALTY_KINDS)
    assert set(load_yaml("casualties.yaml")["slots"]) == set(CASUALTY_KINDS)
    assert set(load_yaml("acled_types.yaml")) <= set(EVENT_TYPES)
    assert set(load_yaml("cues.yaml")["verbs"]) <= set(CLAIM_STATUSES)


def test_precision_codes_cover_every_precision():
    from wirewatch.resolve.precision import (
        acled_geo_precision,
        acled_time_precision,
        gtd_specificity,
    )

    for precision in LOCATION_PRECISIONS:
        located = {"lat": 1.0, "lon": 2.0, "precision": precision}
        assert acled_geo_precision(located) in (1, 2, 3), precision
        assert gtd_specificity(located) in (1, 3, 4, 5), precision
    for precision in TIME_PRECISIONS:
        assert acled_time_precision({"value": "2016-02-23", "precision": precision}) in (1, 2, 3)


def test_validation_functions_keep_working():
    minimal = {"id": "d1", "contract_version": contract.CONTRACT_VERSION}
    errors = validation_errors(minimal)
    assert errors and all(isinstance(e, str) for e in errors)  # required lists are missing
    span = {"start": 0, "end": 5, "text": "Kabul"}
    assert span_errors({"span": span}, "Kabul was quiet") == []
    assert span_errors({"span": {**span, "text": "Kabol"}}, "Kabul was quiet") == [
        "/span: 'Kabol' != text[0:5]"]


def test_contract_imports_nothing_above_itself():
    """Bottom layer: the contract may import the standard library, jsonschema and itself."""
    for path in CONTRACT_DIR.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "wirewatch":
                    assert name.startswith("wirewatch.contract"), (path.name, name)
