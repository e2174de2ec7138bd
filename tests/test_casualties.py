"""Casualty grammar: the figures an ACLED or Gun Violence Archive coder would sign.

Each case is a made-up sentence parsed by the full pipeline; the figures are read with
``find_casualties`` straight from the parse, so the event filter's decisions do not enter.
"""

from __future__ import annotations

import pytest

from wirewatch.extract.casualties import find_casualties
from wirewatch.knowledge import load_yaml
from wirewatch.knowledge.lexicons import casualty_lexicon


@pytest.fixture(scope="module")
def figures(wirewatch_nlp):
    """figures(text) -> per sentence, {slot: the largest count reported}."""
    def run(text: str) -> list[dict[str, int | None]]:
        out = []
        for sent in wirewatch_nlp(text).sents:
            found: dict[str, int | None] = {}
            for cas in find_casualties(sent):
                if cas.count is not None:
                    found[cas.slot] = max(found.get(cas.slot) or 0, cas.count)
            out.append(found)
        return out
    return run


def only(figures, text: str) -> dict[str, int | None]:
    [found] = figures(text)
    return found


@pytest.mark.parametrize(("text", "killed"), [
    ("Militants killed a civilian in the market on Sunday.", 1),
    ("Gunmen assassinated a municipal councilor in the town.", 1),
    ("A man was shot and killed outside his home on Friday.", 1),
    ("The victim died at the scene.", 1),
    ("An 8-year-old was shot dead while playing in the yard.", 1),
    ("A teenager was gunned down outside the school.", 1),
    ("Police are investigating the shooting death of a 15-year-old boy.", 1),
])
def test_a_singular_victim_is_one(figures, text, killed):
    found = only(figures, text)
    assert found.get("killed") == killed
    assert not found.get("injured")  # the one killed is not also injured


def test_lists_add_up(figures):
    assert only(figures, "The blast injured eight women, a 10-year-old girl and four men."
                )["injured"] == 13
    # an apposition restates the people, it does not add to them
    assert only(figures, "Two people, a man and a woman, were shot dead in the attack."
                )["killed"] == 2
    assert only(figures, "Police said she killed her daughter, Anna Reyes, and her father, "
                "Tom Reyes, on Sunday.")["killed"] == 2


def test_shot_is_injured_unless_killed(figures):
    assert only(figures, "Four people were shot and hospitalized, police said.") == {
        "injured": 4}
    assert only(figures, "Three children were shot on the playground, two fatally.") == {
        "killed": 2, "injured": 1}
    assert only(figures, "A man was shot in the leg and a woman was killed in the attack."
                ) == {"killed": 1, "injured": 1}
    assert only(figures, "A police officer was fatally wounded in the attack.") == {
        "killed": 1}


def test_a_shot_victim_the_article_says_died_is_not_injured(figures):
    shot, died = figures("A man was shot on Friday night. He died in hospital on Saturday.")
    assert shot == {} and died == {"killed": 1}
    shot, died = figures("Four people were shot on Friday. One of them died in hospital.")
    assert shot == {"injured": 3} and died == {"killed": 1}


@pytest.mark.parametrize("text", [
    "No one was injured in the attack.",
    "Nobody was hurt in the shooting.",
    "None of the passengers were injured.",
])
def test_nobody_is_zero(figures, text):
    assert only(figures, text) == {"injured": 0}


@pytest.mark.parametrize("text", [
    "27 arrest warrants have been issued after the riot.",
    "Police issued a warrant for his arrest after the shooting.",
])
def test_warrants_are_not_arrests(figures, text):
    assert "arrested" not in only(figures, text)


def test_ranges_and_lower_bounds(figures):
    assert only(figures, "Between 10 and 15 people were killed when a bomb exploded."
                )["killed"] == 10
    assert only(figures, "At least five people were killed in the raid.")["killed"] == 5
    assert only(figures, "Gunmen stormed the village, leaving dozens wounded.")["injured"] == 24


def test_ages_are_not_counts(figures):
    assert only(figures, "John Smith, 24, was wounded in the shooting.")["injured"] == 1
    assert only(figures, "A 24-year-old man was killed in the crash.")["killed"] == 1


def test_deaths_that_are_no_casualties(figures):
    assert only(figures, "The singer died of heart failure aged 70.") == {}
    assert only(figures, "The striker lost a tooth in the match.") == {}
    assert only(figures, "Two soldiers lost their lives in the ambush.")["killed"] == 2
    assert only(figures, "The boy died of his injuries.") == {"killed": 1}


def test_the_doer_s_own_death_adds_one(figures):
    assert only(figures, "A man shot his wife and daughter dead and then killed himself."
                )["killed"] == 3


def test_number_words_read_as_strings():
    """YAML reads an unquoted ``no`` as the boolean False; the casualty file quotes it."""
    raw = load_yaml("casualties.yaml")
    for section in ("vague_numbers", "number_words"):
        assert all(isinstance(key, str) for key in raw[section]), section
    assert casualty_lexicon().number_words["no"] == 0
