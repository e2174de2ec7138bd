"""Candidate argument phrases and their features, for the trained role classifier.

Dependency rules find the arguments a sentence states plainly; many role fillers hang further
from the trigger ("a soldier guarding the substation was wounded"). Every noun phrase of a
sentence that states an event is a candidate; a linear model over hashed features decides
whether it plays a role. Features are strings hashed into a fixed-size vector, so the model
is a plain weight matrix.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.knowledge.actors import actor_nouns
from wirewatch.nlp.extensions import get_list

#: Model output classes; index 0 means "no role".
CLASSES: tuple[str, ...] = ("none", "PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
N_FEATURES = 1 << 18
_SKIP_HEADS = frozenset({"PRON", "NUM", "DET"})


@dataclass
class Candidate:
    span: Span
    head: Token
    event_index: int  # position in doc._.ww_events of the event of its sentence
    features: list[int]


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def _phrases(sent: Span) -> Iterator[Span]:
    """Noun chunks and named entities of a sentence, without leading articles."""
    seen: set[tuple[int, int]] = set()
    doc = sent.doc
    for chunk in (*sent.noun_chunks, *sent.ents):
        start, end = chunk.start, chunk.end
        while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
            start += 1
        if start >= end or (start, end) in seen:
            continue
        seen.add((start, end))
        yield doc[start:end]


def _path(token: Token, target: Token, limit: int = 4) -> str:
    """Dependency labels from ``token`` up to the common ancestor with ``target``."""
    ups: list[str] = []
    node = token
    target_ancestors = {target.i, *(a.i for a in target.ancestors)}
    while node.i not in target_ancestors and len(ups) < limit and node.head is not node:
        ups.append(node.dep_)
        node = node.head
    downs: list[str] = []
    tnode = target
    while tnode.i != node.i and len(downs) < limit and tnode.head is not tnode:
        downs.append(tnode.dep_)
        tnode = tnode.head
    return "/".join(ups) + "^" + "/".join(reversed(downs))


def candidates(doc: Doc, events: list[dict]) -> list[Candidate]:
    """Candidate phrases of a document that states ``events`` (its contract Event dicts),
    each tied to the nearest event (in its own sentence when it has one), with hashed
    features."""
    if not events:
        return []
    token_entity = doc._.ww_token_entity or {}
    kinds = {e["id"]: (e["type"], e["kind"]) for e in get_list(doc, "ww_entities")}
    nouns = actor_nouns()
    sent_events: dict[int, list[tuple[int, Token, dict]]] = {}
    sent_index = {s.start: n for n, s in enumerate(doc.sents)}
    for n, event in enumerate(events):
        trig = doc.char_span(event["trigger"]["start"], event["trigger"]["end"],
                             alignment_mode="expand")
        if trig is None:
            continue
        tok = trig.root
        sent_events.setdefault(tok.sent.start, []).append((n, tok, event))
    roles_by_span: dict[tuple[int, int], str] = {}
    for event in events:
        for arg in event["arguments"]:
            roles_by_span[(arg["span"]["start"], arg["span"]["end"])] = arg["role"]
    out: list[Candidate] = []
    n_sents = len(sent_index)
    located = [(sent_index[start], item) for start, items in sent_events.items()
               for item in items]
    for sent in doc.sents:
        position = sent_index[sent.start]
        here = sent_events.get(sent.start)
        if here:
            pool, gap = here, 0
        else:  # a sentence without a trigger: the closest event before it (else after)
            gap, item = min(located, key=lambda x: (abs(x[0] - position), x[0] > position))
            pool, gap = [item], gap - position
        for phrase in _phrases(sent):
            head = phrase.root
            if head.pos_ in _SKIP_HEADS or head.ent_type_ in ("DATE", "TIME", "CARDINAL",
                                                              "ORDINAL", "PERCENT", "MONEY"):
                continue
            n, trig, event = min(pool, key=lambda item: abs(item[1].i - head.i))
            feats = _features(phrase, head, trig, event, token_entity, kinds, nouns,
                              roles_by_span, position, n_sents)
            feats.append(f"gap={max(min(gap, 3), -3)}")
            if gap:
                feats.extend((f"gh={head.lemma_.lower()}|far", f"gd={head.dep_}|far"))
            out.append(Candidate(phrase, head, n, [_hash(f) for f in feats]))
    return out


def _features(phrase: Span, head: Token, trig: Token, event: dict,
              token_entity: dict[int, str], kinds: dict[str, tuple[str, str | None]],
              nouns: dict[str, dict], roles_by_span: dict[tuple[int, int], str],
              position: int, n_sents: int) -> list[str]:
    lemma = head.lemma_.lower()
    tlemma = trig.lemma_.lower()
    eid = token_entity.get(head.i)
    etype, ekind = kinds.get(eid, (None, None)) if eid else (None, None)
    inner = {kinds.get(token_entity.get(i), (None, None))[0] for i in range(phrase.start,
                                                                              phrase.end)}
    noun = nouns.get(lemma)
    rule_role = roles_by_span.get((phrase.start_char, phrase.end_char))
    dist = head.i - trig.i
    feats = [
        "bias", f"h={lemma}", f"hd={head.dep_}", f"hp={head.tag_}", f"t={tlemma}",
        f"ty={event['type']}", f"mo={event['mode']}", f"fa={event['factuality']}",
        f"ht={lemma}|{tlemma}", f"path={_path(head, trig)}", f"pt={_path(head, trig)}|{tlemma}",
        f"ent={head.ent_type_}", f"et={etype}", f"ek={ekind}", f"rr={rule_role}",
        f"rrt={rule_role}|{event['type']}", f"nk={noun['kind'] if noun else None}",
        f"np={bool(noun and noun.get('perpetrator'))}", f"side={'L' if dist < 0 else 'R'}",
        f"dist={min(abs(dist) // 3, 6)}", f"pos={min(position, 5)}",
        f"last={position == n_sents - 1}", f"len={min(len(phrase), 6)}",
        f"plural={head.tag_ in ('NNS', 'NNPS')}",
        f"num={any(t.like_num for t in phrase)}", f"org_in={'ORG' in inner}",
        f"per_in={'PERSON' in inner}", f"prev={phrase.doc[phrase.start - 1].lower_ if phrase.start else '^'}",
        f"next={phrase.doc[phrase.end].lower_ if phrase.end < len(phrase.doc) else '$'}",
        f"hh={head.head.lemma_.lower()}", f"hhd={head.head.lemma_.lower()}|{head.dep_}",
    ]
    for tok in phrase:
        if tok.i != head.i and not tok.is_punct:
            feats.append(f"w={tok.lower_}")
    return feats
