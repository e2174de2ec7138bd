"""The learned attribution model: which words introduce reported content (cues), where that
content lies, and which mention is its source.

PolNeAR annotates attribution far beyond a list of reporting verbs: stance ("openly
admires"), perception ("saw"), intention ("decided against"), documents ("the filing
shows"). A list misses that long tail; a classifier over the parse learns it. Three small
logistic models over hashed features (weights ``data/models/attribution.npz``, trained by
``wirewatch.train.attribution`` on PolNeAR train):

- **cue**: every verb, noun or adjective (and "according") outside direct quotes is a
  candidate; the features are its words, its part of speech and dependency, what it governs
  (a clause, an object, a subject and its entity type) and whether the cue lexicon knows it;
- **content**: the candidate spans a cue can govern (its clausal complement, its object
  with what follows, a prepositional object, the clause before a final "he said", the
  clause "according to X" modifies) are scored and the best one is kept;
- **source**: the candidate mentions (the cue's subject, the governing subject of a
  participle, a passive's agent, a possessor, the object of "according to") are scored and
  the best one is kept, or none when the best scores under the "no source" line.

The rules stay for what is regular (direct quotes, colon layouts, non-confirmation); the
claims component asks this model for the rest and drops rule claims whose cue it rejects.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
from spacy.tokens import Doc, Span, Token

from wirewatch.extract.cue_grammar import (
    according_to_source,
    agent_of,
    is_negated,
    is_passive,
    lemma_candidates,
    subject_of,
)
from wirewatch.knowledge import data_file
from wirewatch.knowledge.cues import Cues

N_FEATURES = 1 << 18
MODEL_FILE = "models/attribution.npz"
_CUE_POS = frozenset({"VERB", "NOUN", "ADJ", "AUX"})
_CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "attr", "oprd", "dative")


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)


def _word(token: Token) -> str:
    return token.lemma_.lower() if token.lemma_ else token.lower_


def _lexicon_class(token: Token, cues: Cues) -> str:
    for lemma in lemma_candidates(token):
        if lemma in cues.verb_status:
            return cues.verb_status[lemma]
        if lemma in cues.stance_verbs:
            return "stance"
        if lemma in cues.noun_cues:
            return "noun"
    return "none"


# --------------------------------------------------------------------------- cues


def is_cue_candidate(token: Token) -> bool:
    """Words that may introduce reported content."""
    return token.pos_ in _CUE_POS or token.lower_ == "according"


def cue_features(token: Token, cues: Cues) -> list[int]:
    """Hashed features of one cue candidate."""
    w = _word(token)
    pos = token.pos_
    lex = _lexicon_class(token, cues)
    f = [
        "bias", f"w={w}", f"low={token.lower_}", f"pos={pos}", f"tag={token.tag_}",
        f"dep={token.dep_}", f"w_dep={w}|{token.dep_}", f"lex={lex}", f"lex_pos={lex}|{pos}",
        f"head={_word(token.head)}", f"head_pos={token.head.pos_}|{token.dep_}",
        f"neg={is_negated(token)}", f"pass={is_passive(token)}",
    ]
    deps = set()
    for c in token.children:
        deps.add(c.dep_)
        f.append(f"cd={c.dep_}")
        f.append(f"w_cd={w}|{c.dep_}")
        if c.dep_ == "prep":
            f.append(f"prep={c.lower_}")
            f.append(f"w_prep={w}|{c.lower_}")
        if c.dep_ in ("nsubj", "nsubjpass"):
            f.append(f"subj_ent={c.ent_type_ or c.pos_}")
            f.append(f"subj_w={_word(c)}")
            f.append(f"w_subj_ent={w}|{c.ent_type_ or c.pos_}")
        if c.dep_ in ("ccomp", "acl", "relcl"):
            marks = [m.lower_ for m in c.children if m.dep_ == "mark"]
            f.append(f"comp_mark={c.dep_}|{marks[0] if marks else '-'}")
        if c.dep_ == "poss":
            f.append(f"poss_ent={c.ent_type_ or c.pos_}")
    f.append(f"w_ccomp={w}|{'ccomp' in deps}")
    f.append(f"w_dobj={w}|{'dobj' in deps}")
    f.append(f"pos_ccomp={pos}|{'ccomp' in deps}|{'nsubj' in deps}")
    doc = token.doc
    near = doc[max(token.i - 3, 0) : token.i + 4]
    if any(t.is_quote for t in near):
        f.append("quote_near")
    prev = doc[token.i - 1] if token.i > 0 else None
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    f.append(f"prev={prev.lower_ if prev is not None else '<s>'}")
    f.append(f"next={nxt.lower_ if nxt is not None else '</s>'}")
    f.append(f"w_next={w}|{nxt.lower_ if nxt is not None else '</s>'}")
    src = subject_of(token, cues) if pos in ("VERB", "AUX") else None
    f.append(f"src={src.ent_type_ or src.pos_ if src is not None else 'none'}")
    return [_hash(x) for x in f]


# --------------------------------------------------------------------------- contents


@dataclass(frozen=True)
class Candidate:
    kind: str
    start: int  # token indices
    end: int

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _subtree(t: Token) -> tuple[int, int]:
    return t.left_edge.i, t.right_edge.i + 1


def content_candidates(cue: Token, cues: Cues) -> list[Candidate]:
    """The spans a cue can govern, each named by how it was found."""
    doc = cue.doc
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()

    def add(kind: str, start: int, end: int) -> None:
        while start < end and (doc[start].is_punct or doc[start].is_space) and not doc[start].is_quote:
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) \
                and not doc[end - 1].is_quote:
            end -= 1
        if start < end and (start, end) not in seen and not (start <= cue.i < end):
            seen.add((start, end))
            out.append(Candidate(kind, start, end))

    if cue.lower_ == "according":
        head = cue.head
        if head is not cue:
            s, e = _subtree(head)
            ps, pe = cue.left_edge.i, cue.right_edge.i + 1
            if ps <= s:
                add("according_after", pe, e)
            elif pe >= e:
                add("according_before", s, ps)
        return out
    rights = [c for c in cue.rights]
    for c in cue.children:
        if c.dep_ in _CONTENT_DEPS:
            s, e = _subtree(c)
            side = "r" if c.i > cue.i else "l"
            add(f"{c.dep_}_{side}", s, e)
            if c.i > cue.i:
                later = [r for r in rights if r.i > c.i and r.dep_ in ("prep", "advcl", "xcomp",
                                                                        "ccomp")]
                if later:
                    add(f"{c.dep_}_plus", s, later[-1].right_edge.i + 1)
        elif c.dep_ in ("prep", "agent") and c.i > cue.i:
            pobj = [p for p in c.children if p.dep_ in ("pobj", "pcomp")]
            if pobj:
                add(f"prep_{c.lower_}", c.i + 1, c.right_edge.i + 1)
        elif c.dep_ in ("acl", "relcl", "advcl") and c.i > cue.i:
            s, e = _subtree(c)
            marks = [m for m in c.children if m.dep_ == "mark" and m.i == s]
            add(f"{c.dep_}", s + (1 if marks and marks[0].lower_ in ("for", "to") else 0), e)
        elif c.dep_ in ("csubj", "nsubjpass") and cue.pos_ != "NOUN":
            s, e = _subtree(c)
            add(f"{c.dep_}", s, e)
    if cue.dep_ == "parataxis":
        hs, he = _subtree(cue.head)
        if cue.head.i < cue.i:
            add("parataxis_before", hs, cue.left_edge.i)
        else:
            add("parataxis_around", hs, he)
    if cue.dep_ in ("amod", "acl") and cue.head.pos_ in ("NOUN", "PROPN"):
        add("head_noun", *_subtree(cue.head))
    # A cue last in its sentence: the sentence before the subject ("X, he said").
    sent = cue.sent
    subj = next((c for c in cue.children if c.dep_ == "nsubj"), None)
    left = (subj.left_edge.i if subj is not None and subj.i < cue.i else cue.i)
    if left > sent.start:
        add("sent_before", sent.start, left)
    if cue.i + 1 < sent.end:
        add("sent_after", cue.i + 1, sent.end)
    return out


def content_features(cue: Token, cand: Candidate, n: int) -> list[int]:
    doc = cue.doc
    w = _word(cue)
    length = cand.end - cand.start
    bucket = "1" if length <= 1 else "2-3" if length <= 3 else "4-8" if length <= 8 else \
        "9-20" if length <= 20 else "21+"
    first = doc[cand.start]
    f = [
        "bias", f"k={cand.kind}", f"w_k={w}|{cand.kind}", f"pos_k={cue.pos_}|{cand.kind}",
        f"len={bucket}", f"k_len={cand.kind}|{bucket}", f"first={first.lower_}",
        f"k_first={cand.kind}|{first.lower_}", f"first_pos={first.pos_}",
        f"n={min(n, 6)}", f"k_n={cand.kind}|{min(n, 6)}",
        f"verb_in={any(t.pos_ in ('VERB', 'AUX') for t in cand.span(doc))}",
        f"k_dep={cand.kind}|{cue.dep_}",
    ]
    if any(t.is_quote for t in cand.span(doc)):
        f.append("has_quote")
    return [_hash(x) for x in f]


# --------------------------------------------------------------------------- sources


def source_candidates(cue: Token, cues: Cues) -> list[tuple[str, Token]]:
    """Mentions that may be the cue's source, each named by how it was found."""
    out: list[tuple[str, Token]] = []
    seen: set[int] = set()

    def add(kind: str, t: Token | None) -> None:
        if t is not None and t.i not in seen and t.i != cue.i:
            seen.add(t.i)
            out.append((kind, t))

    if cue.lower_ == "according":
        add("according", according_to_source(cue, cues))
        return out
    for c in cue.children:
        if c.dep_ in ("nsubj", "csubj"):
            add("nsubj", c)
        elif c.dep_ == "poss":
            add("poss", c)
        elif c.dep_ == "prep" and c.lower_ in ("by", "from", "of"):
            add(f"pobj_{c.lower_}", next((p for p in c.children if p.dep_ == "pobj"), None))
    add("agent", agent_of(cue))
    if cue.pos_ in ("VERB", "AUX"):
        add("governing", subject_of(cue, cues))
    if cue.dep_ in ("amod", "acl", "relcl", "appos") and cue.head.pos_ in ("NOUN", "PROPN", "PRON"):
        add("head", cue.head)
    return out


