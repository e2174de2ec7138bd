"""Attributed statements that are not direct quotes: ``wirewatch_claims`` -> ``doc._.ww_claims``.

These shapes carry a claim, all read off spaCy's dependency parse and ``data/cues.yaml``:
a reporting verb and its complement ("X said/estimates/denied (that) ..."; the subject is the
source, the verb's class the status), also with the cue last ("..., the source added"); a
stance verb ("X wants to ...", "criticised the law as ...", "called for a ban"); an
attributing noun ("Trump's claim that ..."); "according to X, ..."; colon layouts
("WALLACE: ...", "The governor added: ...", "... is provided by the JPost:" + paragraph); and
explicit non-confirmation ("... had not been officially confirmed"), whose source is whoever
said so, else the outlet. Contents that are (nearly) all direct quote are left to the quotes
component; a stance inside another claim's content is part of that content.

Extensions beside the contract fields: ``source_mention`` (the local mention: "he", "who",
"a spokesman") and ``via``, the chain of sources that report this one, innermost first
("Newsweek reports that officials estimate ...": the estimate is the officials', via
Newsweek).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.extract.attribution_head import (
    AttributionHead,
    HeadAttribution,
    load_attribution_head,
)
from wirewatch.extract.attribution_model import (
    AttributionModel,
    is_cue_candidate,
    load_model,
    source_candidates,
)
from wirewatch.extract.cue_grammar import (
    FIRST_SECOND_PERSON,
    according_to_source,
    claim_status,
    is_negated,
    is_passive,
    is_unconfirmed_marker,
    lemma_candidates,
    subject_of,
    unconfirmed_source,
)
from wirewatch.extract.quotes import paragraphs
from wirewatch.extract.sources import (
    Source,
    SourceResolver,
    quoted_ranges,
)
from wirewatch.knowledge.cues import Cues, load_cues
from wirewatch.nlp import extensions  # noqa: F401  (registers doc._.ww_* attributes)
from wirewatch.nlp.extensions import get_list
from wirewatch.nlp.spans import source_text, span_of

#: Source name when a non-confirmation has no speaker and the outlet is unknown.
UNNAMED_OUTLET = "the publisher"
#: Longest chain of reporting sources kept ("A reports that B says that C estimates ...").
MAX_CHAIN = 4
#: Above this share of quoted characters a content belongs to the direct quote, not a claim.
QUOTED_SHARE = 0.8
#: Least mean tag probability of a cue the attribution head adds a claim for (PolNeAR dev
#: tune half).
HEAD_MIN = 0.0
#: Fewest words of a content the attribution head adds.
HEAD_MIN_WORDS = 4
#: Parts of speech a cue word has (the head reads only sentences holding one).
_CUE_POS = frozenset({"VERB", "NOUN", "ADJ", "AUX"})
#: Statuses whose verbs take a plain object as content ("denied any involvement").
_OBJECT_CONTENT = frozenset({"claimed", "denied", "alleged", "estimated"})


class _Paragraphs:
    """Character bounds of a document's paragraphs, so no content crosses a paragraph."""

    def __init__(self, doc: Doc) -> None:
        self.bounds = paragraphs(source_text(doc))
        self.starts = [s for s, _ in self.bounds]

    def clip(self, span: Span, anchor: Token) -> Span | None:
        i = bisect_right(self.starts, anchor.idx) - 1
        if i < 0:
            return span
        ps, pe = self.bounds[i]
        doc = span.doc
        start, end = span.start, span.end
        while start < end and doc[start].idx < ps:
            start += 1
        while end > start and doc[end - 1].idx >= pe:
            end -= 1
        return _trim(doc[start:end])


