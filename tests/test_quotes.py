"""Direct quotes: every quote-mark layout, speakers through pronouns, scare quotes, the seed."""

from __future__ import annotations

import pytest

import wirewatch.extract.quotes  # noqa: F401  (registers the factory)
from wirewatch.extract.quotes import paragraphs
from wirewatch.nlp.model import load_base_model
from wirewatch.nlp.spans import source_text

QUOTE_KEYS = {"id", "span", "direct", "speaker", "speaker_span", "cue",
              "speaker_mention", "continues", "via", "speaker_kind"}  # the last four: extensions


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
    [q] = quotes(nlp, "Maria Lopez arrived.\n\nWe planned the attack for many months,” she said.")
    assert q["span"]["text"] == "We planned the attack for many months"
    assert speaker_text(q) == "Maria Lopez"
    assert quotes(nlp, "We planned the attack for many months” and then it came.") == []


def test_closing_mark_after_narration_is_no_quote(nlp):
    """The writer's description of a video, closed by a stray mark and "he states", is
    neither the speaker's quote nor his claim (the seed article's last video paragraph)."""
    text = ("He further states: “We will fight on.”\n\n"
            "The video ends with an execution of a man who is shot by a fighter,” he states.")
    found = quotes(nlp, text)
    assert [q["span"]["text"] for q in found] == ["We will fight on."]
    from wirewatch.extract.claims import ClaimFinder

    claims, _ = ClaimFinder().find(nlp(text))
    assert not any("execution" in c["span"]["text"] for c in claims)


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
    """With ``ww_token_entity`` set, the speaker a pronoun stands for maps to its entity and
    first named mention (the person the story follows: here the one named before)."""
    text = "Abu Yasser appeared in the video. The video was long. He said: “We will strike soon.”"
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


# -- layouts added with the PolNeAR work: parts of one speech, signatures, odd marks ----------


def test_split_quote_parts_are_linked(nlp):
    first, second = quotes(nlp, "“We will win,” Maria Lopez said, “and nobody can stop us now.”")
    assert first["continues"] is None
    assert second["continues"] == first["id"]
    assert speaker_text(second) == "Maria Lopez"


def test_multi_paragraph_parts_are_linked(nlp):
    text = (
        "Ahmed Khalil gave a long speech.\n\n"
        "“We have fought for years in these mountains.\n\n"
        "“We will keep fighting until the end,” he said."
    )
    first, second = quotes(nlp, text)
    assert second["continues"] == first["id"]
    assert speaker_text(first) == "Ahmed Khalil"


def test_consecutive_quotes_share_the_trailing_cue(nlp):
    text = ('"These are strange days," "I do not know what comes next for the mines," '
            "said Peter Morgan, a lawyer for the club.")
    first, second = quotes(nlp, text)
    assert speaker_text(first) == speaker_text(second) == "Peter Morgan"
    assert second["continues"] == first["id"]


def test_long_speaker_description_after_the_cue(nlp):
    text = ('"It was a spectacular deal for the company," said Patrick Brown, a law professor '
            "at a university in the state who has followed the case for many years.")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Patrick Brown"


def test_cue_interrupted_by_a_relative_clause_keeps_the_speech(nlp):
    text = ('"These are strange days," said Peter Morgan, who has fought the mines for years. '
            '"I am skeptical he can pull it off."')
    first, second = quotes(nlp, text)
    assert second["continues"] == first["id"]
    assert speaker_text(second) == "Peter Morgan"


def test_dash_signature_names_the_speaker(nlp):
    [q] = quotes(nlp, "“We need a president who listens to all of us.” ― Carla Sanchez")
    assert q["span"]["text"] == "We need a president who listens to all of us."
    assert speaker_text(q) == "Carla Sanchez"
    assert q["cue"] == "―"


def test_closing_mark_used_as_opening_mark(nlp):
    [q] = quotes(nlp, "”Fear is everywhere in the city now,” said Jane Doe.")
    assert q["span"]["text"] == "Fear is everywhere in the city now"
    assert speaker_text(q) == "Jane Doe"


def test_speaker_mention_is_the_local_pronoun(nlp):
    [q] = quotes(nlp, "Maria Lopez visited.\n\n“We will win this war,” she said.")
    assert speaker_text(q) == "Maria Lopez"
    assert q["speaker_mention"]["text"] == "she"


def test_cue_and_colon_ending_the_previous_paragraph(nlp):
    text = ("It was a long night.\n\nThe New York Times reports:\n\n"
            '"Just 24 percent of the contributors to the campaign gave less than that."')
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "The New York Times"
    assert q["cue"] == "reports"


