"""Candidate argument phrases and their features, for the trained role classifier.

Dependency rules find the arguments a sentence states plainly; many role fillers hang further
from the trigger ("a soldier guarding the substation was wounded"), sit inside a longer phrase
("members of the 8th front", "the salvadoran embassy building") or behind a title
("presidential candidate luis carlos galan"). Every such phrase of a document that states an
event is a candidate, several boundaries per head noun; a linear model over hashed features
decides whether it plays a role, and the caller keeps the best boundary per head.

The features are read from lower-cased words, lemmas, the parse and the event, never from the
letter case of the source: the pipeline parses uncased copy through its recaser, so one model
serves ALL-CAPS wire copy, lower-case text and ordinary mixed-case news alike.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.contract import ROLE_MODEL_TYPES
from wirewatch.knowledge.actors import actor_nouns
from wirewatch.nlp.extensions import get_list

#: Model output classes; index 0 means "no role".
CLASSES: tuple[str, ...] = ("none", "PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
N_FEATURES = 1 << 18
_SKIP_HEADS = frozenset({"PRON", "NUM", "DET"})
_SKIP_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
_ARTICLES = frozenset({"the", "a", "an"})
#: Left dependents that belong to a noun's core ("public buses", "electricity poles"); not
#: numbers and quantifiers ("three peasants" is named "peasants" in MUC-4 answer keys).
_CORE_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
#: Dependents that end a phrase before them (a relative clause, an apposition, a conjunct).
_CUT_DEPS = frozenset({"relcl", "acl", "appos", "conj", "cc", "punct", "advcl", "prep"})


@dataclass
class Candidate:
    span: Span
    head: Token
    event_index: int  # position in doc._.ww_events of the event it is tied to
    features: list[int]
    kind: str = "chunk"  # which generator proposed it (chunk, ent, core, head, of, name)


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Without leading articles and punctuation, and without trailing punctuation."""
    while start < end and (doc[start].lower_ in _ARTICLES or doc[start].is_punct):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return start, end


def _core_start(tok: Token) -> int:
    """Start of a noun's core: its compound, adjective and possessive modifiers."""
    left = [c for c in tok.lefts if c.dep_ in _CORE_DEPS]
    return min([c.left_edge.i if c.dep_ == "poss" else c.i for c in left] + [tok.i])


def _of_phrase_end(of: Token, depth: int = 0) -> int | None:
    """End of the "y" of "x of y" ("members of the 8th front", "home of the mayor of
    cali"): y's noun and its own of-phrases, without its clauses and conjuncts."""
    objs = [c for c in of.children if c.dep_ == "pobj"]
    if not objs or depth > 2:
        return None
    obj = objs[0]
    doc = of.doc
    if obj.i + 1 < len(doc) and doc[obj.i + 1].lower_ == "of":
        inner = _of_phrase_end(doc[obj.i + 1], depth + 1)
        if inner is not None:
            return inner
    return obj.i + 1


def _phrases(sent: Span) -> Iterator[tuple[Span, str]]:
    """Candidate phrases of a sentence with the generator that proposed each: noun chunks,
    named entities, the core of every noun (its compound and adjective modifiers), plural
    or bare head nouns, "x of y" phrases, and runs of proper nouns (a name without its
    title)."""
    seen: set[tuple[int, int]] = set()
    doc = sent.doc

    def emit(start: int, end: int, kind: str) -> Iterator[tuple[Span, str]]:
        start, end = _trim(doc, start, end)
        if start < end and end - start <= 12 and (start, end) not in seen:
            seen.add((start, end))
            yield doc[start:end], kind

    for chunk in sent.noun_chunks:
        yield from emit(chunk.start, chunk.end, "chunk")
    for ent in sent.ents:
        yield from emit(ent.start, ent.end, "ent")
    run_start: int | None = None
    for tok in sent:
        if tok.pos_ == "PROPN":
            if run_start is None:
                run_start = tok.i
        else:
            if run_start is not None and tok.i - run_start >= 1:
                yield from emit(run_start, tok.i, "name")
            run_start = None
        if tok.pos_ not in ("NOUN", "PROPN"):
            continue
        core_start = _core_start(tok)
        yield from emit(core_start, tok.i + 1, "core")
        if tok.pos_ == "NOUN":
            yield from emit(tok.i, tok.i + 1, "head")
        nxt = doc[tok.i + 1] if tok.i + 1 < sent.end else None
        if nxt is not None and nxt.lower_ == "of":  # the noun left of "of", whatever the
            of_end = _of_phrase_end(nxt)           # parser attached "of" to
            if of_end is not None:
                yield from emit(core_start, of_end, "of")
    if run_start is not None:
        yield from emit(run_start, sent.end, "name")


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


def _head_of(span: Span) -> Token:
    """The span's root, or for a name run its last proper noun."""
    return span.root


def role_bearing(event: dict) -> bool:
    """An event whose arguments the model reads: an actual event of a violent or coercive
    type (``ROLE_MODEL_TYPES``)."""
    return event["type"] in ROLE_MODEL_TYPES and event["factuality"] == "actual"


