"""The optional relevance gate: documents without a cue skip the event stages and say so;
documents with one get exactly the events they get without the gate."""

from __future__ import annotations

from wirewatch.api import Document, extract_records, load_pipeline
from wirewatch.pipeline.gate import GATE_NOTE, GATE_TEXT_NOTE

TEXTS = {
    "violent": "Gunmen killed two police officers in Kano on Monday, officials said.",
    "weak": "A drone strike hit a convoy near Marib, killing three fighters.",
    "business": "The company hit its sales target and shares rose 4% on Monday.",
    "sport": "The striker scored twice as the club won the cup final on Saturday.",
    "markets": "Shares in Tokyo rose on Monday as the yen weakened against the dollar.",
}


def records(gate: bool) -> dict[str, dict]:
    docs = [Document(id=key, text=text, published="2024-05-06") for key, text in TEXTS.items()]
    return {r["id"]: r for r in extract_records(docs, gate=gate)}


def test_gate_is_off_by_default_and_placed_before_events() -> None:
    assert "wirewatch_gate" not in load_pipeline().pipe_names
    nlp = load_pipeline(gate=True)
    names = nlp.pipe_names
    assert names.index("wirewatch_gate") == names.index("wirewatch_events") - 1
    assert not any(nlp.analyze_pipes()["problems"].values())


def test_gate_skips_documents_without_a_cue_and_keeps_the_others_unchanged() -> None:
    plain, gated = records(False), records(True)
    for key in ("business", "sport"):  # "hit", "target": weak words, no harm
        assert gated[key]["events"] == [] and GATE_NOTE in gated[key]["note"]
        assert GATE_NOTE not in (plain[key].get("note") or "")
    for key in ("violent", "weak"):
        assert gated[key] == plain[key] and gated[key]["events"]


def test_text_without_a_cue_word_skips_the_whole_pipeline() -> None:
    plain, gated = records(False), records(True)
    record = gated["markets"]
    assert plain["markets"]["locations"]  # Tokyo, when analysed
    assert record["note"] == GATE_TEXT_NOTE and record["language"] == "en"
    assert all(record[name] == [] for name in ("entities", "events", "locations", "times"))
    assert record["text_sha256"] == plain["markets"]["text_sha256"]
    assert GATE_TEXT_NOTE not in (gated["business"].get("note") or "")  # "hit": parsed


def test_every_step_of_the_gated_pipeline_has_words_for_its_errors():
    """A failing document's error names the step in words, the gate's included."""
    from wirewatch.api import load_pipeline
    from wirewatch.pipeline.isolate import STEP_WORDS

    assert set(load_pipeline(gate=True).pipe_names) <= set(STEP_WORDS)
