"""Argument and attribution heads on the shared encoder, actors that are actors, and the
training tasks that feed both heads (issue 21)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from wirewatch.extract.actor_check import not_an_actor
from wirewatch.extract.argument_head import LABELS, ArgumentHead, pair_window
from wirewatch.extract.attribution_head import Tagged, decode, group
from wirewatch.extract.role_features import CLASSES
from wirewatch.extract.roles import head_as_classes
from wirewatch.nlp.shared_encoder import DIM, Window

# --------------------------------------------------------------------------- fakes


class WordEncoder:
    """A stand-in for the shared encoder: one piece per word, whose vector is chosen by a
    function of the word, with the Doc character offsets the real one gives."""

    def __init__(self, vector_of) -> None:
        self.vector_of = vector_of
        self.calls: list[list[tuple[int, int]]] = []

    def encode(self, doc, windows):
        self.calls.append(list(windows))
        out = []
        for s, e in windows:
            words = [(m.start() + s, m.end() + s, m.group()) for m in
                     re.finditer(r"\w+|[^\w\s]", doc.text[s:e])]
            offsets = np.array([(s, s)] + [(a, b) for a, b, _ in words] + [(s, s)])
            hidden = np.stack([np.zeros(DIM, np.float32)]
                              + [self.vector_of(w) for _, _, w in words]
                              + [np.zeros(DIM, np.float32)])
            out.append(Window(s, e, hidden.astype(np.float32), offsets))
        return out


class FirstColumns:
    """A stand-in head: probabilities are the softmax of the feature's first columns."""

    def __init__(self, labels) -> None:
        self.labels = list(labels)

    def probs(self, features):
        x = np.asarray(features, np.float32)[:, : len(self.labels)] * 10
        x = x - x.max(axis=1, keepdims=True)
        p = np.exp(x)
        return p / p.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- decoding


