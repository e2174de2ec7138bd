"""The PolNeAR attribution scorer on hand-made cases whose scores are worked out by hand."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from wirewatch.eval.polnear import gold_attributions, match, predicted_attributions, score

TEXT = 'Smith said the plan failed badly. He added: "We lost." Jones thinks it worked.'


def span(text: str, part: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def gold(text: str, *items: tuple[str | None, list[str]], quoted: bool = False) -> dict:
    attributions = []
    for n, (source, contents) in enumerate(items):
        src = span(text, source) if source else None
        attributions.append({
            "id": f"E{n}",
            "source": {"spans": [[src["start"], src["end"]]], "text": source} if src else None,
            "cue": {"spans": [[0, 1]], "text": "x"},
            "content": {"spans": [[span(text, c)["start"], span(text, c)["end"]] for c in contents],
                        "text": " ".join(contents)},
            "content_quoted": quoted,
        })
    return {"doc_id": "d", "text": text, "attributions": attributions}


def claim(text: str, content: str, source: str | None, entity: str | None = None) -> dict:
    return {"id": "c", "span": span(text, content), "source": source or "outlet",
            "source_entity": entity, "source_span": span(text, source) if source else None,
            "cue": "said", "status": "reported"}


def quote(text: str, qid: str, content: str, speaker_span: str | None, entity: str | None,
          continues: str | None = None, cue: str = "said") -> dict:
    return {"id": qid, "span": span(text, content), "direct": True, "speaker": entity,
            "speaker_span": span(text, speaker_span) if speaker_span else None, "cue": cue,
            "continues": continues}


def test_document_scores_worked_by_hand():
    g = gold(TEXT, ("Smith", ["the plan failed badly"]), ("He", ["We lost."]),
             ("Jones", ["it worked"]))
    record = {
        "entities": [{"id": "e1", "mentions": [span(TEXT, "Smith"), span(TEXT, "He")]}],
        "quotes": [quote(TEXT, "q1", "We lost.", "Smith", "e1")],  # right through "He"
        "claims": [
            claim(TEXT, "the plan failed", "Smith"),  # overlaps 15 of the shorter 15
            claim(TEXT, "Jones thinks it worked", "Smith"),  # content right, source wrong
            claim(TEXT, "Smith", None),  # overlaps no gold content: spurious
        ],
    }
    errors: list[dict] = []
    result = score([(g, record)], errors)
    assert (result["gold"], result["predicted"]) == (3, 4)
    assert result["content"] == {"p": 0.75, "r": 1.0, "f1": 0.8571}
    assert result["exact"] == {"p": 0.25, "r": 0.3333, "f1": 0.2857}  # only "We lost."
    assert result["source_accuracy"] == 0.6667
    assert result["attribution"] == {"p": 0.5, "r": 0.6667, "f1": 0.5714}
    assert sorted(e["error"] for e in errors) == ["spurious", "wrong-source"]


def test_overlap_needs_half_of_the_shorter_span():
    text = "abcdefghij klmnopqrst"
    g = gold(text, (None, ["abcdefghij"]))
    half = {"claims": [claim(text, "fghij klmno", None)]}  # 5 of the shorter 10: a match
    less = {"claims": [claim(text, "ghij klmnop", None)]}  # 4 of 10: no match
    golds = gold_attributions(g)
    assert match(golds, predicted_attributions(half)) == [(0, 0)]
    assert match(golds, predicted_attributions(less)) == []


def test_continued_quote_parts_form_one_attribution():
    text = '"We will win," she said, "and nobody can stop us."'
    g = gold(text, ("she", ["We will win", "and nobody can stop us."]), quoted=True)
    parts = [quote(text, "q1", "We will win", "she", None),
             quote(text, "q2", "and nobody can stop us.", "she", None, continues="q1")]
    result = score([(g, {"quotes": parts})])
    assert result["predicted"] == 1
    assert result["attribution"]["f1"] == 1.0
    apart = [dict(parts[0]), {**parts[1], "continues": None}]
    assert score([(g, {"quotes": apart})])["content"] == {"p": 0.5, "r": 1.0, "f1": 0.6667}


def test_quote_embedded_in_a_claim_of_the_same_cue_is_folded():
    text = 'Smith said the plan was "a total disaster" for farmers.'
    record = {"claims": [claim(text, 'the plan was "a total disaster" for farmers', "Smith")],
              "quotes": [quote(text, "q1", "a total disaster", "Smith", None)]}
    preds = predicted_attributions(record)
    assert [p.kind for p in preds] == ["claim"]
    other_cue = {**record, "quotes": [{**record["quotes"][0], "cue": "called"}]}
    assert len(predicted_attributions(other_cue)) == 2


def test_gold_without_source():
    text = "It was reported that the talks failed."
    g = gold(text, (None, ["the talks failed"]))
    without = score([(g, {"claims": [claim(text, "the talks failed", None)]})])
    assert without["source_accuracy"] == 1.0
    named = score([(g, {"claims": [claim(text, "the talks failed", "It")]})])
    assert named["source_accuracy"] == 0.0


@pytest.mark.filterwarnings("ignore")
def test_cli_json_and_error_dump(tmp_path):
    from wirewatch.cli import app

    text = "The minister said the economy is growing fast."
    path = tmp_path / "mini.jsonl"
    record = gold(text, ("The minister", ["the economy is growing fast"]))
    path.write_text(json.dumps({**record, "primary": True}) + "\n"
                    + json.dumps({**record, "doc_id": "x", "primary": False}) + "\n")
    errors = tmp_path / "errors.jsonl"
    result = CliRunner().invoke(app, ["eval", "polnear", str(path), "--json",
                                      "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout[result.stdout.index("{"):])
    assert scores["documents"] == 1  # the non-primary annotation is left out
    assert scores["content"]["f1"] == 1.0
    assert scores["attribution"]["f1"] == 1.0
    assert errors.read_text() == ""
