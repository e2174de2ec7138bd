"""Knowledge: one loader for the data files, typed read-only lexicons, word lists in data."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from wirewatch.contract import CLAIM_STATUSES
from wirewatch.knowledge import data_file, load_yaml
from wirewatch.knowledge.actors import person_titles, titles
from wirewatch.knowledge.cues import load_cues, parse_cues
from wirewatch.knowledge.language import english_stopwords, language_hints
from wirewatch.knowledge.lexicons import (
    TriggerSense,
    casing_words,
    casualty_lexicon,
    factuality_lexicon,
    trigger_lexicon,
    weapon_lemmas,
)
from wirewatch.knowledge.place_names import admin_type_words, strip_admin_suffix
from wirewatch.knowledge.place_words import (
    country_cues,
    non_place_adjectives,
    place_cues,
    stopnames,
)

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "wirewatch"


def _opens_data_files(path: Path) -> list[str]:
    """What in ``path`` reaches wirewatch/data by itself: a ``resources.files`` call on the
    data package, a path built from the file's own location ending in "data", or a string
    naming a data file read beside it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "files" and node.args \
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == "wirewatch.data":
            found.append(f"line {node.lineno}: resources.files('wirewatch.data')")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) \
                and isinstance(node.right, ast.Constant) and node.right.value == "data":
            found.append(f"line {node.lineno}: <path> / 'data'")
        elif isinstance(node, ast.Name) and node.id == "DATA_DIR":
            found.append(f"line {node.lineno}: DATA_DIR")
    return found


def test_only_knowledge_opens_the_data_files():
    offenders = {
        str(path.relative_to(PACKAGE)): hits
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] != "knowledge"
        and (hits := _opens_data_files(path))
    }
    assert offenders == {}


def test_recase_imports_only_knowledge_and_nlp():
    tree = ast.parse((PACKAGE / "nlp" / "recase.py").read_text("utf-8"))
    stages = {node.module.split(".")[1] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module
              and node.module.startswith("wirewatch.")}
    assert stages <= {"knowledge", "nlp"}


def test_data_files_are_parsed_once_per_process():
    assert load_yaml("triggers.yaml") is load_yaml("triggers.yaml")
    for view in (trigger_lexicon, weapon_lemmas, casualty_lexicon, factuality_lexicon,
                 casing_words, load_cues, language_hints, place_cues, country_cues,
                 stopnames, non_place_adjectives, person_titles, admin_type_words):
        assert view() is view(), view.__name__
    # the language guess at ingest and the stored documents' content words share one parse
    assert english_stopwords() is language_hints().english


@pytest.mark.parametrize("view", [trigger_lexicon, casualty_lexicon, factuality_lexicon,
                                  casing_words, load_cues, language_hints, place_cues,
                                  country_cues])
def test_lexicons_are_frozen_dataclasses(view):
    value = view()
    assert dataclasses.is_dataclass(value)
    field = dataclasses.fields(value)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, None)


def test_trigger_lexicon_is_typed():
    lex = trigger_lexicon()
    kill = lex.verbs["kill"]
    assert isinstance(kill, TriggerSense) and kill.type == "ASSAULT" and kill.casualty == "killed"
    assert lex.phrasal["gun down"].mode == "firearms"
    assert lex.mode_modifiers["suicide"] == "suicide-attack"
    assert "video" in lex.message_nouns and "terrorist" in lex.terror_words
    # "heart attack", "panic attack": compound modifiers that make no violence; a "hunger
    # strike" is no violence either, but a protest of its own
    assert {"heart", "panic"} <= lex.not_violence and "hunger" not in lex.not_violence
    assert lex.nouns["hunger strike"].type == "PROTEST"


def test_event_word_lists():
    assert weapon_lemmas()["car bomb"] == "explosives"
    casualties = casualty_lexicon()
    assert casualties.slot_of["dead"] == "killed" and casualties.vague_numbers["dozens"] == 24
    assert casualties.number_words["five"] == 5
    facts = factuality_lexicon()
    assert "threaten" in facts.future_governors and "foil" in facts.negators
    assert "repeatedly" in facts.habitual
    casing = casing_words()
    assert {"army", "province", "al"} <= casing.common_words and "uae" in casing.acronyms


def test_cue_statuses_are_the_contracts_claim_statuses():
    cues = load_cues()
    assert set(cues.verb_status.values()) <= set(CLAIM_STATUSES)
    assert cues.verb_status["deny"] == "denied" and "reportedly" in cues.hedges
    # words that make a date or place the statement's, whatever their part of speech
    assert {"blame", "condemn", "deny"} <= cues.statement_words
    with pytest.raises(ValueError, match="unknown status"):
        parse_cues({**load_yaml("cues.yaml"), "verbs": {"rumoured": ["whisper"]}})


def test_admin_word_lists_differ_only_as_documented():
    # The recogniser's area words are a subset of the gazetteer's type words (why they are
    # two lists: places_cues.yaml).
    assert place_cues().area_words <= set(admin_type_words())
    assert strip_admin_suffix("dagestan province") == "dagestan"
    assert strip_admin_suffix("republic of dagestan") == "dagestan"
    assert strip_admin_suffix("kharkiv oblast") == "kharkiv"
    assert strip_admin_suffix("autonomous okrug x") == "x"  # longer forms first


def test_place_word_lists():
    cues = place_cues()
    assert "town" in cues.settlement_nouns and "province" in cues.area_nouns
    assert cues.area_nouns <= cues.settlement_nouns
    assert "near" in cues.place_prepositions and "officers" in cues.after_name
    assert cues.party_tags == ("D", "R", "I")
    assert "north" in stopnames() and "russian" in non_place_adjectives()
    assert "US" in country_cues().words and country_cues().min_hits >= 1


def test_person_titles_are_kept_apart_from_argument_titles():
    # Case-sensitive capitalised forms for the geocoder; lower-case forms for arguments.
    assert {"Sen", "Judge", "Coach"} <= person_titles()
    assert all(t[:1].isupper() for t in person_titles())
    assert "senator" in titles() and "Senator" not in person_titles()


def test_model_weights_are_reached_through_the_loader():
    from wirewatch.extract.roles import model_path

    assert model_path() == Path(str(data_file("models/roles.npz")))
    assert model_path().is_file()