def test_decode_reads_bio_tags_into_character_spans() -> None:
    tags = ["O", "B-SOURCE", "I-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "O"]
    offsets = [(0, 0), (0, 3), (4, 9), (10, 14), (15, 19), (20, 25), (0, 0)]
    spans = decode(tags, [0.9] * 7, offsets)
    assert [(s.start, s.end, s.label) for s in spans] == [
        (0, 9, "SOURCE"), (10, 14, "CUE"), (15, 25, "CONTENT")]
    # a special piece ends a span; an I after another label starts a new one
    spans = decode(["B-CONTENT", "O", "I-CONTENT", "I-CUE"], [1.0] * 4,
                   [(0, 4), (0, 0), (5, 8), (9, 12)])
    assert [(s.start, s.end, s.label) for s in spans] == [
        (0, 4, "CONTENT"), (5, 8, "CONTENT"), (9, 12, "CUE")]


def test_group_takes_cues_of_the_first_sentence_with_nearest_parts() -> None:
    spans = [Tagged(0, 9, "SOURCE", 1), Tagged(10, 14, "CUE", 1),
             Tagged(15, 40, "CONTENT", 1), Tagged(60, 70, "SOURCE", 1),
             Tagged(71, 75, "STANCE", 1), Tagged(76, 90, "CONTENT", 1)]
    got = group(spans, 0, 50)
    assert len(got) == 1  # the stance cue lies in the second sentence: its own window's
    assert (got[0].source.start, got[0].content.start) == (0, 15)
    both = group(spans, 0, 100)
    assert [(a.cue.label, a.content.start, a.source.start) for a in both] == [
        ("CUE", 15, 0), ("STANCE", 76, 60)]


# --------------------------------------------------------------------------- argument head


def test_pair_window_is_the_sentence_and_the_trigger_only_when_in_view(base_nlp) -> None:
    doc = base_nlp("Gunmen killed three farmers in the village. The army said rebels fled.")
    farmers = doc[2:4]
    start, end, b, a = pair_window(doc, (7, 13), farmers)
    assert (start, end) == (0, doc[7].idx + 1)
    assert b == (farmers.start_char, farmers.end_char) and a == (7, 13)
    rebels = doc[11:12]
    _, _, b, a = pair_window(doc, (7, 13), rebels)
    assert a == b == (rebels.start_char, rebels.end_char)


def test_argument_head_reads_pairs_from_one_pass_per_sentence(base_nlp) -> None:
    doc = base_nlp("Gunmen killed three farmers. Police arrested two men.")
    agent = LABELS.index("agent")

    def vector(word):
        v = np.zeros(DIM, np.float32)
        v[agent if word == "Gunmen" else 0] = 1.0
        return v

    enc = WordEncoder(vector)
    head = ArgumentHead(enc, FirstColumns(LABELS))
    spans = [doc[0:1], doc[2:4], doc[5:6]]
    probs = head.probs(doc, spans, [(7, 13), (7, 13), (7, 13)])
    assert probs.shape == (3, len(LABELS))
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # the pair features start with the trigger ("killed": none), then the candidate; the
    # first columns read the trigger, so only a trigger vector moves them: here all "none"
    assert probs[:, 0].min() > 0.9
    assert len(enc.calls) == 1 and len(enc.calls[0]) == 2  # two sentences, one batch


def test_head_probabilities_map_onto_the_role_classes() -> None:
    head = np.array([[0.1, 0.6, 0.1, 0.1, 0.05, 0.05], [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]])
    linear = np.array([[0.2, 0.2, 0.6, 0, 0, 0], [1, 0, 0, 0, 0, 0]], np.float32)
    out = head_as_classes(head, linear)
    assert np.allclose(out.sum(axis=1), 1.0)
    assert out[0, CLASSES.index("PerpOrg")] == pytest.approx(0.45)  # 0.6 x 0.6 / 0.8
    assert out[0, CLASSES.index("PerpInd")] == pytest.approx(0.15)
    assert out[1, CLASSES.index("none")] == pytest.approx(1.0)  # a place is no MUC-4 role


# --------------------------------------------------------------------------- actors


@pytest.mark.parametrize(("text", "phrase", "role", "why"), [
    ("The shooting happened in New Haven on Sunday.", "New Haven", "agent", "place"),
    ("The attack at the Boston Marathon shocked the city.", "Boston Marathon", "agent",
     "event"),
    ("He fired a Glock pistol at them.", "pistol", "agent", "weapon"),
    ("The Chicago Tribune reported the killing.", "Chicago Tribune", "agent", "outlet"),
    ("The men who attacked the bus fled.", "who", "agent", "pronoun"),
    ("They fled after the attack.", "They", "victim", "pronoun"),
    ("Gunmen shot a 7-year-old boy in the street.", "Gunmen", "agent", None),
    ("Gunmen shot a 7-year-old boy in the street.", "7-year-old boy", "victim", None),
    ("Russia bombed the town.", "Russia", "agent", None),
    ("The Provisional IRA bombed the barracks.", "Provisional IRA", "agent", None),
    ("The car exploded outside the bank.", "car", "agent", "thing"),
    ("LITTLE ROCK, Ark. (KTHV) - A child was shot on Tuesday.", "KTHV", "victim", "outlet"),
    ("LITTLE ROCK, Ark. (KTHV) - A child was shot on Tuesday.", "LITTLE ROCK", "victim",
     "place"),
    ("Two separate shooting cases were reported in May.", "shooting cases", "victim",
     "thing"),
    ("Vigil held for teenager shot and killed in Killingly", "Vigil", "agent", "event"),
])
def test_actors_are_actors(base_nlp, text, phrase, role, why) -> None:
    doc = base_nlp(text)
    start = text.index(phrase)
    span = doc.char_span(start, start + len(phrase), alignment_mode="expand")
    assert not_an_actor(span, role) == why
    assert not_an_actor(span, "target") is None  # other roles are not judged here


def test_claimed_perpetrator_fills_the_agent_with_its_status(analyse) -> None:
    record = analyse("A bomb exploded outside a police barracks in Belfast on Monday, "
                     "killing two officers. The Provisional IRA accepted responsibility for "
                     "the attack in a statement.")
    [event] = [e for e in record["events"] if e["trigger"]["text"] == "exploded"]
    agents = [a for a in event["arguments"] if a["role"] == "agent"]
    assert [(a["span"]["text"], a.get("status")) for a in agents] == [
        ("Provisional IRA", "claimed")]


def test_charged_suspect_fills_the_agent_as_alleged(analyse) -> None:
    record = analyse("A 17-year-old boy was shot dead on Main Street in Toledo on Friday "
                     "night. Anthony Brown, 19, was later charged with murder in the boy's "
                     "death.")
    [event] = [e for e in record["events"] if e["trigger"]["text"] == "shot"]
    agents = [(a["span"]["text"], a.get("status")) for a in event["arguments"]
              if a["role"] == "agent"]
    assert agents == [("Anthony Brown", "alleged")]
    # a charge that is no violence names no perpetrator
    record = analyse("A 17-year-old boy was shot dead on Main Street in Toledo on Friday "
                     "night. Anthony Brown, 19, was later charged with drug possession.")
    [event] = [e for e in record["events"] if e["trigger"]["text"] == "shot"]
    assert not [a for a in event["arguments"] if a["role"] == "agent"]


@pytest.mark.parametrize("second", [
    "Police arrested Anthony Brown, 19, and charged him with first-degree murder.",
    "Anthony Brown, 19, faces a first-degree murder charge.",
    "Police identified the shooter as Anthony Brown, 19.",
    "Anthony Brown, 19, is accused of killing the boy.",
])
def test_suspect_named_by_the_authorities_is_the_alleged_agent(analyse, second) -> None:
    record = analyse("A 17-year-old boy was shot dead on Main Street in Toledo on Friday "
                     f"night. {second}")
    [event] = [e for e in record["events"] if e["trigger"]["text"] == "shot"]
    agents = [(a["span"]["text"], a.get("status")) for a in event["arguments"]
              if a["role"] == "agent"]
    assert ("Anthony Brown", "alleged") in agents


def test_a_later_mention_names_the_agent_the_lead_only_described(analyse) -> None:
    record = analyse("Vigil held for teenager shot and killed in Killingly\n\nA teenager "
                     "was shot and killed in Killingly on Aug. 5. Police said 22-year-old "
                     "Kyle Carney shot and killed Regula inside a home on Kenneth Drive.")
    agents = {a["span"]["text"] for e in record["events"] for a in e["arguments"]
              if a["role"] == "agent"}
    assert "Kyle Carney" in agents and "Vigil" not in agents


@pytest.mark.parametrize(("text", "sides"), [
    ("Ten people were injured in a clash between police and opposition activists in Feni "
     "on Monday.", ("police", "opposition activists")),
    ("About 10 people were injured when blockaders clashed with police on the highway on "
     "Friday.", ("blockaders", "police")),
])
def test_the_two_sides_of_a_clash(analyse, text, sides) -> None:
    record = analyse(text)
    [fight] = [e for e in record["events"] if e["type"] == "FIGHT"]
    found = {a["role"]: a["span"]["text"] for a in fight["arguments"]
             if a["role"] in ("agent", "target")}
    assert (found.get("agent"), found.get("target")) == sides


@pytest.mark.parametrize(("text", "generic"), [
    ("A local rights organisation estimates that 173 social leaders were killed in 2024.",
     True),
    ("He added that the pipeline was bombed more than 30 times last year.", True),
    ("The Houthis attacked more than 100 ships between November 2023 and early this year.",
     True),
    ("Gunmen killed 25 villagers in Zamfara on Tuesday.", False),
])
def test_a_tally_over_a_period_is_no_incident(analyse, text, generic) -> None:
    [event] = [e for e in analyse(text)["events"] if e["type"] == "ASSAULT"]
    assert event["generic"] is generic


def test_parents_charged_with_neglect_did_not_fire(analyse) -> None:
    record = analyse("A 4-year-old boy was shot dead at a home in Toledo on Friday after he "
                     "found a gun. His mother, Kanisha Brown, was charged with neglect of a "
                     "dependent resulting in death.")
    for event in record["events"]:
        assert not [a for a in event["arguments"] if a["role"] == "agent"
                    and a["span"]["text"] == "Kanisha Brown"]


def test_no_place_or_outlet_as_agent_or_victim_in_the_pipeline(analyse) -> None:
    record = analyse("Gunmen shot dead a 7-year-old boy in New Haven on Saturday, police "
                     "said. The Associated Press reported that they fled in a car.")
    for event in record["events"]:
        for arg in event["arguments"]:
            if arg["role"] in ("agent", "victim"):
                assert arg["span"]["text"] not in ("New Haven", "Associated Press", "they",
                                                   "car")


# --------------------------------------------------------------------------- claims via the tagger


def test_tagged_attributions_become_claims(analyse, monkeypatch) -> None:
    """The claims component with a stand-in tagger: what it tags as cue, source and content
    becomes a claim the rules did not find, with the source resolved as usual."""
    from wirewatch.extract.attribution_head import AttributionHead
    from wirewatch.extract.claims import ClaimFinder

    tags = ["O", "B-CUE", "I-CUE", "B-STANCE", "I-STANCE", "B-SOURCE", "I-SOURCE",
            "B-CONTENT", "I-CONTENT"]
    roles = {"Senator": "B-SOURCE", "Warren": "I-SOURCE", "frowned": "B-CUE"}
    inside = {"the", "bill", "would", "hurt", "farmers"}

    def vector(word):
        v = np.zeros(DIM, np.float32)
        tag = roles.get(word) or ("I-CONTENT" if word in inside else "O")
        v[tags.index(tag)] = 1.0
        return v

    finder = ClaimFinder(learned=False)
    finder.head = AttributionHead(WordEncoder(vector), FirstColumns(tags), tuple(tags))
    text = "Senator Warren frowned: the bill would hurt farmers. Markets were calm."
    from wirewatch.api import Document, extract_docs

    [(_, doc)] = list(extract_docs([Document(id="t", text=text)]))
    claims, _ = finder.find(doc)
    tagged = [c for c in claims if c["cue"] == "frowned"]
    assert len(tagged) == 1
    assert tagged[0]["span"]["text"].startswith("the bill would hurt farmers")
    assert "Warren" in tagged[0]["source"]
    finder.head_add = False  # the rules alone do not know this cue
    claims, _ = finder.find(doc)
    assert not [c for c in claims if c["cue"] == "frowned"]


# --------------------------------------------------------------------------- training tasks


def test_attribution_labels_nest_and_split_statement_from_stance() -> None:
    from wirewatch.train.tasks.attribution import cue_kind, label_window

    assert cue_kind("said") == "CUE" and cue_kind("according to") == "CUE"
    assert cue_kind("told") == "CUE" and cue_kind("is raising questions about") == "STANCE"
    parts = [(0, 40, "CONTENT"), (5, 8, "SOURCE"), (10, 14, "CUE")]
    assert label_window(parts, 2, 30) == [(0, 3, "CONTENT"), (3, 6, "SOURCE"),
                                          (6, 8, "CONTENT"), (8, 12, "CUE"),
                                          (12, 28, "CONTENT")]


def test_argument_labels_from_names_and_actor_categories(base_nlp) -> None:
    from types import SimpleNamespace

    from wirewatch.train.tasks.arguments import _acled_label, _phrase_label

    doc = base_nlp("Police fired on members of the Earth Liberation Front near Sylhet.")

    def cand(a, b):
        span = doc[a:b]
        return SimpleNamespace(span=span, head=span.root)

    gtd = _phrase_label([("earth liberation front", "agent")])
    assert gtd(cand(6, 9)) == "agent"  # the whole name
    assert gtd(cand(6, 7)) == "none"  # one word of it is no perpetrator
    acled = _acled_label([("Police Forces of Bangladesh", "agent"),
                          ("Sylhet Awami League", "victim")])
    assert acled(cand(0, 1)) == "agent"
    assert acled(cand(10, 11)) == "none"  # a place inside a group's name


def test_tasks_build_from_shared_data(shared_dir, tmp_path) -> None:
    from wirewatch.train.tasks.attribution import build

    task = build(shared_dir / "data", "check", tmp_path)
    assert task.kind == "token" and len(task.examples) > 500
    counts = task.counts()
    assert set(counts) == {"CUE", "STANCE", "SOURCE", "CONTENT"}
    for ex in task.examples[:200]:
        for s, e, _ in ex.items:
            assert 0 <= s < e <= len(ex.text)


def test_uncased_path_keeps_every_offset() -> None:
    from wirewatch.eval.common import in_casing

    text = "Gunmen killed İbrahim Özal in Ankara, officials SAID."
    low = in_casing(text, "uncased")
    assert len(low) == len(text) and low.startswith("gunmen killed ")
    assert low[text.index("Ankara"):][:6] == "ankara"
    assert in_casing(text, "cased") == text
    with pytest.raises(ValueError):
        in_casing(text, "recased")


def test_only_sentences_with_a_cue_candidate_are_read(base_nlp) -> None:
    from wirewatch.extract.claims import ClaimFinder

    finder = ClaimFinder(learned=False)
    doc = base_nlp("Markets were calm on Monday. The minister said prices would fall. "
                   "Trading closed early: a holiday.")
    assert [s.text for s in finder._cue_sentences(doc)] == [
        "The minister said prices would fall.", "Trading closed early: a holiday."]


def test_victims_named_away_from_the_trigger(analyse) -> None:
    record = analyse("A woman and her son were shot dead in a home on Tuesday. Police "
                     "identified the woman as Sara Atkinson, 41, and her 5-year-old son "
                     "Kenny Kreuscher. Police say Chet Hockman died from a gunshot wound.")
    victims = {a["span"]["text"] for e in record["events"] for a in e["arguments"]
               if a["role"] == "victim"}
    assert {"Sara Atkinson", "Kenny Kreuscher", "Chet Hockman"} <= victims


def test_content_pieces_join_unless_a_cue_or_source_divides_them() -> None:
    from wirewatch.extract.attribution_head import merge_contents

    spans = [Tagged(0, 10, "CONTENT", 1.0), Tagged(12, 30, "CONTENT", 0.5),
             Tagged(31, 35, "CUE", 1.0), Tagged(36, 50, "CONTENT", 1.0),
             Tagged(90, 99, "CONTENT", 1.0)]
    got = [(s.start, s.end) for s in merge_contents(spans)]
    assert got == [(0, 30), (36, 50), (90, 99)]


def test_argument_head_scope_is_checked() -> None:
    from wirewatch.extract.roles import RoleClassifier

    with pytest.raises(ValueError):
        RoleClassifier(head_on="sometimes")