def candidates(doc: Doc, events: list[dict]) -> list[Candidate]:
    """Candidate phrases of a document that states ``events`` (its contract Event dicts),
    each tied to the nearest role-bearing event (in its own sentence when it has one), with
    hashed features. A phrase beside a denied or hypothetical event still belongs to the
    actual one the document reports ("the army denied that guerrillas attacked the farm
    ... col isaacs said that the guerrillas attacked the la eminencia farm")."""
    if not any(role_bearing(e) for e in events):
        return []
    token_entity = doc._.ww_token_entity or {}
    kinds = {e["id"]: (e["type"], e["kind"]) for e in get_list(doc, "ww_entities")}
    nouns = actor_nouns()
    sent_events: dict[int, list[tuple[int, Token, dict]]] = {}
    sent_index = {s.start: n for n, s in enumerate(doc.sents)}
    for n, event in enumerate(events):
        if not role_bearing(event):
            continue
        trig = doc.char_span(event["trigger"]["start"], event["trigger"]["end"],
                             alignment_mode="expand")
        if trig is None:
            continue
        tok = trig.root
        sent_events.setdefault(tok.sent.start, []).append((n, tok, event))
    if not sent_events:
        return []
    roles_by_span: dict[tuple[int, int], str] = {}
    for event in events:
        for arg in event["arguments"]:
            roles_by_span[(arg["span"]["start"], arg["span"]["end"])] = arg["role"]
    lemma_count = Counter(t.lemma_.lower() for t in doc if t.pos_ in ("NOUN", "PROPN"))
    actual = sum(1 for e in events if e["factuality"] == "actual")
    doc_feats = [f"nev={min(len(events), 5)}", f"nact={min(actual, 4)}"]
    out: list[Candidate] = []
    n_sents = len(sent_index)
    located = [(sent_index[start], item) for start, items in sent_events.items()
               for item in items]
    first_seen: dict[str, int] = {}
    for sent in doc.sents:
        position = sent_index[sent.start]
        here = sent_events.get(sent.start)
        if here:
            pool, gap = here, 0
        else:  # a sentence without a trigger: the closest event before it (else after)
            gap, item = min(located, key=lambda x: (abs(x[0] - position), x[0] > position))
            pool, gap = [item], gap - position
        for phrase, kind in _phrases(sent):
            head = _head_of(phrase)
            if head.pos_ in _SKIP_HEADS or head.ent_type_ in _SKIP_ENTS:
                continue
            n, trig, event = min(pool, key=lambda item: abs(item[1].i - head.i))
            lemma = head.lemma_.lower()
            feats = _features(phrase, head, trig, event, token_entity, kinds, nouns,
                              roles_by_span, position, n_sents)
            text = phrase.text.lower()
            first = first_seen.setdefault(text, position)
            feats.extend(doc_feats)
            feats.extend((
                f"kind={kind}", f"kh={kind}|{lemma}", f"kt={kind}|{event['type']}",
                f"gap={max(min(gap, 3), -3)}", f"cnt={min(lemma_count[lemma], 5)}",
                f"firstm={first == position}", f"f0={phrase[0].lower_}",
                f"f0p={phrase[0].pos_}", f"l={phrase[-1].lower_}",
                f"npropn={min(sum(t.pos_ == 'PROPN' for t in phrase), 4)}",
                f"hasof={any(t.lower_ == 'of' for t in phrase)}",
                f"gf={gap != 0}|{event['factuality']}|{event['type']}",
            ))
            if gap:
                feats.extend((f"gh={lemma}|far", f"gd={head.dep_}|far"))
            out.append(Candidate(phrase, head, n, [_hash(f) for f in feats], kind))
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
    doc = phrase.doc
    feats = [
        "bias", f"h={lemma}", f"hd={head.dep_}", f"hp={head.pos_}", f"t={tlemma}",
        f"ty={event['type']}", f"mo={event['mode']}", f"fa={event['factuality']}",
        f"ht={lemma}|{tlemma}", f"path={_path(head, trig)}", f"pt={_path(head, trig)}|{tlemma}",
        f"ent={head.ent_type_}", f"et={etype}", f"ek={ekind}", f"rr={rule_role}",
        f"rrt={rule_role}|{event['type']}", f"nk={noun['kind'] if noun else None}",
        f"np={bool(noun and noun.get('perpetrator'))}", f"side={'L' if dist < 0 else 'R'}",
        f"dist={min(abs(dist) // 3, 6)}", f"pos={min(position, 5)}",
        f"last={position == n_sents - 1}", f"len={min(len(phrase), 6)}",
        f"plural={head.tag_ in ('NNS', 'NNPS')}",
        f"num={any(t.like_num for t in phrase)}", f"org_in={'ORG' in inner}",
        f"per_in={'PERSON' in inner}",
        f"prev={doc[phrase.start - 1].lower_ if phrase.start else '^'}",
        f"next={doc[phrase.end].lower_ if phrase.end < len(doc) else '$'}",
        f"hh={head.head.lemma_.lower()}", f"hhd={head.head.lemma_.lower()}|{head.dep_}",
    ]
    path = _path(head, trig)
    side = "L" if dist < 0 else "R"
    feats.extend((
        f"pty={path}|{event['type']}", f"hdt={head.dep_}|{event['type']}|{side}",
        f"ett={head.ent_type_}|{etype}|{event['type']}|{side}",
        f"nkt={noun['kind'] if noun else None}|{side}|{head.dep_}",
        f"hs={lemma}|{side}", f"ts={tlemma}|{head.dep_}|{side}",
    ))
    for tok in phrase:
        if tok.i != head.i and not tok.is_punct:
            feats.append(f"w={tok.lower_}")
    return feats