def _overlap_share(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlap of two character ranges as a share of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return inter / shorter if inter > 0 and shorter > 0 else 0.0


def _head_claim(doc: Doc, att: HeadAttribution) -> tuple[Token, Span, Token | None] | None:
    """(cue token, content span, source token or None) of a tagged attribution, snapped to
    the Doc's tokens; None when a span does not fall on tokens."""
    cue = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
    assert att.content is not None
    content = doc.char_span(att.content.start, att.content.end, alignment_mode="expand")
    if cue is None or content is None or len(cue) == 0:
        return None
    content = _trim(content)
    if content is None:
        return None
    src = None
    if att.source is not None:
        span = doc.char_span(att.source.start, att.source.end, alignment_mode="expand")
        if span is not None and len(span):
            src = span.root
    verbs = [t for t in cue if t.pos_ in ("VERB", "AUX")]
    return (verbs[0] if verbs else cue.root), content, src


def _trim(span: Span) -> Span | None:
    """Drop leading/trailing punctuation and whitespace tokens (keeps "that" and quote marks)."""
    doc = span.doc
    start, end = span.start, span.end
    while start < end and (
        doc[start].is_space or (doc[start].is_punct and not doc[start].is_quote)
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space or (doc[end - 1].is_punct and not doc[end - 1].is_quote)
    ):
        end -= 1
    return doc[start:end] if start < end else None


def _subtree(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def verb_content(verb: Token, status: str, cues: Cues | None = None) -> Span | None:
    """The complement a reporting verb attributes: its clause, else (for claim/deny/accuse/
    estimate and the ``object_content`` verbs) its object with the prepositions that follow
    ("the army of killing civilians"), else the object of a content preposition ("called for
    a ban").

    News prose often puts the cue last ("The economy is growing, he said"; "A, but B, the
    source added"): clausal complements before the verb count too, and a parenthetical cue
    ("Trump, he said, is a liar") attributes the clause it interrupts."""
    for dep in ("ccomp", "xcomp"):
        for c in verb.children:
            if c.dep_ == dep and c.i > verb.i:
                return _cut_concession(_subtree(c))
    doc = verb.doc
    lefts = [c for c in verb.children if c.dep_ == "ccomp" and c.i < verb.i]
    if lefts:
        return doc[lefts[0].left_edge.i : lefts[-1].right_edge.i + 1]
    if verb.dep_ == "parataxis" and _has_subject(verb):
        head = verb.head
        clause = _subtree(head)
        if head.i > verb.i:  # "Trump, he said, is a liar" (a quote split so is the quote's)
            return None if any(t.is_quote for t in clause) else clause
        return doc[clause.start : verb.left_edge.i]
    lemma = next((x for x in lemma_candidates(verb) if cues is None or x in cues.stance_verbs
                  or x in cues.verb_status), verb.lemma_.lower())
    if status in _OBJECT_CONTENT or (cues is not None and lemma in cues.object_content):
        parts = [c for c in verb.rights if c.dep_ in ("dobj", "dative", "prep", "attr", "oprd")]
        if parts and parts[0].dep_ != "prep":
            return doc[parts[0].left_edge.i : parts[-1].right_edge.i + 1]
    preps = (cues.prep_content or {}).get(lemma) if cues is not None else None
    if preps:
        for c in verb.rights:
            if c.dep_ == "prep" and c.lower_ in preps and c.right_edge.i > c.i:
                return doc[c.i + 1 : c.right_edge.i + 1]
            # "calling for X to be identified": the parser makes "for" a clause marker
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in preps and
                                         m.i == c.left_edge.i for m in c.children):
                return doc[c.left_edge.i + 1 : c.right_edge.i + 1]
    return None


#: A stance verb in these positions modifies a noun or another verb: no attribution.
_EMBEDDED_DEPS = frozenset({"relcl", "acl", "pcomp", "amod", "csubj"})
#: Longest speaker label before a colon ("Sen. Lindsey Graham:").
_LABEL_TOKENS = 6


def _speaker_label(head: Span) -> Token | None:
    """The head token of a verbless name before a colon ("WALLACE", "Pat Caddell"), else None."""
    words = [t for t in head if not t.is_space]
    if not words or len(words) > _LABEL_TOKENS:
        return None
    if any(t.pos_ in ("VERB", "AUX") and not t.is_upper for t in words):
        return None
    if not all(t.pos_ == "PROPN" or t.is_title or t.is_upper or t.is_punct for t in words):
        return None
    names = [t for t in words if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG")]
    return names[-1] if names else None


def noun_claim(noun: Token, cues: Cues) -> tuple[Token, Span] | None:
    """(source, content) of an attributing noun: "Trump's claim that ...", "a call by the
    UN for a ceasefire"; None without both a possessor/agent and a content."""
    src = next((c for c in noun.children if c.dep_ == "poss"), None)
    if src is None:
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ == "by":
                src = next((p for p in c.children if p.dep_ == "pobj"), None)
    if src is None:
        return None
    doc = noun.doc
    for c in noun.rights:
        if c.dep_ in ("acl", "ccomp", "relcl") and any(
            m.dep_ == "mark" and m.lower_ == "that" for m in c.children
        ):
            return src, _subtree(c)
        if c.dep_ == "prep" and c.lower_ in cues.noun_preps and c.right_edge.i > c.i:
            return src, doc[c.i + 1 : c.right_edge.i + 1]
        if c.dep_ == "acl" and c.tag_ == "VB":  # "his plan to cut taxes"
            return src, _subtree(c)
    return None


#: Subordinators after a comma that start the writer's aside, not the source's words.
_CONCESSIVE = frozenset({"although", "though", "while", "whereas", "even"})


def _cut_concession(span: Span) -> Span:
    """Drop a trailing ", although ..." from a content: "claimed that X was smart, although
    he again refused ..." attributes only "that X was smart"."""
    doc = span.doc
    for t in span[1:]:
        if t.lower_ in _CONCESSIVE and doc[t.i - 1].text == "," and t.i - 1 > span.start:
            return doc[span.start : t.i - 1]
    return span


def _source_of(item: dict[str, Any]) -> dict[str, Any]:
    """The chain link naming an item's source (claim or quote)."""
    if "source" in item:
        return {"name": item["source"], "entity": item["source_entity"], "cue": item["cue"],
                "span": item["source_span"]}
    span = item.get("speaker_span")
    return {"name": span["text"] if span else None, "entity": item.get("speaker"),
            "cue": item.get("cue"), "span": span}


def _same_source(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["entity"] is not None and a["entity"] == b["entity"]:
        return True
    return a["span"] is not None and a["span"] == b["span"]


def link_chains(claims: list[dict[str, Any]], cue_positions: list[int],
                quotes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Nested attribution as a chain: the sources that report an item, innermost first
    ("Newsweek reports that officials estimate X": the estimate is the officials', via
    Newsweek). A claim lies inside another's content when its cue does; a quote when its
    span does. A link to the item's own source is skipped. Each claim gets its ``via``;
    the quotes belong to the quotes component, so their chains are returned by quote id."""
    items: list[tuple[dict[str, Any], int]] = [
        *zip(claims, cue_positions, strict=True),
        *((q, q["span"]["start"]) for q in quotes),
    ]
    parent: dict[int, dict[str, Any] | None] = {}
    for n, (item, pos) in enumerate(items):
        own = _source_of(item)
        best: dict[str, Any] | None = None
        for other in claims:
            span = other["span"]
            if other is item or not span["start"] <= pos < span["end"]:
                continue
            if _same_source(own, _source_of(other)):
                continue
            if best is None or span["end"] - span["start"] < best["span"]["end"] - best["span"]["start"]:
                best = other
        parent[n] = best
    index = {id(item): n for n, (item, _) in enumerate(items)}
    quote_via: dict[str, list[dict[str, Any]]] = {}
    for n, (item, _) in enumerate(items):
        chain: list[dict[str, Any]] = []
        seen = {id(item)}
        up = parent[n]
        while up is not None and id(up) not in seen and len(chain) < MAX_CHAIN:
            seen.add(id(up))
            chain.append(_source_of(up))
            up = parent[index[id(up)]]
        if n < len(claims):
            item["via"] = chain
        else:
            quote_via[item["id"]] = chain
    return quote_via


def _colon_agent(head: Span) -> tuple[Token, Token] | None:
    """(verb, agent) of a passive that hands the next paragraph to a source: "A description
    is provided by the JPost:"; None otherwise."""
    for t in head:
        if (t.dep_ == "agent" or (t.dep_ == "prep" and t.lower_ == "by")) and t.head.pos_ == "VERB":
            pobj = next((p for p in t.children if p.dep_ == "pobj"), None)
            if pobj is not None:
                return t.head, pobj
    return None


#: Unresolved words that name no source: a relative or demonstrative, a generic "you".
_NO_SOURCE_WORDS = frozenset({"that", "which", "this", "these", "those", "what", "you",
                              "it", "there", "one"})


def _place_content(content: Span | None) -> bool:
    """True when a content is nothing but a place or facility name ("Camp Shorabak in
    Helmand Province")."""
    if content is None:
        return False
    root = content.root
    return root.ent_type_ in ("GPE", "LOC", "FAC")


def _stray_close(content: Span, verb: Token) -> bool:
    """True for a content before its cue that ends in a closing quote mark with no opening
    one ("The video ends with an execution ...,” he states): a broken quote whose start
    cannot be known, attributed neither as a quote nor as a claim."""
    if content.end > verb.i:
        return False
    doc = verb.doc
    tail = doc[content.end : verb.i]
    closes = [t for t in [*content[-1:], *tail] if t.text in ("”", '"')]
    return bool(closes) and not any(t.text in ("“", '"') for t in content[:-1])


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def marker_content(marker: Token) -> Span:
    """What a non-confirmation marker says is unconfirmed."""
    if marker.pos_ == "ADJ":
        if marker.dep_ == "amod":
            return _subtree(marker.head)
        for c in marker.head.children:
            if c.dep_ in ("nsubj", "nsubjpass"):
                return _subtree(c)
        return _subtree(marker.head)
    for dep in ("ccomp", "nsubjpass", "dobj"):
        for c in marker.children:
            if c.dep_ == dep:
                return _subtree(c)
    return _subtree(marker)


def according_content(according: Token) -> Span | None:
    """The clause "according to X" modifies, without the phrase itself."""
    head = according.head
    if head is according:
        return None
    clause = _subtree(head)
    phrase_start, phrase_end = according.left_edge.i, according.right_edge.i + 1
    doc = according.doc
    if phrase_start <= clause.start:
        return doc[phrase_end : clause.end]
    if phrase_end >= clause.end:
        return doc[clause.start : phrase_start]
    return clause


#: Words that open an aim's content ("sought to ...", "deciding whether to ...").
_AIM_OPENERS = frozenset({"to", "whether", "how", "what", "when", "where"})
_REFLEXIVES = frozenset({"themselves", "himself", "herself", "itself", "ourselves",
                         "myself", "yourself", "yourselves"})


def _intention(anchor: Token, content: Span, cues: Cues) -> bool:
    """True for the content of an aim, decision or action verb that is no statement: an
    infinitive or "whether" clause, the object of a vote, a reflexive after "find"."""
    if anchor.dep_ in ("xcomp", "ccomp") and anchor.tag_ == "VB" \
            and anchor.head.lemma_.lower() in cues.intention_verbs:
        return True  # "are deciding whether to recommend ...": the cue is itself the aim
    lemma = anchor.lemma_.lower()
    if anchor.pos_ != "VERB" or lemma not in cues.intention_verbs:
        return False
    first = content[0].lower_
    if first in _AIM_OPENERS or lemma == "vote":
        return True
    return first in _REFLEXIVES


class ClaimFinder:
    """Attributed indirect statements: lexicon loaded once, stateless per document."""

    def __init__(self, first_person: bool = True, learned: bool = True, head: bool = False,
                 head_add: bool = True, head_drop: bool = False, head_stance: bool = True,
                 head_min: float = HEAD_MIN, head_need_source: bool = True) -> None:
        self.cues: Cues = load_cues()
        #: The cue/source/content tagger on the shared encoder (None: off or not shipped):
        #: ``head_add`` adds the attributions it reads that no claim or quote covers,
        #: ``head_drop`` drops reported claims where it reads no cue, ``head_stance`` lets
        #: its stance cues (not only statement cues) add claims.
        self.head: AttributionHead | None = load_attribution_head() if head else None
        self.head_add, self.head_drop, self.head_stance = head_add, head_drop, head_stance
        #: an added attribution needs a cue the tagger is this sure of (mean tag
        #: probability), and with ``head_need_source`` a tagged source
        self.head_min, self.head_need_source = head_min, head_need_source
        #: Keep "I believe ..." / "we estimate ..." outside quotes (the writer's or a
        #: speaker's own claim); False drops first- and second-person sources.
        self.first_person = first_person
        #: The learned cue/content/source model (None: rules alone).
        self.model: AttributionModel | None = load_model() if learned else None

    def find(self, doc: Doc) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
        """(contract Claim dicts, the ``via`` chain of each quote that lies inside a claim's
        content, by quote id)."""
        cues = self.cues
        quoted = quoted_ranges(doc)
        resolver = SourceResolver(doc, cues, quoted)
        paras = _Paragraphs(doc)
        outlet = Source(doc._.ww_outlet or UNNAMED_OUTLET, None, None)
        found: dict[tuple[int, int], dict[str, Any]] = {}
        used: set[int] = set()

        cue_at: dict[tuple[int, int], Token] = {}

        def add(content: Span | None, anchor: Token, source: Source, cue: str, status: str,
                para_of: Token | None = None) -> None:
            """Record a claim; its content stays within the paragraph of ``para_of`` (by
            default the cue's)."""
            if source.kind is None:  # a thing, happening or street never speaks
                return
            if source.entity is None and source.name.lower() in _NO_SOURCE_WORDS:
                return  # "that means showing ...", "you'd have to believe ...": nobody
            if _place_content(content) and anchor.pos_ == "VERB" and self._is_stance(anchor):
                return  # "gunmen attacked Camp Shorabak": an act on a place, no statement
            content = paras.clip(content, para_of or anchor) if content is not None else None
            if content is None or not any(t.is_alpha for t in content):
                return
            if _intention(anchor, content, cues):
                return  # "police sought to overturn ...": an aim, not a statement
            start, end = content.start_char, content.end_char
            # A content that is (nearly) all direct quote is the quote's; one that only
            # embeds quoted words ("said the plan was “a disaster” for farmers") is a claim.
            if quoted.overlap(start, end) > QUOTED_SHARE * (end - start) or (start, end) in found:
                return
            found[(start, end)] = {
                "span": span_of(doc, content),
                "source": source.name,
                "source_entity": source.entity,
                "source_span": source.span,
                "cue": cue,
                "status": status,
                "source_mention": source.mention,  # extension: the local mention ("he")
                # extension: "actor", or "place" for a place speaking for its government
                "source_kind": source.kind,
            }
            cue_at[(start, end)] = anchor

        def resolve(token: Token | None) -> Source:
            source = resolver.resolve(token) if token is not None else None
            return source if source is not None else outlet

        # Non-confirmation first: it claims the reporting verb that governs it.
        for t in doc:
            if is_unconfirmed_marker(t, cues) and not quoted.contains(t.idx):
                governor, src = unconfirmed_source(t, cues)
                if governor is not None:
                    used.add(governor.i)
                cue = t.text if t.pos_ == "ADJ" else f"not {t.text}"
                add(marker_content(t), t, resolve(src), cue, "unconfirmed")
        for t in doc:
            if t.i in used or quoted.contains(t.idx):
                continue
            status = claim_status(t, cues)
            if status is not None:
                self._verb_claim(t, status, resolve, add)
                continue
            pobj = according_to_source(t, cues)
            if pobj is not None:
                add(according_content(t), t, resolve(pobj), "according to", "reported")
                continue
            if t.pos_ == "NOUN" and t.lemma_.lower() in cues.noun_cues:
                found_noun = noun_claim(t, cues)
                if found_noun is not None:
                    src, content = found_noun
                    add(content, t, resolve(src), t.text, "reported")
        self._colon_claims(doc, paras, resolve, add)
        if self.model is not None:
            self._learned(doc, quoted, found, cue_at, used, resolve, add)
        if self.head is not None:
            self._tagged(doc, quoted, found, cue_at, resolve, add)
        # A stance inside reported content ("said she plans to run") is part of that
        # content, not an attribution of its own; a nested report ("X reports that
        # officials estimate ...") stays, and carries its chain.
        keys = sorted(found)
        nested = {
            k for k in keys
            if cue_at[k].pos_ == "VERB" and self._is_stance(cue_at[k])
            and any(o != k and o[0] <= cue_at[k].idx < o[1] for o in keys)
        }
        kept = [k for k in keys if k not in nested]
        claims = [{"id": f"c{n}", **found[k]} for n, k in enumerate(kept, 1)]
        quote_via = link_chains(claims, [cue_at[k].idx for k in kept],
                                get_list(doc, "ww_quotes"))
        return claims, quote_via

    def _learned(self, doc: Doc, quoted: Any, found: dict[tuple[int, int], dict[str, Any]],
                 cue_at: dict[tuple[int, int], Token], used: set[int], resolve: Any,
                 add: Any) -> None:
        """What the learned model adds to the rules and takes from them: a word it reads as
        a cue with high probability that no rule claim hangs on adds a claim (its best
        content candidate, its best source mention); a rule claim whose cue it reads as
        almost surely no cue ("support" as a noun, "know") is dropped. Claims of
        responsibility, denials and non-confirmation are the rules' and never dropped."""
        model = self.model
        assert model is not None
        cues = self.cues
        for key, anchor in list(cue_at.items()):
            claim = found[key]
            if claim["status"] != "reported" or claim["cue"] in (":", "according to"):
                continue
            if not is_cue_candidate(anchor) or claim["cue"].endswith(":"):
                continue
            if model.cue_probability(anchor, cues) < model.drop_threshold:
                del found[key], cue_at[key]
        covered = {anchor.i for anchor in cue_at.values()} | used
        for t in doc:
            if t.i in covered or not is_cue_candidate(t) or quoted.contains(t.idx):
                continue
            if t.lower_ == "according" or t.pos_ == "AUX":
                continue
            if t.dep_ == "acl" and t.tag_ == "VBN":  # "a programme aimed to ...": no speaker
                continue
            if not source_candidates(t, cues):
                continue  # no mention could be its source (cheap; half the candidates)
            if model.cue_probability(t, cues) < model.add_threshold:
                continue
            best = model.content_of(t, cues)
            if best is None:
                continue
            content, p_content = best
            if p_content < model.content_threshold:
                continue
            if not any(w.pos_ in ("VERB", "AUX") for w in content):
                continue  # "released a video", "made the comments": an act, not a statement
            if _stray_close(content, t):
                continue
            src = model.source_of(t, cues)
            if src is None or src.lower_ in FIRST_SECOND_PERSON:
                continue
            source = resolve(src)
            status = claim_status(t, cues) or "reported"
            if is_negated(t) and not self._is_stance(t):
                continue
            add(content, t, source, t.text, status)

    def _cue_sentences(self, doc: Doc) -> list[Span]:
        """Sentences with a cue candidate: a word the cue lexicon knows (reporting or stance
        verb, cue noun, "according"), a quote mark or a colon. Only these are encoded."""
        cues = self.cues
        known = cues.verb_status.keys() | cues.stance_verbs | cues.noun_cues
        out = []
        for sent in doc.sents:
            if any(t.is_quote or t.text == ":" or t.lower_ == "according"
                   or (t.pos_ in _CUE_POS and any(x in known for x in lemma_candidates(t)))
                   for t in sent):
                out.append(sent)
        return out

    def _tagged(self, doc: Doc, quoted: Any, found: dict[tuple[int, int], dict[str, Any]],
                cue_at: dict[tuple[int, int], Token], resolve: Any, add: Any) -> None:
        """What the attribution head adds and takes: an attribution it reads (cue, content,
        source) whose content no claim or quote covers becomes a claim; with ``head_drop``
        a reported claim whose cue and content it does not read goes. Claims of
        responsibility, denials and non-confirmation stay the rules'."""
        head = self.head
        assert head is not None
        read = head.read(doc, self._cue_sentences(doc))
        text = source_text(doc)
        if self.head_drop:
            cue_chars = [(a.cue.start, a.cue.end) for a in read]
            contents = [(a.content.start, a.content.end) for a in read if a.content]
            for key, anchor in list(cue_at.items()):
                claim = found[key]
                if claim["status"] != "reported" or claim["cue"] in (":", "according to"):
                    continue
                if any(s <= anchor.idx < e for s, e in cue_chars):
                    continue
                if any(_overlap_share(key, c) >= 0.5 for c in contents):
                    continue
                del found[key], cue_at[key]
        if not self.head_add:
            return
        taken = list(found)
        quotes = [(q["span"]["start"], q["span"]["end"]) for q in get_list(doc, "ww_quotes")]
        for att in read:
            if att.content is None or (att.cue.label == "STANCE" and not self.head_stance):
                continue
            if att.cue.score < self.head_min or (self.head_need_source and att.source is None):
                continue
            key = (att.content.start, att.content.end)
            if any(_overlap_share(key, k) >= 0.5 for k in taken + quotes):
                continue
            made = _head_claim(doc, att)
            if made is None:
                continue
            cue_tok, content, src = made
            if sum(1 for t in content if t.is_alpha) < HEAD_MIN_WORDS:
                continue  # "that", "these": a fragment of a content, not one            if src is not None and src.lower_ in FIRST_SECOND_PERSON:
                continue
            status = claim_status(cue_tok, self.cues) or "reported"
            add(content, cue_tok, resolve(src), text[att.cue.start:att.cue.end], status)
            taken.append(key)

    def _colon_claims(self, doc: Doc, paras: _Paragraphs, resolve: Any, add: Any) -> None:
        """Colon layouts: "WALLACE: ..." (a transcript or headline speaker label) and
        "The governor added: ..." (a cue, then the content after the colon or, when the
        colon ends the paragraph, in the next paragraph)."""
        text = source_text(doc)
        bounds = paras.bounds
        for n, (ps, pe) in enumerate(bounds):
            colon = text.find(":", ps, min(pe, ps + 200))
            if colon < 0:
                continue
            head = doc.char_span(ps, colon, alignment_mode="expand")
            if head is None or len(head) == 0:
                continue
            start, end = colon + 1, pe
            if not text[start:end].strip() and n + 1 < len(bounds):
                start, end = bounds[n + 1]
            content = doc.char_span(start, end, alignment_mode="expand")
            if content is None:
                continue
            content = _trim(content)
            if content is None:
                continue
            label = _speaker_label(head)
            if label is not None:
                add(content, label, resolve(label), ":", "reported", content[0])
                continue
            agent = _colon_agent(head) if not text[colon + 1 : pe].strip() else None
            if agent is not None:  # "A description of the video is provided by the JPost:"
                verb, src = agent
                add(content, verb, resolve(src), f"{verb.text} by", "reported", content[0])
                continue
            last = next((t for t in reversed(head) if not (t.is_punct or t.is_space)), None)
            if last is not None and last.i == head[-1].i and claim_status(last, self.cues):
                src = subject_of(last, self.cues)
                if src is not None and src.lower_ not in FIRST_SECOND_PERSON:
                    add(content, last, resolve(src), f"{last.text}:", "reported", content[0])

    def _is_stance(self, verb: Token) -> bool:
        """A stance verb ("wants", "criticised"), not a reporting one ("said")."""
        return not any(x in self.cues.verb_status for x in lemma_candidates(verb))

    def _verb_claim(self, verb: Token, status: str, resolve: Any, add: Any) -> None:
        # A negated stance is still the source's stance ("did not want the escort"); a
        # negated report ("did not say that ...") attributes nothing.
        stance = self._is_stance(verb)
        if is_negated(verb) and not stance:
            return
        if stance and verb.dep_ in _EMBEDDED_DEPS:  # "what they call", "video that shows"
            return
        content = verb_content(verb, status, self.cues)
        if content is None or _stray_close(content, verb):
            return
        src = subject_of(verb, self.cues)
        if src is not None and src.lower_ in FIRST_SECOND_PERSON and not self.first_person:
            return
        if src is None:
            if stance or not is_passive(verb):
                return
            status = "alleged" if status == "reported" else status
        source = resolve(src)
        relative = next((c for c in verb.children if c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT")),
                        None)
        if relative is not None:  # "Kamin, who emphasized that ...": "who" is the mention
            source = replace(source, mention=span_of(verb.doc, relative))
        add(content, verb, source, verb.text, status)
