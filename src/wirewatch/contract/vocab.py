"""The contract's vocabulary, declared once: every closed set of words a record may hold.

The enums are the names; the plain tuples, frozensets and maps below them are what stages
use at run time. Those hold plain ``str`` values (never enum members) so that records,
database rows and JSON built from them are exactly what they were before this module
existed. ``record.schema.json`` repeats the enums for readers outside Python;
``tests/test_contract.py`` keeps the two equal.

This module sits at the bottom of the import graph: it imports nothing from wirewatch.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


def _values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The enum's values as plain strings, in declaration order."""
    return tuple(member.value for member in kind)


# -- statuses ---------------------------------------------------------------------------


class Status(StrEnum):
    """How firmly, and on whose word, a record states an event. Declared in order of doubt:
    each member is less certain than the one before it."""

    ASSERTED = "asserted"  # the outlet states it in its own voice
    REPORTED = "reported"  # attributed to another source
    CLAIMED = "claimed"  # an interested party's own statement (a group about its acts)
    ALLEGED = "alleged"  # hedged
    UNCONFIRMED = "unconfirmed"
    DENIED = "denied"


#: Event statuses; doubt grows left to right (merged mentions keep the most doubtful one,
#: an incident summary the least doubtful).
STATUS_ORDER: tuple[str, ...] = _values(Status)


class ClaimStatus(StrEnum):
    """How a claim's source puts it. A claim can be ``estimated`` (a figure someone
    estimates); an event cannot: it counts as ``reported`` (see ``EVENT_STATUS``)."""

    REPORTED = "reported"
    ESTIMATED = "estimated"
    CLAIMED = "claimed"
    DENIED = "denied"
    UNCONFIRMED = "unconfirmed"
    ALLEGED = "alleged"


#: Statuses a claim can have (the reporting-cue lexicon is checked against them).
CLAIM_STATUSES: tuple[str, ...] = _values(ClaimStatus)
#: Claim status -> event status, for the claim statuses that are not event statuses.
EVENT_STATUS: Mapping[str, str] = MappingProxyType({ClaimStatus.ESTIMATED.value: Status.REPORTED.value})


class Factuality(StrEnum):
    """Whether the event happened, according to the sentence that states it."""

    ACTUAL = "actual"
    FUTURE = "future"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"


FACTUALITIES: tuple[str, ...] = _values(Factuality)


class ResponsibilityMode(StrEnum):
    """How a party is tied to an event it is held responsible for."""

    CLAIMED = "claimed"  # the party says it did it
    ATTRIBUTED = "attributed"  # someone else says the party did it
    DENIED = "denied"  # the party says it did not


RESPONSIBILITY_MODES: tuple[str, ...] = _values(ResponsibilityMode)


# -- casualties, roles, actors ----------------------------------------------------------


class CasualtyKind(StrEnum):
    """What happened to the people an event's casualty figures count."""

    KILLED = "killed"
    INJURED = "injured"
    KIDNAPPED = "kidnapped"
    ARRESTED = "arrested"


#: The casualty slots of an event, in the order records, rows and summaries list them.
CASUALTY_KINDS: tuple[str, ...] = _values(CasualtyKind)


class ArgumentRole(StrEnum):
    """The part a participant (or place, or time) plays in an event."""

    AGENT = "agent"
    VICTIM = "victim"
    TARGET = "target"
    INSTRUMENT = "instrument"
    PLACE = "place"
    TIME = "time"


ARGUMENT_ROLES: tuple[str, ...] = _values(ArgumentRole)


class EntityKind(StrEnum):
    """What sort of actor an entity is (an entity's ``kind`` may also be null: unknown)."""

    ARMED_GROUP = "armed_group"
    STATE = "state"
    GOVERNMENT = "government"
    MILITARY = "military"
    POLICE = "police"
    SECURITY_SERVICE = "security_service"
    MEDIA = "media"
    POLITICAL_PARTY = "political_party"
    CIVILIANS = "civilians"
    RELIGIOUS_GROUP = "religious_group"
    INTERNATIONAL_ORG = "international_org"
    OTHER = "other"


ENTITY_KINDS: tuple[str, ...] = _values(EntityKind)


# -- precision --------------------------------------------------------------------------


class LocationPrecision(StrEnum):
    """How exactly a location is known. Declared from the most to the least specific."""

    POINT = "point"
    CITY = "city"
    ADMIN2 = "admin2"
    ADMIN1 = "admin1"
    REGION = "region"
    COUNTRY = "country"


