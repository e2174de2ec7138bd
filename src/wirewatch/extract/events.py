"""Events: PLOVER-coded event records with trigger, evidence, arguments, casualties,
factuality, status, sources, time and place.

One event per (sentence, type, factuality): the several words a sentence uses for one attack
("a car bombing struck the town ..., killing two officers") become one event. A later
definite mention ("the attack", "the execution") adds its details to the earlier event
instead of creating a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from wirewatch.contract import (
    CASUALTY_KINDS,
    HARM_TYPES,
    LOCAL_PRECISIONS,
    SPEECH_ACTS,
    VIOLENT_TYPES,
)
from wirewatch.extract.actor_check import PRONOUNS, not_an_actor
from wirewatch.extract.arguments import (
    Argument,
    argument_entity,
    fight_sides,
    find_arguments,
)
from wirewatch.extract.casualties import Casualty, find_casualties
from wirewatch.extract.factuality import factuality
from wirewatch.extract.situate import (
    compatible_places,
    compatible_times,
    more_specific_place,
    more_specific_time,
    pick_location,
    pick_time,
    with_main_place,
)
from wirewatch.extract.status import (
    apply_status,
    carry_attribution,
    more_doubtful,
    sentence_status,
)
from wirewatch.extract.triggers import Trigger, find_triggers
from wirewatch.knowledge.actors import actor_nouns
from wirewatch.knowledge.lexicons import factuality_lexicon, trigger_lexicon, weapon_lemmas
from wirewatch.nlp.extensions import get_list, register_extensions
from wirewatch.nlp.spans import char_span, span_of

register_extensions()

#: Determiners of a definite mention ("the attack") that refers back to an earlier event.
ANAPHORIC_DETS = frozenset({"the", "this", "that"})
#: Verbs that take responsibility or credit for an act ("claimed", "accepted", "took").
_CLAIM_VERBS = frozenset({"claim", "accept", "admit", "take", "assume", "bear"})
#: What a suspect "was charged with", "faces", "was arrested for" or "is accused of" that
#: makes him the alleged perpetrator of the violence (not "charged with possession" or "with
#: failing to secure a firearm").
_CHARGE_CRIMES = frozenset({"murder", "homicide", "manslaughter", "slaying", "killing",
                            "assault", "shooting", "kill", "shoot", "kidnapping", "attempt",
                            "reckless", "endangerment", "death", "wound", "wounding"})
#: Charges of those who did not fire ("neglect of a dependent resulting in death", "failing
#: to secure a firearm"): no perpetrator of the shooting.
_NOT_THE_SHOOTER = frozenset({"neglect", "negligence", "fail", "failure", "storage", "secure",
                              "store", "possession", "obstruction", "tampering", "harboring",
                              "accessory"})
#: Verbs by which the authorities name a suspect: charge, face (charges), arrest, accuse,
#: indict, identify (the shooter as X), plead (guilty).
_SUSPECT_VERBS = frozenset({"charge", "face", "arrest", "accuse", "indict", "identify",
                            "plead", "convict", "sentence"})
#: Nouns an identification names the perpetrator by ("identified the shooter as X").
_PERPETRATOR_NOUNS = frozenset({"suspect", "shooter", "gunman", "killer", "attacker",
                                "assailant"})
HARM_SLOTS = frozenset({"killed", "injured", "kidnapped"})
ARREST_SLOTS = frozenset({"arrested"})


@dataclass
class _Event:
    type: str
    mode: str | None
    factuality: str
    sent: Span
    triggers: list[Trigger]
    contexts: set[str] = field(default_factory=set)
    arguments: list[Argument] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    status: str = "asserted"
    sources: list[dict] = field(default_factory=list)
    responsibility: list[dict] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    extra_sents: list[Span] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)  # place and time arguments
    times: list[dict] = field(default_factory=list)
    location: dict | None = None
    time: dict | None = None

    @property
    def primary(self) -> Trigger:
        def rank(t: Trigger) -> tuple:
            return (t.sense.weak, not t.is_noun, t.mode is None, t.token.i)
        return min(self.triggers, key=rank)


class EventExtractor:
    """Contract Event dicts of a parsed Doc whose entities, places, times, quotes and
    claims are set (the ``wirewatch_events`` component wraps it)."""

    def __init__(self) -> None:
        lex = trigger_lexicon()
        self.terror_words = lex.terror_words
        self.message_nouns = lex.message_nouns
        self.nouns = actor_nouns()
        self.habitual = factuality_lexicon().habitual
        self.other_incident = factuality_lexicon().other_incident

    def find(self, doc: Doc) -> list[dict]:
        events: list[_Event] = []
        carried: dict | None = None  # attribution carried by "... provided by X:" paragraphs
        for sent in doc.sents:
            attribution = sentence_status(doc, sent, carried)
            for event in self._sentence_events(doc, sent):
                event.status, event.sources = apply_status(event.status, event.sources,
                                                           attribution)
                if not self._merge_anaphor(event, events):
                    events.append(event)
            carried = carry_attribution(sent, attribution, carried)
        events = self._merge_headline(events)
        events = self._merge_incident_mentions(doc, events)
        self._responsibility(doc, events)
        return [self._record(doc, n, e) for n, e in enumerate(events, start=1)]

    # -- sentence level ------------------------------------------------------------------
    def _sentence_events(self, doc: Doc, sent: Span) -> list[_Event]:
        triggers = find_triggers(sent)
        if not triggers:
            return []
        casualties = find_casualties(sent)
        groups: dict[tuple[str, str], _Event] = {}
        for trig in triggers:
            fact = factuality(trig.token)
            key = (trig.sense.type, fact)
            if key not in groups:
                groups[key] = _Event(trig.sense.type, None, fact, sent, [])
            groups[key].triggers.append(trig)
        event_nouns = {i for t in triggers for i in range(t.start, t.end)
                       if t.is_noun or i != t.token.i}
        out: list[_Event] = []
        for event in groups.values():
            if all(t.sense.weak for t in event.triggers) and not self._supported(event, casualties, groups):
                continue
            primary = event.primary
            event.mode = primary.mode or next(
                (t.mode for t in event.triggers if t.mode and not t.sense.weak), None)
            for trig in event.triggers:
                event.contexts.update(trig.sense.contexts)
                role = ("target" if event.type not in HARM_TYPES
                        else "victim" if trig.sense.casualty else "auto")
                event.arguments.extend(
                    find_arguments(trig.token, trig.is_noun, sent, event_nouns, role))
                if event.type == "FIGHT" and not any(a.role == "agent" for a in event.arguments):
                    event.arguments.extend(fight_sides(trig.token, trig.is_noun))
                for mod in trig.modifiers:
                    if mod.i not in {a.head.i for a in event.arguments}:
                        # "car bomb" is the weapon; in "car bombing" the car is
                        end = trig.token.i + 1 if trig.token.lemma_.lower() in weapon_lemmas() \
                            else mod.i + 1
                        event.arguments.append(Argument("instrument", mod, mod.i, end))
            if event.type == "THREATEN" and not any(a.role == "target" for a in event.arguments):
                event.arguments.extend(self._root_object(doc, sent))
            if not any(a.role == "agent" for a in event.arguments) and event.type in SPEECH_ACTS:
                agent = self._sole_armed_group(doc, sent, primary.token.i)
                if agent is not None:
                    event.arguments.append(agent)
            if event.type in HARM_TYPES and event.factuality == "actual":
                wanted = ARREST_SLOTS if event.type == "COERCE" else HARM_SLOTS
                event.casualties = [c for c in casualties if c.slot in wanted]
            event.places, event.location = pick_location(doc, sent, primary.token)
            self._not_places(doc, event)
            event.times, event.time = pick_time(doc, sent, primary.token)
            self._contexts(event, sent)
            out.append(event)
        return out

    @staticmethod
    def _not_places(doc: Doc, event: _Event) -> None:
        """A place that is the event's target ("targets Russia") is not where it happened."""
        taken = {(doc[a.start].idx, doc[a.end - 1].idx + len(doc[a.end - 1]))
                 for a in event.arguments if a.role in ("target", "victim", "agent")}
        kept = [p for p in event.places if (p["span"]["start"], p["span"]["end"]) not in taken]
        if len(kept) != len(event.places):
            event.places = kept
            if event.location is not None and event.location not in kept:
                event.location = kept[0] if kept else None

    @staticmethod
    def _root_object(doc: Doc, sent: Span) -> list[Argument]:
        """A threat's target when the parse hides it: the named object of the sentence's
        main verb ("the video targets Russia, ... threatening attacks")."""
        token_entity = doc._.ww_token_entity or {}
        for child in sent.root.children:
            if child.dep_ == "dobj" and child.i in token_entity and child.ent_type_ in (
                    "GPE", "PERSON", "ORG"):
                return [Argument("target", child, child.i, child.i + 1)]
        return []

    @staticmethod
    def _sole_armed_group(doc: Doc, sent: Span, before: int) -> Argument | None:
        """The one armed group named before the trigger in its sentence, if exactly one."""
        kinds = {e["id"]: e["kind"] for e in get_list(doc, "ww_entities")}
        token_entity = doc._.ww_token_entity or {}
        found: dict[str, int] = {}
        for i in range(sent.start, before):
            eid = token_entity.get(i)
            if eid and kinds.get(eid) == "armed_group":
                found.setdefault(eid, i)
        if len(found) != 1:
            return None
        (eid, i), = found.items()
        start = end = i
        while start - 1 >= sent.start and token_entity.get(start - 1) == eid:
            start -= 1
        while end + 1 < sent.end and token_entity.get(end + 1) == eid:
            end += 1
        return Argument("agent", doc[i], start, end + 1)

    @staticmethod
    def _supported(event: _Event, casualties: list[Casualty],
                   groups: dict[tuple[str, str], _Event]) -> bool:
        """A weak trigger ("strike", "hit") needs a casualty or weapon in its sentence."""
        if casualties and event.type in HARM_TYPES:
            return True
        weapons = weapon_lemmas()
        return any(t.lemma_.lower() in weapons for t in event.sent) and event.type in VIOLENT_TYPES

    def _contexts(self, event: _Event, sent: Span) -> None:
        lemmas = {t.lemma_.lower() for t in sent}
        if lemmas & self.terror_words:
            event.contexts.add("terrorism")
        if lemmas & {"propaganda", "video"}:
            event.contexts.add("propaganda")
        if event.mode == "execution":
            event.contexts.add("terrorism") if lemmas & self.terror_words else None

    # -- cross-sentence merging ----------------------------------------------------------
    def _merge_anaphor(self, event: _Event, events: list[_Event]) -> bool:
        """Fold a later mention into the earlier event it describes: a definite mention ("the
        attack", "the execution"), or a further sentence about an attack that names no other
        time or place ("The vehicle was detonated as officers stopped it")."""
        primary = event.primary
        definite = primary.is_noun and any(
            c.dep_ == "det" and c.lower_ in ANAPHORIC_DETS for c in primary.token.children)
        elaboration = (event.type in HARM_TYPES and event.factuality == "actual"
                       and event.location is None and (event.time is None
                                                       or not event.time.get("value")))
        if not (definite or elaboration):
            return False
        candidates = [e for e in events if e.type == event.type and e.factuality == event.factuality
                      and (event.mode is None or e.mode in (None, event.mode))
                      and compatible_times(e.time, event.time)
                      and compatible_places(e.location, event.location)]
        if not candidates:
            return False
        kinds = self._victim_kinds(event)
        matching = [e for e in candidates if kinds & self._victim_kinds(e)]
        target = (matching or candidates)[-1]
        self._absorb(target, event)
        return True

    @staticmethod
    def _absorb(target: _Event, event: _Event) -> None:
        """Fold a second mention of ``target`` into it: its new arguments and sources."""
        primary = event.primary
        target.extra_sents.append(event.sent)
        target.mentions.append(event.sent.doc[primary.start : primary.end])
        doubtful = event.status in ("alleged", "claimed", "unconfirmed", "denied")
        named_agent = any(a.role == "agent" and _names_someone(a) for a in target.arguments)
        for arg in event.arguments:
            if arg.role == "agent" and doubtful:
                target.responsibility.append({
                    "arg": arg, "mode": "claimed" if event.status == "claimed" else "attributed"})
            elif arg.role not in {a.role for a in target.arguments if a.role != "agent"
                                  or _may_act(a)} or arg.role == "victim" \
                    or (arg.role == "agent" and not named_agent and _names_someone(arg)):
                # a later mention that names the perpetrator ("Police said Kyle Carney shot
                # and killed Regula") names the agent the lead only described ("a man")
                target.arguments.append(arg)
        if event.status in ("unconfirmed", "denied"):
            target.status = more_doubtful(target.status, event.status)
        for source in event.sources:
            if source not in target.sources:
                target.sources.append(source)
        target.contexts.update(event.contexts)
        target.casualties.extend(event.casualties)
        target.places.extend(event.places)
        target.times.extend(event.times)
        target.location = more_specific_place(target.location, event.location)
        target.time = more_specific_time(target.time, event.time)

    def _merge_incident_mentions(self, doc: Doc, events: list[_Event]) -> list[_Event]:
        """One event per real-world incident per article: a later actual mention of violence
        of the same type and mode ("The toddler was shot on Saturday afternoon ...") is the
        incident an earlier one reported ("A 2-year-old boy shot and killed near his home"),
        unless something says it is another: a day, month or place of its own that conflicts,
        an own date more than a month before the report (history), a plural or generic
        mention ("33 separate shootings"), or words that introduce another incident."""
        kept: list[_Event] = []
        for event in events:
            target = None
            if event.type in VIOLENT_TYPES and event.factuality == "actual" \
                    and not self._other_incident(doc, event):
                target = next((e for e in kept if self._same_incident(doc, e, event)), None)
            if target is None:
                kept.append(event)
            else:
                self._absorb(target, event)
        return kept

    def _other_incident(self, doc: Doc, event: _Event) -> bool:
        token = event.primary.token
        if token.tag_ in ("NNS", "NNPS"):
            return True
        text = event.sent.text.lower()
        words = {t.lower_ for t in event.sent}
        return bool(words & self.other_incident) or any(
            w in text for w in self.other_incident if " " in w)

    def _same_incident(self, doc: Doc, earlier: _Event, later: _Event) -> bool:
        if earlier.type != later.type or earlier.factuality != "actual" \
                or earlier.primary.token.tag_ in ("NNS", "NNPS"):
            return False
        if earlier.mode and later.mode and earlier.mode != later.mode:
            return False
        if not compatible_times(earlier.time, later.time) \
                or not compatible_places(earlier.location, later.location):
            return False
        published = doc._.ww_published
        for one, other in ((earlier, later), (later, earlier)):
            own = (one.time or {}).get("value")
            if own and not (other.time or {}).get("value") and published \
                    and _long_before(own, published):
                return False  # an old incident recalled beside today's
        return True

    @staticmethod
    def _merge_headline(events: list[_Event]) -> list[_Event]:
        """A headline restates the lead: "Blast in Quetta" is the bombing of the first
        paragraph, not a second bombing."""
        if not events:
            return events
        first_sent = events[0].sent
        if first_sent.start != 0 or first_sent.text.rstrip()[-1:] in ".!?\"”'":
            return events
        kept: list[_Event] = []
        for event in events:
            if event.sent == first_sent:
                later = [e for e in events if e.sent != first_sent and e.type == event.type
                         and e.factuality == event.factuality
                         and (event.mode is None or e.mode in (None, event.mode))]
                if later:
                    EventExtractor._absorb(later[0], event)
                    continue
            kept.append(event)
        return kept

    def _victim_kinds(self, event: _Event) -> set[str]:
        kinds = set()
        for arg in event.arguments:
            if arg.role == "victim":
                entry = self.nouns.get(arg.head.lemma_.lower())
                if entry:
                    kinds.add(entry["kind"])
        return kinds

    def _responsibility(self, doc: Doc, events: list[_Event]) -> None:
        """"X claimed responsibility", "officials blamed X", "X denied involvement"; a
        suspect "charged with murder" is one the authorities hold responsible (attributed)."""
        for sent in doc.sents:
            for token in sent:
                lemma = token.lemma_.lower()
                mode = None
                if lemma in _CLAIM_VERBS and any(c.lemma_.lower() in ("responsibility", "credit")
                                                 for c in token.children):
                    mode = "claimed"
                elif lemma in ("blame", "accuse", "attribute") and _about_attack(token):
                    mode = "attributed"
                elif lemma in _SUSPECT_VERBS and _charged_with_violence(token):
                    mode = "charged"
                elif lemma == "deny" and any(c.lemma_.lower() in ("involvement", "responsibility",
                                                                   "role", "link")
                                             for c in token.children):
                    mode = "denied"
                if mode is None:
                    continue
                holder = None
                charged = mode == "charged"
                if charged:  # "police charged X with murder", "X was charged with"
                    holder = _suspect(token)
                    mode = "attributed"
                elif mode == "attributed":  # "blamed X", "X was accused of the attack"
                    holder = next((c for c in token.children if c.dep_ == "dobj"), None) or \
                        next((c for c in token.children if c.dep_ == "nsubjpass"
                              and c.pos_ == "PROPN"), None)
                else:
                    holder = next((c for c in token.children if c.dep_ == "nsubj"), None)
                if holder is None:
                    continue
                target = self._event_for(events, sent)
                if target is None and charged:  # a headline's "Man charged in shooting"
                    target = next((e for e in events if e.type in VIOLENT_TYPES
                                   and e.factuality == "actual"), None)
                if target is not None:
                    start, end = holder.left_edge.i, holder.i + 1
                    while start < end and doc[start].lower_ in ("the", "a", "an"):
                        start += 1
                    target.responsibility.append({
                        "arg": Argument("agent", holder, start, end), "mode": mode})

    @staticmethod
    def _event_for(events: list[_Event], sent: Span) -> _Event | None:
        same = [e for e in events if e.sent == sent and e.type in VIOLENT_TYPES]
        if same:
            return same[0]
        before = [e for e in events if e.sent.start <= sent.start and e.type in VIOLENT_TYPES
                  and e.factuality == "actual"]
        return before[-1] if before else None

    # -- record ---------------------------------------------------------------------------
    def _record(self, doc: Doc, n: int, event: _Event) -> dict:
        primary = event.primary
        sents = [event.sent, *event.extra_sents]
        arguments = self._arguments(doc, event)
        location, time = event.location, event.time
        casualties = self._casualties(doc, event)
        responsibility = []
        for item in event.responsibility:
            arg: Argument = item["arg"]
            span = char_span(doc, doc[arg.start].idx, doc[arg.end - 1].idx + len(doc[arg.end - 1]))
            responsibility.append({"name": span["text"], "entity": argument_entity(doc, arg),
                                   "mode": item["mode"], "span": span})
        if not any(a["role"] == "agent" and a.get("entity") for a in arguments):
            # the perpetrator a claim or an attribution of responsibility names elsewhere
            # ("the Provisional IRA accepted responsibility", "police blamed X", "X was
            # charged with murder") is the agent, with the status that says how it is known;
            # beside an agent only described ("a gunman"), the name is the same agent
            holder = next((r for r in responsibility if r["mode"] in ("claimed", "attributed")
                           and r["name"].lower() not in PRONOUNS), None)
            if holder is not None:
                arguments.append({"role": "agent", "entity": holder["entity"],
                                  "span": holder["span"],
                                  "status": "claimed" if holder["mode"] == "claimed"
                                  else "alleged"})
        if responsibility and not any(a["role"] == "agent" and "status" not in a
                                      for a in arguments):
            event.contexts.add("terrorism") if any(
                self._entity_kind(doc, r["entity"]) == "armed_group" for r in responsibility) else None
        if any(self._entity_kind(doc, a["entity"]) == "armed_group" for a in arguments
               if a["role"] == "agent") and event.type in VIOLENT_TYPES | {"THREATEN", "MOBILIZE"}:
            event.contexts.add("terrorism")
        confidence = 0.5 + (0.15 if not primary.sense.weak else 0.0)
        confidence += 0.05 * len({a["role"] for a in arguments})
        confidence += 0.05 if any(casualties[s] is not None for s in CASUALTY_KINDS) else 0.0
        generic = self._generic(event, casualties, location, time)
        if time is None and event.factuality == "actual" and not generic:
            time = _report_time(doc)
        if event.factuality == "actual" and not generic:
            # The article's main place, when its own sentences name none or only an area
            # holding it. Given here, after merging and the generic test, which look at
            # own places only.
            location = with_main_place(doc, location)
        record = {
            "id": f"v{n}", "type": event.type, "mode": event.mode,
            "generic": generic,
            "contexts": sorted(event.contexts),
            "trigger": char_span(doc, doc[primary.start].idx,
                                 doc[primary.end - 1].idx + len(doc[primary.end - 1])),
            "evidence": _sentence_span(doc, event.sent),
            "factuality": event.factuality, "status": event.status,
            "sources": event.sources, "arguments": arguments, "time": time,
            "location": location, "casualties": casualties,
            "responsibility": responsibility,
            "confidence": round(min(confidence, 0.95), 2),
            "mentions": [span_of(doc, m) for m in event.mentions],
            "evidence_extra": [_sentence_span(doc, s) for s in sents[1:]],
        }
        return record

    def _generic(self, event: _Event, casualties: dict, location: dict | None,
                 time: dict | None) -> bool:
        """A pattern of events, not one incident: "kidnappings have surged", "the group has
        repeatedly attacked convoys" — a bare plural or a habitual sentence, with no date,
        town or casualty figure of its own; or a tally over a period (``_tally``)."""
        if time and time.get("precision") in ("day", "week"):
            return False
        words = {t.lower_ for t in event.sent}
        if words & self.habitual or any(phrase in event.sent.text.lower()
                                        for phrase in self.habitual if " " in phrase):
            return True  # "has killed tens of thousands since 2009": a cumulative toll
        if _tally(event.sent.text, words, time):
            return True  # "173 social leaders were killed in 2024", "bombed 30 times"
        if any(casualties[s] is not None for s in CASUALTY_KINDS):
            return False
        if location and location.get("precision") in LOCAL_PRECISIONS:
            return False
        token = event.primary.token
        if token.dep_ == "dobj" and token.head.tag_ == "VBD":
            return False  # what someone did, once: "staged protests", "held human chains"
        return token.tag_ in ("NNS", "NNPS") and not any(
            c.dep_ in ("det", "nummod", "poss") for c in token.children)

    @staticmethod
    def _entity_kind(doc: Doc, eid: str | None) -> str | None:
        if eid is None:
            return None
        for entity in get_list(doc, "ww_entities"):
            if entity["id"] == eid:
                return entity["kind"]
        return None

    def _arguments(self, doc: Doc, event: _Event) -> list[dict]:
        out: list[dict] = []
        seen: set[tuple[int, int]] = set()
        # one role per span: a phrase that is both victim and agent is a parse error
        priority = {"victim": 0, "target": 1, "instrument": 2, "agent": 3}
        for arg in sorted(event.arguments, key=lambda a: (a.start, priority[a.role])):
            key = (arg.start, arg.end)
            if key in seen:
                continue
            seen.add(key)
            last = doc[arg.end - 1]
            eid = argument_entity(doc, arg)
            span = char_span(doc, doc[arg.start].idx, last.idx + len(last))
            item = {"role": arg.role, "entity": eid, "span": span}
            named = _named_antecedent(doc, eid, span) if arg.head.pos_ == "PRON" else None
            if named is not None:  # "he" -> "Abu Yasser"; the pronoun stays as evidence
                item = {"role": arg.role, "entity": eid, "span": named, "anaphor": span}
            out.append(item)
        token_entity = doc._.ww_token_entity or {}
        for loc in event.places:
            span = loc["span"]
            tok = doc.char_span(span["start"], span["end"], alignment_mode="expand")
            eid = token_entity.get(tok.start) if tok is not None else None
            out.append({"role": "place", "entity": eid, "span": span})
        for tm in event.times:
            out.append({"role": "time", "entity": None, "span": tm["span"]})
        return out

    @staticmethod
    def _casualties(doc: Doc, event: _Event) -> dict:
        out: dict = {slot: None for slot in CASUALTY_KINDS}
        spans = []
        victim_kind = None
        for cas in event.casualties:
            if cas.count is not None:
                out[cas.slot] = max(out[cas.slot] or 0, cas.count)
            victim_kind = victim_kind or cas.victim_kind
            spans.append(char_span(doc, cas.start_char, cas.end_char))
        out["victim_kind"] = victim_kind
        out["spans"] = spans
        return out