def source_features(cue: Token, kind: str, src: Token, n: int) -> list[int]:
    w = _word(cue)
    ent = src.ent_type_ or src.pos_
    f = [
        "bias", f"k={kind}", f"w_k={w}|{kind}", f"ent={ent}", f"k_ent={kind}|{ent}",
        f"src={_word(src)}", f"n={min(n, 4)}", f"k_n={kind}|{min(n, 4)}",
        f"src_dep={src.dep_}", f"tag={src.tag_}", f"before={src.i < cue.i}",
        f"dist={min(abs(src.i - cue.i), 10)}",
    ]
    return [_hash(x) for x in f]


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class AttributionModel:
    """The three weight vectors (logits over hashed features) and the decision lines."""

    cue: np.ndarray
    content: np.ndarray
    source: np.ndarray
    add_threshold: float
    drop_threshold: float
    source_threshold: float
    #: An added claim needs its best content candidate to score at least this.
    content_threshold: float = 0.5

    @staticmethod
    def _p(weights: np.ndarray, feats: list[int]) -> float:
        return float(1.0 / (1.0 + np.exp(-float(weights[feats].sum()))))

    def cue_probability(self, token: Token, cues: Cues) -> float:
        return self._p(self.cue, cue_features(token, cues))

    def content_of(self, cue: Token, cues: Cues) -> tuple[Span, float] | None:
        """The best-scoring content span of a cue, with its score; None without candidates."""
        cands = content_candidates(cue, cues)
        if not cands:
            return None
        scored = [(self._p(self.content, content_features(cue, c, len(cands))), c)
                  for c in cands]
        p, best = max(scored, key=lambda x: x[0])
        return best.span(cue.doc), p

    def source_of(self, cue: Token, cues: Cues) -> Token | None:
        """The best-scoring source mention, or None when none clears the line."""
        cands = source_candidates(cue, cues)
        if not cands:
            return None
        scored = [(self._p(self.source, source_features(cue, k, t, len(cands))), t)
                  for k, t in cands]
        p, best = max(scored, key=lambda x: x[0])
        return best if p >= self.source_threshold else None

    def cues(self, doc: Doc, cues: Cues) -> Iterator[tuple[Token, float]]:
        for t in doc:
            if is_cue_candidate(t):
                yield t, self.cue_probability(t, cues)


def save_model(path: str, model: AttributionModel) -> None:
    np.savez_compressed(
        path, cue=model.cue.astype(np.float16), content=model.content.astype(np.float16),
        source=model.source.astype(np.float16), n_features=N_FEATURES,
        thresholds=np.array([model.add_threshold, model.drop_threshold,
                             model.source_threshold, model.content_threshold],
                            dtype=np.float32))


@cache
def load_model(path: str | None = None) -> AttributionModel | None:
    """The packaged model, or None when its weights are not installed (rules alone)."""
    target = path or str(data_file(MODEL_FILE))
    try:
        data = np.load(target)
    except FileNotFoundError:
        return None
    with data:
        if int(data["n_features"]) != N_FEATURES:
            raise ValueError("attribution model does not match the feature extractor; retrain it")
        add, drop, src, content = (float(x) for x in [*data["thresholds"], 0.5][:4])
        return AttributionModel(data["cue"].astype(np.float32),
                                data["content"].astype(np.float32),
                                data["source"].astype(np.float32), add, drop, src, content)
