"""Direct quotes: every quote-mark layout, speakers through pronouns, scare quotes, the seed."""

from __future__ import annotations

import pytest

import wirewatch.extract.quotes  # noqa: F401  (registers the factory)
from wirewatch.extract.quotes import paragraphs
from wirewatch.nlp.model import load_base_model
from wirewatch.spans import source_text

QUOTE_KEYS = {"id", "span", "direct", "speaker", "speaker_span", "cue"}


@pytest.fixture(scope="module")
def nlp():
    model = load_base_model()
    model.add_pipe("wirewatch_quotes")
    return model


def quotes(nlp, text):
    doc = nlp(text)
    assert_spans_consistent(doc)
    return doc._.ww_quotes


def assert_spans_consistent(doc):
    text = source_text(doc)
    for n, q in enumerate(doc._.ww_quotes, 1):
        assert set(q) == QUOTE_KEYS
        assert q["id"] == f"q{n}"
        assert q["direct"] is True
        for span in (q["span"], q["speaker_span"]):
            if span is not None:
                assert span["text"] == text[span["start"] : span["end"]]
        for mark in '“”"‘’':
            assert not q["span"]["text"].startswith(mark)
            assert not q["span"]["text"].endswith(mark)


def speaker_text(q):
    return q["speaker_span"]["text"] if q["speaker_span"] else None


def test_curly_quote_with_trailing_cue(nlp):
    [q] = quotes(nlp, "“We will not surrender,” the commander said.")
    assert q["span"]["text"] == "We will not surrender"
    assert speaker_text(q) == "the commander"
    assert q["cue"] == "said"


def test_straight_quote_with_inverted_cue(nlp):
    text = '"We will fight them everywhere," said John Smith, a spokesman for the militia.'
    [q] = quotes(nlp, text)
    assert q["span"]["text"] == "We will fight them everywhere"
    assert speaker_text(q) == "John Smith"


def test_single_quotes_as_quotes(nlp):
    [q] = quotes(nlp, "‘We are not afraid of them,’ Maria Lopez told the BBC.")
    assert q["span"]["text"] == "We are not afraid of them"
    assert speaker_text(q) == "Maria Lopez"
    assert q["cue"] == "told"


def test_apostrophes_and_scare_quotes_are_not_quotes(nlp):
    text = (
        "Russia’s army says it doesn’t need the soldiers’ help in the ‘province’ "
        "or from the “Caliph” of the group, which it calls a “terror network.”"
    )
    assert quotes(nlp, text) == []


def test_colon_introduced_quote_resolves_pronoun(nlp):
    text = (
        "Colonel Ahmed Khalil spoke to reporters on Monday.\n\n"
        "He further states: “Today we do not have a place to rest.”"
    )
    [q] = quotes(nlp, text)
    assert q["span"]["text"] == "Today we do not have a place to rest."
    assert speaker_text(q) == "Ahmed Khalil"
    assert q["cue"] == "states"


def test_quote_split_by_cue_keeps_speaker(nlp):
    text = "Maria Lopez visited the camp.\n\n“We will win,” she said, “and nobody can stop us now.”"
    first, second = quotes(nlp, text)
    assert first["span"]["text"] == "We will win"
    assert second["span"]["text"] == "and nobody can stop us now."
    assert speaker_text(first) == speaker_text(second) == "Maria Lopez"


def test_quote_after_cue_sentence_in_same_paragraph(nlp):
    first, second = quotes(
        nlp, '"We will not surrender," the commander said. "Our fighters are ready."'
    )
    assert second["span"]["text"] == "Our fighters are ready."
    assert speaker_text(second) == speaker_text(first) == "the commander"


def test_multi_paragraph_quote_with_cue_at_the_end(nlp):
    text = (
        "Ahmed Khalil gave a long speech.\n\n"
        "“We have fought for years in these mountains.\n\n"
        "“We will keep fighting until the end,” he said."
    )
    first, second = quotes(nlp, text)
    assert first["span"]["text"] == "We have fought for years in these mountains."
    assert second["span"]["text"] == "We will keep fighting until the end"
    assert speaker_text(first) == speaker_text(second) == "Ahmed Khalil"