LOCATION_PRECISIONS: tuple[str, ...] = _values(LocationPrecision)
#: Location precision -> specificity rank (lower is more specific).
PRECISION_RANK: Mapping[str, int] = MappingProxyType(
    {precision: rank for rank, precision in enumerate(LOCATION_PRECISIONS)})
#: Precisions that place an event within a town's reach (the district at most): enough
#: to tell one incident from another, or an incident from a pattern of events.
LOCAL_PRECISIONS: frozenset[str] = frozenset(
    {LocationPrecision.POINT.value, LocationPrecision.CITY.value, LocationPrecision.ADMIN2.value})


class TimePrecision(StrEnum):
    """How exactly a time is known. Declared from the most to the least specific."""

    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


TIME_PRECISIONS: tuple[str, ...] = _values(TimePrecision)
#: An event's time is never finer than its day: a time mention may be an ``hour``, the
#: event that it dates takes the day.
EVENT_TIME_PRECISIONS: tuple[str, ...] = tuple(p for p in TIME_PRECISIONS if p != TimePrecision.HOUR)
#: Time precision -> specificity rank (lower is more specific). An hour ranks with its day:
#: choosing between two times of an event, "at 3 pm" says no more than "on Friday".
TIME_RANK: Mapping[str, int] = MappingProxyType(
    {"hour": 0, "day": 0, "week": 1, "month": 2, "year": 3})


# -- event types and their groups -------------------------------------------------------


class EventType(StrEnum):
    """PLOVER event categories (the public PLOVER/POLECAT codebook)."""

    ASSAULT = "ASSAULT"
    FIGHT = "FIGHT"
    COERCE = "COERCE"
    THREATEN = "THREATEN"
    MOBILIZE = "MOBILIZE"
    PROTEST = "PROTEST"
    DEMAND = "DEMAND"
    DISAPPROVE = "DISAPPROVE"
    REJECT = "REJECT"
    SANCTION = "SANCTION"
    CRIME = "CRIME"
    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    COOPERATE = "COOPERATE"
    AID = "AID"
    CONCEDE = "CONCEDE"
    RETREAT = "RETREAT"
    INVESTIGATE = "INVESTIGATE"


EVENT_TYPES: tuple[str, ...] = _values(EventType)

# The groups below differ on purpose; each answers its own question, and several stages
# depend on exactly these members (changing one changes outputs).

#: Physical violence between parties: attacks and armed clashes. Their triggers take
#: weapon modes ("car bombing"), a weapon in the sentence supports a weak trigger, and
#: later sentences about "the attack" fold into them.
VIOLENT_TYPES: frozenset[str] = frozenset({EventType.ASSAULT.value, EventType.FIGHT.value})
#: Events that do bodily harm to people, so their casualty figures are counted (killed,
#: injured, kidnapped for violence; arrested for COERCE) and their patient is a victim
#: rather than a target. Violence plus coercion (abductions, arrests).
HARM_TYPES: frozenset[str] = VIOLENT_TYPES | {EventType.COERCE.value}
#: The types of MUC-4 incidents (attacks, bombings, kidnappings, arrests, robberies): the
#: trained role model only acts on these, since its training data holds no others. Harm
#: types plus CRIME.
ROLE_MODEL_TYPES: frozenset[str] = HARM_TYPES | {EventType.CRIME.value}
#: Statements and calls, not deeds, whose speaker is often only implied by the sentence's
#: one armed group (threats, calls to mobilise, demands, declarations of support).
SPEECH_ACTS: frozenset[str] = frozenset({EventType.THREATEN.value, EventType.MOBILIZE.value,
                                         EventType.DEMAND.value, EventType.SUPPORT.value})
#: Type -> incident group: types in one group can be reports of the same incident ("an
#: attack" and "clashes"; "a rally" and "protesters gathered"). Only these types make
#: incidents in a store: physical, datable occurrences (not statements).
INCIDENT_GROUPS: Mapping[str, str] = MappingProxyType({
    EventType.ASSAULT.value: "violence",
    EventType.FIGHT.value: "violence",
    EventType.COERCE.value: "coerce",
    EventType.PROTEST.value: "protest",
    EventType.MOBILIZE.value: "protest",
})
#: The event types that make incidents (the keys of ``INCIDENT_GROUPS``).
INCIDENT_TYPES: frozenset[str] = frozenset(INCIDENT_GROUPS)
