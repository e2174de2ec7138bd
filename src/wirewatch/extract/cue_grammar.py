"""The grammar of reporting cues: is this token a cue, how firm is it, and which token is
its source (subject, passive agent, "according to" object)?

Pure functions over spaCy tokens and the cue lexicon (``knowledge.cues``); the quotes,
claims and events code builds on them.
"""

from __future__ import annotations

from spacy.tokens import Token

from wirewatch.knowledge.cues import Cues

#: Dependency labels we climb through to find the subject a reporting verb shares.
_CLIMB_DEPS = frozenset(
    {"conj", "xcomp", "advcl", "pcomp", "prep", "pobj", "acl", "relcl", "ccomp"}
)

_NEG_WORDS = frozenset({"not", "n't", "never", "no"})

#: A speaker quoting themselves or the reader: never an outside source.
FIRST_SECOND_PERSON = frozenset({"i", "me", "we", "us", "you"})

def is_negated(token: Token) -> bool:
    """True when the verb carries a negation ("did not confirm", "never said")."""
    return any(
        c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in _NEG_WORDS) for c in token.children
    )

def cue_status(token: Token, cues: Cues) -> str | None:
    """The claim status a reporting verb gives its content, or None if it is not one."""
    if token.pos_ != "VERB":
        return None
    return cues.verb_status.get(token.lemma_.lower())

def claim_status(token: Token, cues: Cues) -> str | None:
    """The claim status a verb gives its content: a reporting verb's class, "reported" for
    a stance verb ("wants", "criticised", "called for"), else None."""
    if token.pos_ != "VERB":
        return None
    for lemma in lemma_candidates(token):
        status = cues.verb_status.get(lemma)
        if status is None and lemma in cues.stance_verbs:
            return "reported"
        if status is not None:
            return status
    return None

def lemma_candidates(token: Token) -> tuple[str, ...]:
    """The model's lemma, then naive suffix strips of the word: the small model's
    lemmatizer gets some verbs wrong ("hoped" -> "hop")."""
    lemma = token.lemma_.lower()
    word = token.lower_
    out = [lemma]
    for suffix, repl in (("ed", "e"), ("ed", ""), ("es", ""), ("s", ""), ("ing", "e"),
                         ("ing", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            out.append(word[: -len(suffix)] + repl)
    return tuple(dict.fromkeys(out))

def is_quote_cue(token: Token, cues: Cues) -> bool:
    """True for a verb that can introduce a direct quote (say, tell, call, ask ...)."""
    return token.pos_ == "VERB" and token.lemma_.lower() in cues.quote_verbs

def _introduces_colon(verb: Token, cues: Cues) -> bool:
    """A speech verb hanging on a person's name whose phrase ends on a colon ("Neil
    Coppendale, from West Sussex, asked of the Iraq war: ..."): it introduces that person's
    words, whether the parser reads it as a participle or not."""
    if not is_quote_cue(verb, cues) or verb.head.ent_type_ != "PERSON":
        return False
    end = verb.right_edge.i + 1
    return end < len(verb.doc) and verb.doc[end].text == ":"


def _name_before(verb: Token, cues: Cues) -> Token | None:
    """A person's name right before a speech verb that the parser left without a subject
    ("Speaking in Harrogate Mr Kennedy said:", the name parsed as the participle's object):
    that name, else None."""
    if verb.i == 0 or not is_quote_cue(verb, cues):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in verb.children):
        return None
    name = verb.doc[verb.i - 1]
    if name.pos_ != "PROPN" or name.head.i == verb.i:
        return None
    titled = any(c.dep_ == "compound" and c.lower_ in cues.person_titles for c in name.children)
    return name if name.ent_type_ == "PERSON" or titled else None


def _reports(token: Token, cues: Cues) -> bool:
    """A verb that introduces speech or a claim."""
    return token.pos_ == "VERB" and (is_quote_cue(token, cues) or cue_status(token, cues) is not None)


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)

def agent_of(verb: Token) -> Token | None:
    """The "by X" agent of a passive verb."""
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None