def _may_act(arg: Argument) -> bool:
    return not_an_actor(arg.head.doc[arg.start:arg.end], "agent") is None


_TIMES = re.compile(r"\b(\d+|dozens?|hundreds?|several|more than \w+) times\b")
_ESTIMATES = frozenset({"estimate", "estimates", "estimated", "tally", "tallies", "tallied"})


def _tally(text: str, words: set[str], time: dict | None) -> bool:
    """A count over a period, not one incident, in a sentence without a day or week: a
    repetition ("was bombed more than 30 times last year"), an estimate of a toll ("a rights
    group estimates that 173 social leaders were killed in 2024"), or a count over a span
    of months ("attacked more than 100 ships between November 2023 and early this year")."""
    lowered = text.lower()
    if _TIMES.search(lowered) or words & _ESTIMATES:
        return True
    precision = (time or {}).get("precision")
    return precision in ("month", "year") and "between" in words and bool(
        re.search(r"\b(more than|over|at least) \d{2,}\b", lowered))


def _names_someone(arg: Argument) -> bool:
    """The argument names a person or a group that may act (a title-case headline's
    "Vigil", tagged a person, does not)."""
    return arg.head.pos_ == "PROPN" and arg.head.ent_type_ in ("PERSON", "ORG", "NORP") \
        and _may_act(arg)


