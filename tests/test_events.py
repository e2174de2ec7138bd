"""Events from constructed sentences: types, factuality, status, casualties, arguments."""

from __future__ import annotations

from wirewatch.contract import span_errors, validation_errors


def events_of(record: dict, type_: str | None = None, factuality: str | None = None) -> list:
    return [e for e in record["events"]
            if (type_ is None or e["type"] == type_)
            and (factuality is None or e["factuality"] == factuality)]


def args(event: dict, role: str) -> list[str]:
    return [a["span"]["text"] for a in event["arguments"] if a["role"] == role]


def check_contract(record: dict, text: str) -> None:
    assert validation_errors(record) == []
    assert span_errors(record, text) == []


def test_car_bombing_without_agent(analyse):
    text = "Two police officers were killed in a car bombing in Kabul on Monday."
    record = analyse(text, published="2024-03-14")
    check_contract(record, text)
    [event] = events_of(record, "ASSAULT", "actual")
    assert event["mode"] == "explosives"
    assert event["casualties"]["killed"] == 2
    assert event["casualties"]["victim_kind"] == "police"
    assert args(event, "agent") == []
    assert "Two police officers" in args(event, "victim")
    assert event["location"]["name"] == "Kabul"
    assert event["time"]["value"] == "2024-03-11"
    assert event["status"] == "asserted"


def test_one_event_per_attack_in_a_sentence(analyse):
    record = analyse("A suicide bomber blew himself up at a checkpoint in Mogadishu, "
                     "killing at least five people and wounding dozens.")
    [event] = events_of(record, "ASSAULT")
    assert event["factuality"] == "actual"
    assert event["casualties"]["killed"] == 5
    assert event["casualties"]["injured"] == 24


def test_threat_is_not_an_attack(analyse):
    record = analyse("Islamic State Threatens Putin with Attacks on Russian Soil")
    assert events_of(record, "THREATEN", "actual")
    assert not events_of(record, "ASSAULT", "actual")
    threat = events_of(record, "THREATEN")[0]
    assert any("Islamic State" in a for a in args(threat, "agent"))


def test_threatened_attack_is_future(analyse):
    record = analyse("The militants threatened to bomb the embassy in Nairobi.")
    assert events_of(record, "THREATEN", "actual")
    assert not events_of(record, "ASSAULT", "actual")
    assert all(e["factuality"] == "future" for e in events_of(record, "ASSAULT"))


def test_future_hypothetical_negated(analyse):
    future = analyse("Rebels will attack the capital next week, a commander said.")
    assert {e["factuality"] for e in events_of(future, "ASSAULT")} == {"future"}
    hypo = analyse("If the talks fail, the rebels could attack the city.")
    assert {e["factuality"] for e in events_of(hypo, "ASSAULT")} == {"hypothetical"}
    negated = analyse("The gunmen did not attack the school.")
    assert {e["factuality"] for e in events_of(negated, "ASSAULT")} == {"negated"}
    foiled = analyse("Police foiled a bombing at the central station.")
    assert not events_of(foiled, "ASSAULT", "actual")


def test_call_to_kill_is_not_an_attack(analyse):
    record = analyse("The group's leader called on supporters to kill soldiers.")
    assert not events_of(record, "ASSAULT", "actual")


def test_casualty_phrases(analyse):
    record = analyse("Gunmen stormed a village in Borno State, leaving at least five dead "
                     "and dozens wounded.")
    [event] = events_of(record, "ASSAULT", "actual")
    assert event["casualties"]["killed"] == 5
    assert event["casualties"]["injured"] == 24
    record = analyse("Three soldiers were injured when a roadside bomb exploded.")
    [event] = events_of(record, "ASSAULT", "actual")
    assert event["casualties"]["injured"] == 3
    assert event["casualties"]["victim_kind"] == "military"


def test_agent_and_victims(analyse):
    record = analyse("Al-Shabaab militants killed four soldiers in an ambush near Baidoa.")
    [event] = events_of(record, "ASSAULT", "actual")
    # the individuals and, separately, the group they belong to
    assert {"Al-Shabaab militants", "Al-Shabaab"} <= set(args(event, "agent"))
    group = next(a for a in event["arguments"] if a["role"] == "agent" and a["entity"])
    entity = next(e for e in record["entities"] if e["id"] == group["entity"])
    assert entity["name"] == "al-Shabaab" and entity["kind"] == "armed_group"
    assert event["casualties"]["killed"] == 4
    assert event["location"]["name"] == "Baidoa"


def test_status_values(analyse):
    def status(text: str) -> str:
        found = events_of(analyse(text), "ASSAULT")
        assert found, text
        return found[0]["status"]

    assert status("Gunmen killed three villagers in Zamfara on Sunday.") == "asserted"
    reported = analyse("According to the interior ministry, gunmen killed three villagers.")
    event = events_of(reported, "ASSAULT")[0]
    assert event["status"] == "reported"
    assert any("ministry" in s["name"].lower() for s in event["sources"])
    assert status("Gunmen allegedly killed three villagers near the border.") == "alleged"
    assert status("Reports that militants killed four soldiers could not be independently "
                  "confirmed.") == "unconfirmed"


def test_responsibility_claim_is_not_agent(analyse):
    record = analyse("A bomb killed five people at a market in Mogadishu on Sunday. "
                     "Al-Shabaab claimed responsibility for the attack.")
    [event] = events_of(record, "ASSAULT", "actual")
    assert args(event, "agent") == []
    assert [r["mode"] for r in event["responsibility"]] == ["claimed"]
    assert "Al-Shabaab" in event["responsibility"][0]["name"]


def test_anaphoric_mention_merges(analyse):
    record = analyse("Gunmen attacked a police station in Kano on Friday, killing three "
                     "officers. The attack was the third in the city this month.")
    assert len(events_of(record, "ASSAULT", "actual")) == 1


def test_arrest_and_protest(analyse):
    record = analyse("Police arrested four suspects after thousands protested in Dhaka.")
    arrest = events_of(record, "COERCE")
    assert arrest and arrest[0]["mode"] == "arrest"
    assert arrest[0]["casualties"]["arrested"] == 4
    assert events_of(record, "PROTEST")


def test_pattern_of_events_is_generic(analyse):
    pattern = analyse("Kidnappings for ransom have surged across northern Nigeria in recent years.")
    assert [e["generic"] for e in events_of(pattern, "ASSAULT")] == [True]
    toll = analyse("The insurgency has killed tens of thousands of people since 2009.")
    assert all(e["generic"] for e in events_of(toll, "ASSAULT"))
    one = analyse("Gunmen killed three villagers in Zamfara on Sunday.", published="2025-06-03")
    assert [e["generic"] for e in events_of(one, "ASSAULT")] == [False]