def test_quoted_transcript_turns_name_their_speakers(nlp):
    text = ('"PENCE: Well, the question really should be why she invited him."\n\n'
            '"WALLACE: Do you really see those two as equivalent?"')
    first, second = quotes(nlp, text)
    assert (speaker_text(first), speaker_text(second)) == ("PENCE", "WALLACE")
    assert first["span"]["text"] == "Well, the question really should be why she invited him."


def test_any_verb_after_a_comma_closed_quote_is_the_cue(nlp):
    [q] = quotes(nlp, "“Go back to Univision,” Trump barked at the reporter.")
    assert speaker_text(q) == "Trump"
    assert q["cue"] == "barked"


def test_phrasal_verb_before_a_colon(nlp):
    [q] = quotes(nlp, "Bozell points out: “There were some of us who thought so until recently.”")
    assert speaker_text(q) == "Bozell"


def test_clause_with_a_subject_before_a_colon_introduces_the_quote(nlp):
    text = ("In a later interview, Trump went even further: “If he goes forward and loses, it "
            "is the end of his career.”")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Trump"
    assert q["cue"] == "went"


def test_colon_head_after_a_dash(nlp):
    text = "Pollsters agree - More from Jane Doe: “Our data confirm that both issues were in play.”"
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Jane Doe"


def test_pronoun_speaker_is_the_person_the_story_follows(nlp):
    """"he said" after a quote naming someone else is the subject's, not the nearest name's."""
    text = ("Keegan sympathised with Norwich boss Nigel Worthington afterwards. "
            "“I feel a bit for Nigel Worthington,” he said.")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Keegan"
    text = ("Mr Kennedy visits Dorset and Torbay. He said: “This is three-party politics.”")
    [q] = quotes(nlp, text)
    assert "Kennedy" in speaker_text(q)


def test_attribution_after_the_quote_by_a_judgement_or_a_document(nlp):
    """“...,” is the dry assessment of X; “...,” reads a memo: the noun's owner, the document."""
    text = ("“The electorate are keener on the government than some party members,” is the dry "
            "assessment of Graham Lane, leader of the Labour group.")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Graham Lane"
    text = ("“Jeremy said he was encountering a rather embarrassing problem,” reads a telephone "
            "memo for Mr Heath.")
    [q] = quotes(nlp, text)
    assert "memo" in speaker_text(q)


def test_quoted_phrase_inside_reported_speech_is_the_reporters(nlp):
    """A quoted subject of reported content, or a second speech verb the parser joined to the
    reported clause, belongs to the reporter -- not to the reported clause's subject."""
    text = ("The “best person for the job” should be appointed lord chancellor, and not "
            "necessarily a lawyer or MP, the courts minister has told MPs.")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "the courts minister"
    text = ("The Tory leader said his front bench team had reached a view after holding a good "
            "discussion, but admitted it was “not an easy issue”.")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "The Tory leader"


def test_own_voice_quote_after_reported_speech_in_its_paragraph(nlp):
    """A first-person quote opening a sentence right after reported speech (a speech verb or
    "according to X") goes on with that speaker; a quote after narration gets none."""
    text = ("After the meeting, Mr Fox said being able to close premises did not make an impact. "
            "“If it's 12.30 on a Saturday morning there's not a lot of pain for us.”")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Fox"
    text = ("The problem, according to Mr Lane, is not Iraq but Mr Blair himself. "
            "“I have a new slogan. That's what I am telling people on the doorstep.”")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Mr Lane"
    text = ("The council met on Monday to discuss the budget for the coming year. "
            "“I have a new slogan. That's what I am telling people on the doorstep.”")
    [q] = quotes(nlp, text)
    assert q["speaker"] is None and q["speaker_span"] is None


def test_he_is_a_titled_person_not_an_organisation(nlp):
    """"Mr Cable" (which NER may tag an organisation) is the person a later "he" speaks for,
    not the party named before."""
    text = ("The plan forms part of a wider Lib Dems policy to help first time buyers.\n\n"
            "Under the proposals, the average saving would be more than £1,000, according to "
            "Mr Cable. “First time buyers are being squeezed out of the market,” he said.")
    [q] = quotes(nlp, text)
    assert "Cable" in speaker_text(q)


def test_speaker_names_the_parser_hangs_elsewhere(nlp):
    """A name right before "said" that the parser made a participle's object, and a speech
    verb parsed as modifying the name before it, still name the speaker."""
    text = ("The Conservatives insisted on it.\n\nSpeaking in Harrogate Mr Kennedy said: “People "
            "want a credible, principled political party.”")
    [q] = quotes(nlp, text)
    assert speaker_text(q) == "Kennedy"
    text = ("Writer Neil Coppendale, from West Sussex, asked of the Iraq war: “Tens of thousands of "
            "innocent men, women and children died - how do you manage to sleep at night?”")
    [q] = quotes(nlp, text)
    assert "Coppendale" in speaker_text(q)
