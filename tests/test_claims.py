"""Attributed indirect statements (claims) and per-sentence attribution, on built sentences."""

from __future__ import annotations

import pytest

import wirewatch.extract.claims  # noqa: F401  (registers the factories)
import wirewatch.extract.quotes  # noqa: F401
from wirewatch.extract.attribution import sentence_attribution
from wirewatch.knowledge.cues import load_cues
from wirewatch.nlp.model import load_base_model
from wirewatch.nlp.spans import source_text

CLAIM_KEYS = {"id", "span", "source", "source_entity", "source_span", "cue", "status",
              "source_mention", "via", "source_kind"}  # the last three: documented extensions


@pytest.fixture(scope="module")
def nlp():
    model = load_base_model()
    model.add_pipe("wirewatch_quotes")
    model.add_pipe("wirewatch_claims")
    return model


def run(nlp, text, outlet=None):
    doc = nlp.make_doc(text)
    doc._.ww_outlet = outlet
    doc = nlp(doc)
    text = source_text(doc)
    for n, c in enumerate(doc._.ww_claims, 1):
        assert set(c) == CLAIM_KEYS
        assert c["id"] == f"c{n}"
        for span in (c["span"], c["source_span"]):
            if span is not None:
                assert span["text"] == text[span["start"] : span["end"]]
    return doc


def claims(nlp, text, outlet=None):
    return run(nlp, text, outlet)._.ww_claims


def only(nlp, text, outlet=None):
    found = claims(nlp, text, outlet)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "source", "cue", "content", "status"),
    [
        (
            "Officials told Reuters that the attack had been planned for weeks.",
            "Officials",
            "told",
            "that the attack had been planned for weeks",
            "reported",
        ),
        (
            "The army said two soldiers were wounded in the ambush.",
            "The army",
            "said",
            "two soldiers were wounded in the ambush",
            "reported",
        ),
        (
            "The Guardian notes that the militia has recruited hundreds of fighters.",
            "The Guardian",
            "notes",
            "that the militia has recruited hundreds of fighters",
            "reported",
        ),
        (
            "Analysts estimate that the group has at least 2,000 members.",
            "Analysts",
            "estimate",
            "that the group has at least 2,000 members",
            "estimated",
        ),
        (
            "The group claimed responsibility for the bombing.",
            "The group",
            "claimed",
            "responsibility for the bombing",
            "claimed",
        ),
        (
            "Police denied that officers had fired on the crowd.",
            "Police",
            "denied",
            "that officers had fired on the crowd",
            "denied",
        ),
        (
            "The rebels denied any involvement in the massacre.",
            "The rebels",
            "denied",
            "any involvement in the massacre",
            "denied",
        ),
        (
            "Witnesses alleged that soldiers beat detainees.",
            "Witnesses",
            "alleged",
            "that soldiers beat detainees",
            "alleged",
        ),
        (
            "Human rights groups accused the army of killing civilians.",
            "Human rights groups",
            "accused",
            "the army of killing civilians",
            "alleged",
        ),
    ],
)
def test_reporting_verbs(nlp, text, source, cue, content, status):
    claim = only(nlp, text)
    assert claim["source"] == source
    assert claim["source_span"]["text"] == source
    assert claim["cue"] == cue
    assert claim["span"]["text"] == content
    assert claim["status"] == status


def test_according_to(nlp):
    text = "According to the Syrian Observatory for Human Rights, 12 civilians died in the strike."
    claim = only(nlp, text)
    assert claim["source"] == "the Syrian Observatory for Human Rights"
    assert claim["cue"] == "according to"
    assert claim["status"] == "reported"
    assert claim["span"]["text"] == "12 civilians died in the strike"


def test_participle_shares_the_subject(nlp):
    text = "The ministry claimed the strike, saying it had destroyed three rebel camps."
    found = {c["cue"]: c for c in claims(nlp, text)}
    assert found["saying"]["source"] == "The ministry"
    assert found["saying"]["span"]["text"] == "it had destroyed three rebel camps"
    assert found["claimed"]["status"] == "claimed"


def test_pronoun_source_resolves_to_named_person(nlp):
    text = "Ahmed Khalil spoke on Monday. He said the convoy had been attacked near the border."
    claim = only(nlp, text)
    assert claim["source"] == "Ahmed Khalil"
    assert claim["source_span"]["text"] == "Ahmed Khalil"


def test_unconfirmed_without_a_source_falls_back_to_the_outlet(nlp):
    text = "The attack could not be independently verified."
    claim = only(nlp, text, outlet="Wire Daily")
    assert claim["status"] == "unconfirmed"
    assert claim["source"] == "Wire Daily"
    assert claim["source_span"] is None
    assert claim["span"]["text"] == "The attack"
    assert only(nlp, text)["source"]  # no outlet: still a non-empty source name