def test_multi_paragraph_quote_with_cue_at_the_start(nlp):
    text = (
        "Ahmed Khalil said: “We have fought for years in these mountains.\n\n"
        "“Yes, to the end.”\n\n"
        "The crowd cheered."
    )
    first, second = quotes(nlp, text)
    assert second["span"]["text"] == "Yes, to the end."  # short, but it continues a speech
    assert speaker_text(first) == speaker_text(second) == "Ahmed Khalil"
    assert "crowd" not in second["span"]["text"]


def test_quote_only_paragraphs_continue_the_speaker(nlp):
    text = (
        "Ahmed Khalil addressed the crowd. He added: “We will take the city before winter.”\n\n"
        "“Nobody will stop us.”\n\n"
        "“Our brothers are ready.”\n\n"
        "Maria Lopez, a resident, was unimpressed: “They say this every year,” she said."
    )
    found = quotes(nlp, text)
    assert [speaker_text(q) for q in found] == ["Ahmed Khalil"] * 3 + ["Maria Lopez"]


def test_unclosed_quote_runs_to_end_of_paragraph(nlp):
    text = (
        "The spokesman said: “We will never give up the fight for our land\n\n"
        "The army has not commented on the statement."
    )
    [q] = quotes(nlp, text)
    assert q["span"]["text"] == "We will never give up the fight for our land"
    assert speaker_text(q) == "The spokesman"


def test_closing_mark_without_opening_needs_a_cue(nlp):
    [q] = quotes(nlp, "Maria Lopez arrived.\n\nThe attack was planned for many months,” she said.")
    assert q["span"]["text"] == "The attack was planned for many months"
    assert speaker_text(q) == "Maria Lopez"
    assert quotes(nlp, "The attack was planned for many months” and then it came.") == []


@pytest.mark.parametrize(
    "text",
    ["", "“", "”", "'", "‘’", '"""', "It \" was ' odd “ ” ‘ and ’", "“\n\n”\n\n“"],
)
def test_stray_marks_do_not_crash(nlp, text):
    found = quotes(nlp, text)
    assert all(q["span"]["text"].strip() for q in found)


def test_colon_head_names_the_speaker(nlp):
    [q] = quotes(nlp, "Abu Yasser: “Come to the province and fight with us.”")
    assert speaker_text(q) == "Abu Yasser"
    assert q["cue"] is None


def test_according_to_after_quote(nlp):
    [q] = quotes(nlp, "“The situation in the city is catastrophic,” according to the Red Cross.")
    assert speaker_text(q) == "the Red Cross"
    assert q["cue"] == "according to"


def test_speaker_resolved_through_entities_component(nlp):
    """With ``ww_token_entity`` set, the pronoun maps to its entity and first named mention."""
    text = "Abu Yasser appeared in the video. John Smith watched. He said: “We will strike soon.”"
    doc = nlp(text, disable=["wirewatch_quotes"])
    he = next(t for t in doc if t.text == "He")
    name = doc.text.index("Abu Yasser")
    doc._.ww_entities = [
        {
            "id": "e1",
            "name": "Abu Yasser",
            "mentions": [
                {"start": name, "end": name + 10, "text": "Abu Yasser"},
                {"start": he.idx, "end": he.idx + 2, "text": "He"},
            ],
        }
    ]
    doc._.ww_token_entity = {0: "e1", 1: "e1", he.i: "e1"}
    [q] = nlp.get_pipe("wirewatch_quotes")(doc)._.ww_quotes
    assert q["speaker"] == "e1"
    assert q["speaker_span"] == {"start": name, "end": name + 10, "text": "Abu Yasser"}


def test_paragraphs_split_on_blank_lines_or_lines():
    assert paragraphs("a b\nc\n\n  d\n") == [(0, 5), (9, 10)]
    assert paragraphs("a\nb") == [(0, 1), (2, 3)]


def test_seed_article(nlp, shared_dir):
    text = (shared_dir / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    assert_spans_consistent(doc)
    found = doc._.ww_quotes
    by_start = {q["span"]["text"][:40]: q for q in found}
    for opening in (
        "Today we do not have a place where we ca",
        "If someone does not find us, he shall st",
        "I would like to tell all the brothers in",
    ):
        assert speaker_text(by_start[opening]) == "Abu Yasser", opening
    assert any(q["span"]["text"].startswith("target the apostates") for q in found)
    scare = {
        "province",
        "Caliph",
        "apostate",
        "Caucasus Province",
        "Russian spy",
        "Putin the Apostate",
    }
    assert not [q for q in found if q["span"]["text"].strip(".,") in scare]
