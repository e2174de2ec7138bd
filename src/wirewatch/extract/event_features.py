"""Features of an event mention for the learned event filter (``event_filter``).

What tells "the visitors launched a counter-attack" from "gunmen launched an attack": the
trigger's own words (lemma, type, mode), what it governs and what governs it (objects,
subjects, prepositional phrases, their entity types), the words of its sentence, the lead
of the article (headline and first sentence set the topic), and what the rules found around
it (figures, a place, a date, an armed group). Every feature is a string hashed into a fixed
space (no vocabulary file to ship), so the weights are one matrix.
"""

from __future__ import annotations

import zlib

from spacy.tokens import Doc, Token

N_FEATURES = 1 << 18
#: Dependents that say what a trigger is about.
_ARG_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "compound", "amod", "poss", "agent",
                       "attr", "npadvmod"})
_SKIP_POS = frozenset({"PUNCT", "SPACE", "DET", "CCONJ", "SCONJ", "PART", "NUM", "SYM", "X"})
_LEAD_TOKENS = 40


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def trigger_token(doc: Doc, event: dict) -> Token | None:
    """The first token of the event's trigger span."""
    span = doc.char_span(event["trigger"]["start"], event["trigger"]["end"],
                         alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _word(token: Token) -> str:
    return token.lemma_.lower() if token.lemma_ else token.lower_


def _children_features(token: Token, prefix: str) -> list[str]:
    out: list[str] = []
    for child in token.children:
        if child.dep_ in _ARG_DEPS:
            out.append(f"{prefix}{child.dep_}={_word(child)}")
            if child.ent_type_:
                out.append(f"{prefix}{child.dep_}_ent={child.ent_type_}")
        elif child.dep_ == "prep":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out.append(f"{prefix}prep_{child.lower_}={_word(pobj)}")
                    if pobj.ent_type_:
                        out.append(f"{prefix}prep_{child.lower_}_ent={pobj.ent_type_}")
        elif child.dep_ in ("prt", "neg", "aux", "auxpass"):
            out.append(f"{prefix}{child.dep_}={child.lower_}")
    return out


def feature_strings(doc: Doc, event: dict, token_entity_kind: dict[int, str]) -> list[str]:
    """The named features of one event (before hashing); ``token_entity_kind`` maps token
    indices of entity mentions to their entity kind (armed_group, security, ...)."""
    token = trigger_token(doc, event)
    etype, mode = event["type"], event.get("mode") or "-"
    feats = ["bias", f"type={etype}", f"mode={etype}/{mode}",
             f"fact={event['factuality']}", f"generic={bool(event.get('generic'))}",
             f"status={event['status']}"]
    casualties = event.get("casualties") or {}
    for slot in ("killed", "injured", "kidnapped", "arrested"):
        if casualties.get(slot) is not None:
            feats.append(f"has_{slot}")
    location, time = event.get("location") or {}, event.get("time") or {}
    feats.append(f"loc={location.get('precision') or 'none'}")
    # a time taken from the report's date says nothing about the mention itself
    own_time = time.get("precision") if time.get("basis") != "report" else None
    feats.append(f"time={own_time or 'none'}")
    roles = sorted({a["role"] for a in event.get("arguments") or []})
    feats.extend(f"role={r}" for r in roles)
    feats.extend(f"ctx={c}" for c in event.get("contexts") or [])
    if token is None:
        return feats
    lemma = _word(token)
    feats += [f"lemma={lemma}", f"lemma_type={lemma}/{etype}", f"pos={token.pos_}",
              f"tag={token.tag_}", f"dep={token.dep_}", f"lemma_dep={lemma}/{token.dep_}",
              f"head={_word(token.head)}", f"head_dep={token.head.dep_}",
              f"shape={'title' if token.is_title else 'lower' if token.is_lower else 'other'}"]
    feats += [f"{f}|{lemma}" for f in _children_features(token, "")]
    feats += _children_features(token, "")
    if token.head is not token:
        feats += [f"h:{f}" for f in _children_features(token.head, "")]
    kinds = {token_entity_kind[t.i] for t in token.sent if t.i in token_entity_kind}
    feats.extend(f"sent_kind={k}" for k in sorted(kinds))
    ents = {t.ent_type_ for t in token.sent if t.ent_type_}
    feats.extend(f"sent_ent={e}" for e in sorted(ents))
    words = {_word(t) for t in token.sent if t.pos_ not in _SKIP_POS and not t.is_stop}
    feats.extend(f"s={w}" for w in sorted(words))
    lead = {_word(t) for t in doc[:_LEAD_TOKENS] if t.pos_ in ("NOUN", "VERB", "PROPN")
            and not t.is_stop}
    feats.extend(f"d={w}" for w in sorted(lead))
    return feats


def entity_kinds(doc: Doc) -> dict[int, str]:
    """Token index -> entity kind, for every token of every entity mention."""
    kinds = {e["id"]: e.get("kind") or e.get("type") for e in doc._.ww_entities or []}
    return {i: kinds[eid] for i, eid in (doc._.ww_token_entity or {}).items()
            if kinds.get(eid)}


def hashed(features: list[str]) -> list[int]:
    """Hashed feature indices (duplicates removed)."""
    return sorted({_hash(f) for f in features})


def event_features(doc: Doc, event: dict, token_entity_kind: dict[int, str]) -> list[int]:
    """Hashed feature indices of one event."""
    return hashed(feature_strings(doc, event, token_entity_kind))