def test_unconfirmed_adjective(nlp):
    claim = only(nlp, "Reports of a second explosion remain unconfirmed.")
    assert claim["status"] == "unconfirmed"
    assert claim["span"]["text"] == "Reports of a second explosion"


def test_unconfirmed_takes_over_the_reporting_verb(nlp):
    text = "The ministry said the execution had not been officially confirmed."
    claim = only(nlp, text)
    assert claim["status"] == "unconfirmed"
    assert claim["source"] == "The ministry"
    assert "execution" in claim["span"]["text"]


def test_direct_quotes_and_quoted_speech_are_not_claims(nlp):
    text = (
        "“We will win this war,” the commander said.\n\n"
        "He added: “Officials told us that the war is over.”"
    )
    assert claims(nlp, text) == []


def test_negated_cues_and_plain_narration_are_not_claims(nlp):
    assert claims(nlp, "Police did not say whether anyone was hurt.") == []
    assert claims(nlp, "The soldiers crossed the river at dawn.") == []


def test_source_entity_from_entities_component(nlp):
    text = "The Islamic State released a video. The group claims that it killed ten soldiers."
    doc = nlp(text, disable=["wirewatch_claims"])
    group = next(t for t in doc if t.text == "group")
    doc._.ww_entities = [
        {
            "id": "e1",
            "name": "Islamic State",
            "mentions": [
                {"start": 0, "end": 17, "text": "The Islamic State"},
                {"start": group.idx - 4, "end": group.idx + 5, "text": "The group"},
            ],
        }
    ]
    doc._.ww_token_entity = {0: "e1", 1: "e1", 2: "e1", group.i - 1: "e1", group.i: "e1"}
    [claim] = nlp.get_pipe("wirewatch_claims")(doc)._.ww_claims
    assert claim["source_entity"] == "e1"
    assert claim["source"] == "Islamic State"
    assert claim["source_span"]["text"] == "The Islamic State"
    assert claim["status"] == "claimed"


def test_cues_lexicon_statuses():
    cues = load_cues()
    expected = {
        "say": "reported",
        "estimate": "estimated",
        "claim": "claimed",
        "deny": "denied",
        "allege": "alleged",
    }
    assert {lemma: cues.verb_status[lemma] for lemma in expected} == expected
    assert {"reportedly", "allegedly", "supposedly"} <= cues.hedges


@pytest.mark.parametrize(
    ("text", "status", "source"),
    [
        ("Newsweek reports that the militants seized the town.", "reported", "Newsweek"),
        ("According to police, the militants seized the town.", "reported", "police"),
        ("Officials estimate that 40 people died.", "reported", "Officials"),
        ("The video claims to show the execution of a spy.", "claimed", "The video"),
        ("Gunmen reportedly stormed the hotel overnight.", "alleged", None),
        ("The killing has not been confirmed.", "unconfirmed", None),
        ("The army denied that it shelled the village.", "denied", "The army"),
        ("Witnesses accused the police of beating protesters.", "alleged", "Witnesses"),
    ],
)
def test_sentence_attribution(nlp, text, status, source):
    doc = nlp(text)
    found = sentence_attribution(next(iter(doc.sents)))
    assert found is not None
    assert found["status"] == status
    assert found["source"] == source
    assert set(found) >= {"status", "source", "source_span", "cue"}


def test_sentence_attribution_none_and_quotes(nlp):
    doc = nlp("Militants attacked a checkpoint near the city on Monday.")
    assert sentence_attribution(next(iter(doc.sents))) is None
    doc = nlp("He said: “Officials told us that the war is over and we have won.”")
    found = sentence_attribution(next(iter(doc.sents)))
    assert found is not None and found["cue"] == "said"  # not "told", which is quoted