def _charged_with_violence(verb) -> bool:
    """A suspect verb whose charge is violence: "charged with murder", "faces first-degree
    murder charges", "arrested for shooting", "accused of killing", "pleaded guilty to
    manslaughter", "identified the shooter as" (the noun says it)."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if lemma == "identify" and child.dep_ == "dobj":
            if child.lemma_.lower() in _PERPETRATOR_NOUNS:
                return True
            continue
        if child.dep_ in ("prep", "dobj", "advcl", "acomp") or (
                lemma == "accuse" and child.dep_ == "pcomp"):
            if lemma == "face" and child.dep_ == "dobj" and child.lemma_.lower() not in (
                    "charge", "count", "allegation"):
                continue
            lemmas = {t.lemma_.lower() for t in child.subtree}
            if lemmas & _CHARGE_CRIMES and not lemmas & _NOT_THE_SHOOTER:
                return True
    return False


def _suspect(verb):
    """The named suspect of a suspect verb: its object or passive subject ("charged X",
    "X was charged"), the subject of "X faces" / "X pleaded", the name an identification
    gives ("identified the shooter as X"); through "arrested X and charged him" to X."""
    lemma = verb.lemma_.lower()
    wanted = ("dobj", "nsubjpass") if lemma not in ("face", "plead") else ("nsubj",)
    if lemma == "identify":
        found = next((g for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"
                      for g in c.children if g.dep_ == "pobj"), None)
        return found if found is not None and found.pos_ == "PROPN" else None
    holder = next((c for c in verb.children if c.dep_ in wanted), None)
    if holder is not None and holder.pos_ == "PRON" and verb.dep_ == "conj":
        holder = next((c for c in verb.head.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if holder is None and verb.dep_ == "conj":  # "X was arrested and charged with murder"
        holder = next((c for c in verb.head.children if c.dep_ in ("nsubjpass", "nsubj")), None)
    return holder if holder is not None and holder.pos_ == "PROPN" else None


def _about_attack(verb) -> bool:
    """"blamed X for the bombing" / "accused X of the attack", not "accused them of spying"."""
    lex = trigger_lexicon()
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "on", "to"):
            for t in child.subtree:
                if t.lemma_.lower() in lex.nouns or t.lemma_.lower() in lex.verbs:
                    return True
    return False


def _named_antecedent(doc: Doc, eid: str | None, span: dict) -> dict | None:
    """The closest named mention of an entity before a pronoun that refers to it."""
    if eid is None:
        return None
    for entity in get_list(doc, "ww_entities"):
        if entity["id"] == eid:
            named = [m for m in entity["mentions"] if m["start"] < span["start"]
                     and not _is_pronoun_text(m["text"])]
            return named[-1] if named else None
    return None


def _is_pronoun_text(text: str) -> bool:
    return text.lower() in {"he", "him", "his", "she", "her", "hers", "they", "them", "their",
                            "it", "its", "himself", "herself", "themselves", "we", "us"}


def _long_before(value: str, published: str, days: int = 31) -> bool:
    """True when a time value ("2003-11", "2015-07-18") ends more than ``days`` before the
    publication day."""
    from datetime import date, timedelta

    try:
        pub = date.fromisoformat(published[:10])
        year = int(value[:4])
        month = int(value[5:7]) if len(value) >= 7 else 12
        day = int(value[8:10]) if len(value) >= 10 else 28
        return date(year, month, min(day, 28)) < pub - timedelta(days=days)
    except (ValueError, OverflowError):  # before 0001-01-01: not a date to compare
        return False


def _report_time(doc: Doc) -> dict | None:
    """The time a coder gives an actual event that states none of its own: the report's
    day, marked ``basis: "report"`` (no span: nothing in the text says it)."""
    published = doc._.ww_published
    if not published:
        return None
    return {"value": published, "precision": "day", "span": None, "basis": "report"}


def _sentence_span(doc: Doc, sent: Span) -> dict:
    text = sent.text
    end = sent.start_char + len(text.rstrip())
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return char_span(doc, start, max(end, start))
