"""Time expressions: detection in documents and resolution against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from wirewatch.nlp.model import load_base_model
from wirewatch.pipeline.times import TimesComponent
from wirewatch.resolve.date_grammar import candidates
from wirewatch.resolve.date_rules import RULES
from wirewatch.resolve.dates import (
    default_grammar,
    find_times,
    load_lexicon,
    resolve_expression,
    select,
)

PUBLISHED = date(2016, 2, 23)  # a Tuesday


@pytest.fixture(scope="module")
def nlp():
    """The base model plus the times component (loaded once for this module)."""
    model = load_base_model()
    model.add_pipe("wirewatch_times")
    return model


def run(nlp, text: str, published: str | None = "2016-02-23", original: str | None = None):
    doc = nlp.make_doc(text)
    doc._.ww_published = published
    doc._.ww_text = original
    return nlp(doc)


def times(nlp, text: str, published: str | None = "2016-02-23") -> list[dict]:
    return run(nlp, text, published)._.ww_times


def by_text(found: list[dict]) -> dict[str, dict]:
    return {t["span"]["text"]: t for t in found}


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        # absolute
        ("15 February 2016", "2016-02-15", "day"),
        ("February 15, 2016", "2016-02-15", "day"),
        ("2016-02-15", "2016-02-15", "day"),
        ("Feb. 3, 2014", "2014-02-03", "day"),
        ("the 15th of March 2015", "2015-03-15", "day"),
        ("June 2015", "2015-06", "month"),
        ("in 2015", "2015", "year"),
        ("late 2013", "2013", "year"),
        ("in the 1990s", None, None),
        # partial dates default to the past
        ("February 15", "2016-02-15", "day"),
        ("on 15 February", "2016-02-15", "day"),
        ("on the 15th", "2016-02-15", "day"),
        ("on the 25th", "2016-01-25", "day"),
        ("in December", "2015-12", "month"),
        ("in February", "2016-02", "month"),
        ("last February", "2015-02", "month"),
        ("mid-March", "2015-03", "month"),
        # calendar units relative to publication
        ("earlier this year", "2016", "year"),
        ("last year", "2015", "year"),
        ("late last year", "2015", "year"),
        ("last month", "2016-01", "month"),
        ("earlier this month", "2016-02", "month"),
        ("last week", "2016-02-15", "week"),
        ("this week", "2016-02-22", "week"),
        ("next week", "2016-02-29", "week"),
        ("two days ago", "2016-02-21", "day"),
        ("three weeks ago", "2016-02-01", "week"),
        ("a year ago", "2015", "year"),
        ("about two months ago", "2015-12", "month"),
        # days and weekdays
        ("yesterday", "2016-02-22", "day"),
        ("today", "2016-02-23", "day"),
        ("tomorrow", "2016-02-24", "day"),
        ("this morning", "2016-02-23", "day"),
        ("last night", "2016-02-22", "day"),
        ("Monday evening", "2016-02-22", "day"),
        ("on Tuesday", "2016-02-23", "day"),
        ("Tuesday morning", "2016-02-23", "day"),
        ("on Sunday night", "2016-02-21", "day"),
        ("early Wednesday", "2016-02-17", "day"),
        ("last Tuesday", "2016-02-16", "day"),
        ("next Friday", "2016-02-26", "day"),
        ("over the weekend", "2016-02-20", "day"),
        ("in the early hours of Sunday", "2016-02-21", "day"),
        # a clock time gives hour precision
        ("Monday at 3 p.m.", "2016-02-22", "hour"),
        ("at 10:30 a.m. on 15 February", "2016-02-15", "hour"),
    ],
)
def test_resolve_expression(text: str, value: str | None, precision: str | None) -> None:
    assert resolve_expression(text, PUBLISHED) == (value, precision)


def test_partial_dates_depend_on_the_anchor() -> None:
    assert resolve_expression("February 15", date(2016, 2, 10)) == ("2015-02-15", "day")
    assert resolve_expression("in December", date(2016, 12, 20)) == ("2016-12", "month")
    assert resolve_expression("Friday", date(2016, 2, 26)) == ("2016-02-26", "day")
    assert resolve_expression("February 29", date(2017, 3, 1)) == ("2016-02-29", "day")
    # the anchor may also be given as an ISO string or datetime-like string
    assert resolve_expression("yesterday", "2016-02-23T09:00:00Z") == ("2016-02-22", "day")


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("February 15, 2016", "2016-02-15", "day"),
        ("on 15 march 1990", "1990-03-15", "day"),
        ("June 2015", "2015-06", "month"),
        ("February 15", None, "day"),
        ("in December", None, "month"),
        ("Monday evening", None, "day"),
        ("yesterday", None, "day"),
        ("last week", None, "week"),
        ("in the 1990s", None, None),
        ("two police officers", None, None),
    ],
)
def test_without_publication_date_no_year_is_invented(
    text: str, value: str | None, precision: str | None
) -> None:
    assert resolve_expression(text, None) == (value, precision)


def test_document_times_in_text_order_with_exact_spans(nlp) -> None:
    text = (
        "Militants attacked a checkpoint on Monday evening, two days after a car bomb on "
        "February 15 that killed two police officers. The group, founded in June 2015, "
        "executed five men in December and at least 1,000 members have joined since last year."
    )
    found = times(nlp, text)
    assert [t["span"]["text"] for t in found] == [
        "Monday evening",
        "February 15",
        "June 2015",
        "December",
        "last year",
    ]
    for t in found:
        span = t["span"]
        assert text[span["start"] : span["end"]] == span["text"]
    starts = [t["span"]["start"] for t in found]
    assert starts == sorted(starts)
    values = {t["span"]["text"]: (t["value"], t["precision"]) for t in found}
    assert values["Monday evening"] == ("2016-02-22", "day")
    assert values["December"] == ("2015-12", "month")
    assert values["last year"] == ("2015", "year")


@pytest.mark.parametrize(
    "text",
    [
        "Two police officers were killed and at least five others were wounded.",
        "Officials estimate the group has at least 1,000 members.",
        "The siege lasted for three hours.",
        "They may attack again, and all 15 may be charged.",
        "The men were held on the 15th floor and freed on the second attempt.",
        "The Sunday Times said the Good Friday Agreement still holds.",
        "Violence rose over the last week.",
    ],
)
def test_non_dates_are_not_emitted(nlp, text: str) -> None:
    assert times(nlp, text) == []


def test_ranges_carry_start_and_end(nlp) -> None:
    found = by_text(
        times(
            nlp,
            "Talks were held between 12 and 14 March and fighting went on from Monday to "
            "Wednesday.",
            published="2016-03-17",
        )
    )
    talks = found["between 12 and 14 March"]
    assert (talks["value"], talks["end"], talks["precision"]) == ("2016-03-12", "2016-03-14", "day")
    fighting = found["from Monday to Wednesday"]
    assert (fighting["value"], fighting["end"]) == ("2016-03-14", "2016-03-16")
    assert talks["acled_time_precision"] == fighting["acled_time_precision"] == 2


def test_range_across_months_reads_start_back_from_end() -> None:
    assert resolve_expression("from 28 February to 2 March 2016", None) == ("2016-02-28", "day")
    assert resolve_expression("between 2014 and 2016", None) == ("2014", "year")
    assert resolve_expression("between January and March 2015", None) == ("2015-01", "month")
    assert resolve_expression("from December to February", PUBLISHED) == ("2015-12", "month")


def test_weekend_is_a_two_day_range(nlp) -> None:
    (found,) = times(nlp, "Gunmen struck over the weekend.")
    assert (found["span"]["text"], found["value"], found["end"]) == (
        "the weekend",
        "2016-02-20",
        "2016-02-21",
    )
    assert found["acled_time_precision"] == 2


def test_dateline_month_in_capitals(nlp) -> None:
    found = by_text(
        times(nlp, "BAGHDAD, MAY 15 (AP) -- THE ARMY SAID MONDAY THAT 3 SOLDIERS DIED.")
    )
    assert found["MAY 15"]["value"] == "2015-05-15"
    assert found["MONDAY"]["value"] == "2016-02-22"


def test_acled_precision_and_clock(nlp) -> None:
    found = by_text(
        times(
            nlp,
            "He was shot on Monday at 3 p.m. in a raid, weeks after arrests last week and "
            "last month.",
        )
    )
    shot = found["Monday at 3 p.m."]
    assert (shot["value"], shot["precision"], shot["clock"]) == ("2016-02-22", "hour", "15:00")
    assert shot["acled_time_precision"] == 1
    assert found["last week"]["acled_time_precision"] == 2
    assert found["last month"]["acled_time_precision"] == 3


def test_unresolved_times_have_no_acled_precision(nlp) -> None:
    (found,) = times(nlp, "The bombing on February 15 killed two.", published=None)
    assert found["value"] is None and found["precision"] == "day"
    assert found["acled_time_precision"] is None


def test_lower_and_upper_case_text(nlp) -> None:
    lower = by_text(times(nlp, "the army attacked on 15 march 1990 and again last night."))
    assert lower["15 march 1990"]["value"] == "1990-03-15"
    assert lower["last night"]["value"] == "2016-02-22"
    upper = by_text(times(nlp, "THE ARMY ATTACKED ON 15 MARCH 1990 AND AGAIN LAST NIGHT."))
    assert upper["15 MARCH 1990"]["value"] == "1990-03-15"
    assert upper["LAST NIGHT"]["value"] == "2016-02-22"


def test_spans_come_from_the_callers_text_on_a_recased_copy(nlp) -> None:
    original = "REBELS STRUCK ON TUESDAY MORNING."
    doc = run(nlp, original.lower(), original=original)
    (found,) = doc._.ww_times
    assert found["span"]["text"] == "TUESDAY MORNING"
    assert found["value"] == "2016-02-23"


def test_find_times_on_a_plain_doc(nlp) -> None:
    doc = nlp.make_doc("The attack came on 3 January 2016.")
    found = find_times(doc)
    assert [(t["span"]["text"], t["value"]) for t in found] == [("3 January 2016", "2016-01-03")]


def test_component_writes_a_list_even_without_dates(nlp) -> None:
    assert run(nlp, "No dates here.")._.ww_times == []
    assert isinstance(nlp.get_pipe("wirewatch_times"), TimesComponent)


def test_seed_article(nlp, shared_dir) -> None:
    text = (shared_dir / "examples" / "seed-article.txt").read_text(encoding="utf-8")
    found = times(nlp, text)
    for t in found:
        assert text[t["span"]["start"] : t["span"]["end"]] == t["span"]["text"]
    values = {t["span"]["text"]: (t["value"], t["precision"]) for t in found}
    assert values["February 15"] == ("2016-02-15", "day")
    assert values["June 2015"] == ("2015-06", "month")
    assert values["December"] == ("2015-12", "month")
    assert text[text.index("December") - 3 : text.index("December")] == "in "
    assert values["Monday evening"] == ("2016-02-22", "day")
    assert values["Tuesday morning"] == ("2016-02-23", "day")
    assert not any(t["span"]["text"] in ("two", "at least five", "1,000") for t in found)


def test_trigger_windows_find_what_a_full_scan_finds(shared_dir) -> None:
    grammar = default_grammar()
    texts = [
        (shared_dir / "examples" / "seed-article.txt").read_text(encoding="utf-8"),
        "Between January and March 2015 at least 300 people died; on the night of 14-15 "
        "February gunmen struck at 10:30 p.m. local time, three weeks ago, and again over the "
        "weekend. SAN SALVADOR, 15 MAR 90 (RADIO) -- the early hours of Sunday.",
    ]
    for text in texts:
        for lenient in (False, True):
            fast = select(candidates(grammar, text, lenient=lenient))
            full = select(candidates(grammar, text, lenient=lenient, windowed=False))
            assert fast == full
            assert fast


@pytest.mark.parametrize("compiled", default_grammar().rules, ids=lambda c: c.rule.name)
def test_every_rule_reads_its_examples(compiled) -> None:
    grammar = default_grammar()
    for example in compiled.rule.examples:
        found = [
            compiled.rule.read(m, example, grammar.lex) for m in compiled.pattern.finditer(example)
        ]
        assert any(found), example


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "field",
    [
        "decade_edges",
        "range_openers",
        "range_connectives",
        "month_list_connectives",
        "weekend_prepositions",
        "weekend_modifiers",
        "ordinal_day_followers",
    ],
)
def test_in_order_word_lists_are_prefix_free(field: str) -> None:
    """These lists enter their pattern as written, which is only safe when order cannot matter."""
    words = list(getattr(load_lexicon(), field))
    assert all(isinstance(word, str) for word in words)  # a bare YAML "on" would be True
    assert not [(a, b) for a in words for b in words if a != b and b.startswith(a)]