def test_seed_article(nlp, shared_dir):
    text = (shared_dir / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    found = claims(nlp, text)
    by_cue = {c["cue"]: c for c in found}
    estimate = by_cue["estimate"]
    assert estimate["source"] == "Russian officials"
    assert estimate["status"] == "estimated"
    assert "at least 1,000 Russian members" in estimate["span"]["text"]
    reports = [c for c in found if c["source"] == "Newsweek"]
    assert len(reports) == 1 and reports[0]["status"] == "reported"
    assert reports[0]["span"]["text"].startswith("that Russian state security")
    unconfirmed = [c for c in found if c["status"] == "unconfirmed"]
    assert len(unconfirmed) == 1 and "execution" in unconfirmed[0]["span"]["text"]


# -- indirect speech layouts and stance (PolNeAR-style attribution) ----------------------------


@pytest.mark.parametrize(
    ("text", "source", "cue", "content"),
    [
        ("The economy is growing faster than expected, the minister said.",
         "the minister", "said", "The economy is growing faster than expected"),
        ("Clinton wants to triple the size of the national service program.",
         "Clinton", "wants", "to triple the size of the national service program"),
        ("The senator called for a ban on assault weapons.",
         "The senator", "called", "a ban on assault weapons"),
        ("Senator Smith criticized the health law as a crazy system.",
         "Senator Smith", "criticized", "the health law as a crazy system"),
        ("He claimed that paying no taxes was smart, although he refused to say more.",
         "He", "claimed", "that paying no taxes was smart"),
    ],
)
def test_inverted_and_stance_cues(nlp, text, source, cue, content):
    found = {c["cue"]: c for c in claims(nlp, text)}
    claim = found[cue]
    assert claim["source"] in source  # the name ("Smith") or the phrase itself
    assert claim["span"]["text"] == content
    assert claim["source_mention"]["text"] == source


def test_cue_after_two_clauses_takes_both(nlp):
    text = ("Clinton had told police officials that she didn't want the escort at all, but the "
            "city overruled that request, the source added.")
    claim = {c["cue"]: c for c in claims(nlp, text)}["added"]
    assert claim["source"] == "the source"
    assert claim["span"]["text"].startswith("Clinton had told police officials")
    assert claim["span"]["text"].endswith("overruled that request")


def test_stance_inside_reported_content_is_part_of_it(nlp):
    [claim] = claims(nlp, "The mayor said she plans to run again next year.")
    assert claim["cue"] == "said"
    assert claim["span"]["text"] == "she plans to run again next year"


def test_noun_cue_with_possessor(nlp):
    claim = only(nlp, "Trump's claim that thousands of shootings happened this year was false.")
    assert claim["source"] == "Trump"
    assert claim["cue"] == "claim"
    assert claim["span"]["text"] == "that thousands of shootings happened this year"


def test_relative_pronoun_is_the_local_mention(nlp):
    text = "David Kamin, who emphasized that the plan is simple, spoke on Monday."
    claim = only(nlp, text)
    assert claim["source"] == "David Kamin"
    assert claim["source_mention"]["text"] == "who"


def test_transcript_speaker_label(nlp):
    claim = only(nlp, "WALLACE: Let us start with the breaking news about the debate.")
    assert claim["source"] == "WALLACE"
    assert claim["cue"] == ":"
    assert claim["span"]["text"] == "Let us start with the breaking news about the debate"


def test_cue_and_colon_then_unquoted_paragraph(nlp):
    text = "The governor added:\n\nIt is typical of her, and everyone in the state knows it."
    claim = only(nlp, text)
    assert claim["source"] == "The governor"
    assert claim["cue"] == "added:"
    assert claim["span"]["text"].startswith("It is typical of her")


def test_nested_report_keeps_the_chain(nlp):
    text = "Newsweek reports that Russian officials estimate that ISIS has 1,000 Russian members."
    outer, inner = claims(nlp, text)
    assert (outer["source"], outer["status"], outer["via"]) == ("Newsweek", "reported", [])
    assert inner["source"] == "Russian officials"
    assert inner["status"] == "estimated"
    assert [link["name"] for link in inner["via"]] == ["Newsweek"]
    assert inner["via"][0]["cue"] == "reports"


def test_colon_paragraph_provided_by_a_source_carries_the_chain(nlp):
    text = (
        "A description of the video is provided by the Jerusalem Post:\n\n"
        "The video claims to show the man who carried out the bombing."
    )
    found = {c["cue"]: c for c in claims(nlp, text)}
    provided = found["provided by"]
    assert provided["source"] == "the Jerusalem Post"
    assert provided["span"]["text"].startswith("The video claims")
    video = found["claims"]
    assert video["status"] == "claimed"
    assert [link["name"] for link in video["via"]] == ["the Jerusalem Post"]


def test_quote_inside_a_report_is_carried_by_it(nlp):
    doc = run(nlp, "The Guardian reported that the minister said: “We will not negotiate.”")
    [quote] = doc._.ww_quotes
    assert quote["span"]["text"] == "We will not negotiate."
    assert [link["name"] for link in doc._.ww_quote_via[quote["id"]]] == ["The Guardian"]


def test_an_aim_or_a_decision_is_no_claim(nlp):
    """What a subject seeks, decides or votes for is what it means to do, not a statement;
    what it says it will do still is."""
    for text in ("The police had also sought to overturn a breach of human rights ruling.",
                 "MPs are deciding whether to recommend a new system of quotas.",
                 "Tories and some Labour MPs are poised to vote against the plans.",
                 "Anglers could find themselves prosecuted under plans to curb cruelty."):
        assert claims(nlp, text) == [], text
    [claim] = claims(nlp, "The police said they would appeal against the ruling.")
    assert claim["source"] == "The police"