def subject_of(verb: Token, cues: Cues, max_hops: int = 4) -> Token | None:
    """The speaker of a reporting verb: its subject, a passive's agent, or a governing subject.

    Participles and conjuncts share the subject of the verb they hang from ("the ministry
    claimed ..., saying ..."), so we climb a few heads. A passive reporting verb without an
    agent ("it was reported that") has no source.
    """
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not _introduces_colon(verb, cues):
        return None  # "a suspect believed to have ...": the noun is what is believed
    token = verb
    for hop in range(max_hops + 1):
        for c in token.children:
            if c.dep_ in ("nsubj", "csubj") or (hop > 0 and c.dep_ == "nsubjpass"):
                if c.tag_ in ("WP", "WDT") and token.dep_ == "relcl":
                    return token.head
                return c
        if hop == 0 and is_passive(token):
            return agent_of(token)
        if hop == 0:
            named = _name_before(token, cues)
            if named is not None:
                return named
        agent = agent_of(token) if hop > 0 else None
        if agent is not None:
            return agent
        if token.dep_ not in _CLIMB_DEPS or token.head.i == token.i:
            return None
        head = token.head
        if (token.dep_ == "conj" and head.dep_ == "ccomp" and head.head.i != head.i
                and _reports(verb, cues) and _reports(head.head, cues)):
            # "The Tory leader said his team had reached a view, but admitted it was ...":
            # a speech verb the parser joined to the reported clause is the reporter's.
            token = head.head
            continue
        if token.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
            # "a spokesman saying ...": the noun speaks; "the recording calling ..." and
            # "criticised the law, saying ..." (a misattached participle) do not.
            before = token.i - 1
            while before > 0 and token.doc[before].is_quote:  # '“apostate,” threatening'
                before -= 1
            after_comma = before >= 0 and token.doc[before].text == ","
            if token.tag_ in ("VBD", "VBN") and head.ent_type_ == "PERSON" and token.i == verb.i:
                # "Writer Neil Coppendale, from West Sussex, asked of the war: ...": a past
                # tense verb (or "asked" read as a participle: then what he answers) that
                # modifies the name of the person it follows is that person's.
                return head
            if head.lemma_.lower() not in cues.self_report_nouns and not after_comma:
                return head
        if token.dep_ == "xcomp":
            # Object control: "urged them to say", "led them to believe".
            obj = next((c for c in head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        token = head
    return None

def is_unconfirmed_marker(token: Token, cues: Cues) -> bool:
    """A negated confirm/verify verb or an "unconfirmed"-type adjective."""
    lower = token.lower_
    if lower in cues.unconfirmed_words:
        return True
    return (
        token.pos_ in ("VERB", "AUX")
        and token.lemma_.lower() in cues.unconfirmed_verbs
        and is_negated(token)
    )

def according_to_source(token: Token, cues: Cues) -> Token | None:
    """For the "according" of "according to X", the head of X; else None."""
    first = token.lower_
    for a, b in cues.according_to:
        if first != a:
            continue
        for c in token.children:
            if c.lower_ == b:
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if nxt is not None and nxt.lower_ == b:
            for p in nxt.children:
                if p.dep_ == "pobj":
                    return p
    return None

def unconfirmed_source(marker: Token, cues: Cues) -> tuple[Token | None, Token | None]:
    """For a non-confirmation marker: (governing reporting verb or None, source token or None).

    "X said the execution had not been confirmed" -> (said, X); "officials did not confirm
    ..." -> (None, officials); "... had not been confirmed" -> (None, None).
    """
    head = marker
    if marker.pos_ == "ADJ":
        head = marker.head
    if head.dep_ == "ccomp" and cue_status(head.head, cues) is not None:
        return head.head, subject_of(head.head, cues)
    if marker.pos_ in ("VERB", "AUX"):
        if is_passive(marker):
            return None, agent_of(marker)
        for c in marker.children:
            if c.dep_ == "nsubj":
                return None, c
    return None, None
