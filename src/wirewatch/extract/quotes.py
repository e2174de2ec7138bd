"""Direct quotes and their speakers: the ``wirewatch_quotes`` component -> ``doc._.ww_quotes``.

Quote marks are paired per paragraph by a small state machine (curly and straight, double
and single), so odd mark counts never shift the pairing beyond one paragraph: an unclosed
quote runs to the end of its paragraph, and a closing mark with no opening one counts only
when a speech cue follows it ("..., he states"). Scare quotes ("the ‘province’") are
dropped: a quote needs at least ``min_words`` words, a cue right beside it, or to continue
the previous paragraph's quote. Speakers come from the reporting verb beside the quote
(grammatical subject, resolved through pronouns by :mod:`wirewatch.extract.sources`),
an "X: “...”" colon head, a cue and colon ending the previous paragraph, a dash signature
("“...” ― Jane Doe"), a transcript label inside the marks ("“PENCE: ...”"), or the previous
part of the same speech.

Besides the contract fields each quote carries three extensions: ``speaker_mention`` (the
mention the speaker is named by beside this quote, e.g. "she"; ``speaker_span`` is the
named mention), ``continues`` (the id of the quote this one continues: “...,” he said,
“...”; a speech over several paragraphs) and ``via`` (sources reporting the speaker, set by
``wirewatch_claims``: "The Guardian reported that the minister said: “...”").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Token

from wirewatch.extract.cue_grammar import (
    FIRST_SECOND_PERSON,
    according_to_source,
    cue_status,
    is_quote_cue,
    subject_of,
)
from wirewatch.extract.sources import (
    SOURCE_ENT_TYPES,
    CharRanges,
    Source,
    SourceResolver,
    entity_span,
)
from wirewatch.knowledge.cues import Cues, load_cues
from wirewatch.nlp import extensions  # noqa: F401  (registers doc._.ww_* attributes)
from wirewatch.nlp.spans import char_span, source_text

#: An upper-case speaker label opening a quoted transcript turn ("PENCE: ...").
_LABEL = re.compile(r"([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3}):\s+")
_MARKS = re.compile("[\"'“”„‟«»‘’‹›]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_NEWLINE = re.compile(r"\n")
_OPEN_DOUBLE = frozenset("“„‟«")
_CLOSE_DOUBLE = frozenset("”»")
_OPEN_SINGLE = frozenset("‘‹")
_CLOSE_SINGLE = frozenset("’›")
_AFTER_CLOSE = frozenset(",.;:!?)]—–-")
#: Tokens skipped between a leading cue and the opening mark ("said: “", "said that “").
_LEAD_SKIP = frozenset({",", ":", "–", "—", "-", "that"})
_SEPARATORS = frozenset({",", ":", "–", "—", "-"})
#: How many words after a closing mark may separate it from its cue ("..., the minister said").
_TRAIL_WINDOW = 40
#: How far back from a colon a clause's verb may introduce the quote after it.
_COLON_CLAUSE = 10
#: Quoted characters a paragraph of reported speech may hold (scare quotes, a title).
_SCARE_CHARS = 40
#: Words that make a stretch read as speech rather than the writer's narration.
_SPEAKER_WORDS = frozenset({"i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your",
                            "yours", "i'm", "i’m", "let's", "let’s"})
#: Dashes that sign a quote with its author ("“...” ― Jane Doe").
_SIGN_DASHES = frozenset({"―", "—", "–", "-", "--"})
#: How the parser hangs the name after an inverted speech verb when it does not make it the
#: subject ("...," reads a telephone memo).
_INVERTED_DEPS = frozenset({"dobj", "attr", "nsubj", "nsubjpass", "npadvmod", "appos", "oprd"})


@dataclass
class _RawQuote:
    start: int
    end: int
    para: int
    open_mark: int | None
    close_mark: int | None
    words: int = 0
    cue: Token | None = None  # a speech verb, or the "according" of "according to X"
    speaker: Source | None = None
    strict: bool = False
    continues: bool = False
    accepted: bool = False
    parent: _RawQuote | None = None  # the earlier part of the same speech
    qid: str | None = None

    @property
    def open_at_end(self) -> bool:
        return self.open_mark is not None and self.close_mark is None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty paragraph, whitespace-trimmed.

    Blank lines separate paragraphs when the text has any; otherwise every line is one.
    """
    breaker = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    out: list[tuple[int, int]] = []
    pos = 0
    for m in breaker.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    trimmed = []
    for start, end in out:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace and the trailing comma a cue leaves inside the marks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def scan_paragraph(text: str, ps: int, pe: int, para: int) -> list[_RawQuote]:
    """Pair the quote marks of one paragraph into raw quoted stretches (no filtering yet)."""
    marks = [(m.start(), m.group()) for m in _MARKS.finditer(text, ps, pe)]
    found: list[_RawQuote] = []
    open_pos: int | None = None
    closed_any = False
    for pos, ch in marks:
        if ch in _OPEN_SINGLE or ch in _CLOSE_SINGLE or ch == "'":
            continue
        if ch == '"':
            prev = text[pos - 1] if pos > ps else " "
            nxt = text[pos + 1] if pos + 1 < pe else " "
            orphan_close = (nxt.isspace() or nxt in _AFTER_CLOSE) and not prev.isspace()
            is_open = open_pos is None and not orphan_close
            # '"... trying again. "I am in no doubt': a mark after a finished sentence and a
            # space, before a word, opens the next paragraph's quote (paragraphs run on).
            if (open_pos is not None and prev.isspace() and nxt.isalnum() and pos - 2 > open_pos
                    and text[pos - 2] in ".?!"):
                is_open = True
        else:
            # A closing curly mark used to open ("”Fear. I am ...") opens when nothing is
            # open, a space or the paragraph start precedes it and a word follows.
            prev = text[pos - 1] if pos > ps else " "
            nxt = text[pos + 1] if pos + 1 < pe else " "
            misused = open_pos is None and prev.isspace() and nxt.isalnum()
            is_open = ch in _OPEN_DOUBLE or (ch in _CLOSE_DOUBLE and misused)
        if is_open:
            if open_pos is not None:  # a new opening before any closing: cut the first short
                found.append(_RawQuote(open_pos + 1, pos, para, open_pos, None))
            open_pos = pos
        elif open_pos is not None:
            found.append(_RawQuote(open_pos + 1, pos, para, open_pos, pos))
            open_pos = None
            closed_any = True
        elif not closed_any:  # closing mark with no opening: the quote began the paragraph
            found.append(_RawQuote(ps, pos, para, None, pos))
            closed_any = True
    if open_pos is not None:
        found.append(_RawQuote(open_pos + 1, pe, para, open_pos, None))
    inside = CharRanges(
        (q.open_mark if q.open_mark is not None else q.start, (q.close_mark or q.end) + 1)
        for q in found
    )
    found.extend(_scan_single(text, ps, pe, para, marks, inside))
    found.sort(key=lambda q: q.start)
    for q in found:
        q.start, q.end = _trim(text, q.start, q.end)
    return [q for q in found if q.start < q.end]


def _scan_single(
    text: str, ps: int, pe: int, para: int, marks: list[tuple[int, str]], inside: CharRanges
) -> list[_RawQuote]:
    """Single-quote pairs outside double quotes; apostrophes (don't, Russia’s) never open one."""
    found: list[_RawQuote] = []
    open_pos: int | None = None
    for pos, ch in marks:
        if ch not in _OPEN_SINGLE and ch not in _CLOSE_SINGLE and ch != "'":
            continue
        if inside.contains(pos):
            continue
        prev = text[pos - 1] if pos > ps else " "
        nxt = text[pos + 1] if pos + 1 < pe else " "
        can_open = ch in _OPEN_SINGLE or ch == "'"
        can_close = ch in _CLOSE_SINGLE or ch == "'"
        if open_pos is None and can_open and not prev.isalnum() and nxt.isalpha():
            open_pos = pos
        elif open_pos is not None and can_close and not prev.isspace() and not nxt.isalnum():
            found.append(_RawQuote(open_pos + 1, pos, para, open_pos, pos))
            open_pos = None
    if open_pos is not None and open_pos == ps:  # unclosed, but it opens the paragraph
        found.append(_RawQuote(open_pos + 1, pe, para, open_pos, None))
    return found


def _one_paragraph(doc: Doc, q: _RawQuote, cue: Token) -> bool:
    """True when no line break stands between a quote and a cue found through the parse
    (the parser joins paragraphs the quote finder keeps apart)."""
    lo, hi = min(q.start, cue.idx), max(q.end, cue.idx)
    return "\n" not in doc.text[lo:hi]


def _cue_text(cue: Token | None) -> str | None:
    if cue is None:
        return None
    return "according to" if cue.lower_ == "according" else cue.text


class _DocTokens:
    """Character -> token lookups for one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def at(self, char: int) -> int:
        """Index of the token covering (or last starting before) ``char``."""
        return max(bisect_right(self.starts, char) - 1, 0)

    def words(self, start: int, end: int) -> int:
        doc = self.doc
        i, j = self.at(start), self.at(max(end - 1, start))
        return sum(1 for t in doc[i : j + 1] if (t.is_alpha or t.like_num) and start <= t.idx < end)


class QuoteFinder:
    """Direct quotes and their speakers: lexicon loaded once, stateless per document."""

    def __init__(self, min_words: int = 4) -> None:
        self.min_words = min_words
        self.cues: Cues = load_cues()

    def find(self, doc: Doc) -> list[dict[str, Any]]:
        text = source_text(doc)
        paras = paragraphs(text)
        raw: list[_RawQuote] = []
        for idx, (ps, pe) in enumerate(paras):
            if _MARKS.search(text, ps, pe):
                raw.extend(scan_paragraph(text, ps, pe, idx))
        if not raw:
            return []
        toks = _DocTokens(doc)
        quoted = CharRanges((q.start, q.end) for q in raw)
        resolver = SourceResolver(doc, self.cues, quoted)
        for q in raw:
            q.words = toks.words(q.start, q.end)
            prev = paras[q.para - 1] if q.para > 0 else None
            self._attribute(q, text, paras[q.para], toks, quoted, resolver, prev)
        self._link(raw, text, paras, toks)
        quotes = []
        for q in raw:
            if not q.accepted:
                continue
            speaker = q.speaker
            q.qid = f"q{len(quotes) + 1}"
            parent = q.parent
            while parent is not None and not parent.accepted:
                parent = parent.parent
            quotes.append(
                {
                    "id": q.qid,
                    "span": char_span(doc, q.start, q.end),
                    "direct": True,
                    "speaker": speaker.entity if speaker else None,
                    "speaker_span": speaker.span if speaker else None,
                    "cue": _cue_text(q.cue),
                    # extensions: the speaker's local mention, and the quote this one
                    # continues (“...,” he said, “...”; a speech over several paragraphs)
                    "speaker_mention": speaker.mention if speaker else None,
                    "speaker_kind": speaker.kind if speaker else None,
                    "continues": parent.qid if parent is not None else None,
                    "via": [],  # the record takes the chain from wirewatch_claims (ww_quote_via)
                }
            )
        return quotes

    # -- cues -------------------------------------------------------------------------
    def _attribute(
        self,
        q: _RawQuote,
        text: str,
        para: tuple[int, int],
        toks: _DocTokens,
        quoted: CharRanges,
        resolver: SourceResolver,
        prev_para: tuple[int, int] | None = None,
    ) -> None:
        """Find the cue verb and speaker of one raw quote; ``strict`` = cue right beside it."""
        subject: Token | None = self._transcript_label(q, text, toks)
        before = text[para[0] : q.open_mark].rstrip() if q.open_mark is not None else ""
        if subject is None and before.endswith(":"):
            # 'X told researchers: "..." Former MP Y recalled ...': a colon binds the quote
            # to the clause before it, whatever follows the closing mark.
            q.cue, subject = self._leading_cue(q, para, toks)
        if q.cue is None and subject is None and q.close_mark is not None:
            q.cue, subject = self._trailing_cue(q, text, para, toks)
        if q.cue is None and subject is None and q.open_mark is not None:
            q.cue, subject = self._leading_cue(q, para, toks)
        if (q.cue is None and subject is None and q.open_mark == para[0]
                and prev_para is not None and text[prev_para[1] - 1] == ":"):
            # "The New York Times reports:" ends a paragraph; the quote opens the next one.
            q.cue, subject = self._leading_cue(q, (prev_para[0], para[1]), toks)
        q.strict = q.cue is not None or subject is not None
        if not q.strict and q.words >= self.min_words and q.open_mark is not None:
            q.cue, subject = self._nearby_cue(q, para, toks, quoted)
        if q.cue is None and subject is None and q.words >= self.min_words:
            q.cue, subject = self._governing_clause(q, toks)
        if (q.cue is None and subject is None and q.open_mark == para[0]
                and prev_para is not None and quoted.overlap(*prev_para) < _SCARE_CHARS
                and not (q.close_mark is not None and text[q.close_mark - 1] in ",?!")):
            # (a quote closed on a comma waits for an attribution after it: "...," is the
            # dry assessment of X)
            # 'Andy Richards said the leaflet was ...' then a paragraph that is a quote: the
            # speaker of the reported speech that ends the paragraph before goes on.
            q.cue, subject = self._reported_before(prev_para, toks)
        if (q.cue is None and subject is None and q.open_mark is not None
                and q.open_mark > para[0] and self._opens_sentence(q, text, para)
                and quoted.overlap(self._sentence_before(q, para, toks), q.open_mark) < _SCARE_CHARS
                and self._speaks(q, toks)
                and not (q.close_mark is not None and text[q.close_mark - 1] in ",?!")):
            # 'Mr Fox said being able to close premises ... did not make an impact. "If it's
            # 12.30 ... we ..."': a quote in the speaker's own voice that opens a sentence
            # right after reported speech goes on with that speech's speaker.
            q.cue, subject = self._reported_before((para[0], q.open_mark), toks)
        if q.cue is not None and subject is None:
            subject = subject_of(q.cue, self.cues)
        if subject is not None:
            q.speaker = resolver.resolve(subject)
            if q.speaker is not None and q.speaker.kind is None:
                q.speaker = None  # "the boat said": no speaker rather than a thing

    @staticmethod
    def _transcript_label(q: _RawQuote, text: str, toks: _DocTokens) -> Token | None:
        """“PENCE: Well, ...”: a quoted transcript turn names its speaker; the label is cut
        from the quote."""
        m = _LABEL.match(text, q.start, q.end)
        if m is None:
            return None
        speaker = toks.doc[toks.at(m.start(1))]
        q.start = m.end()
        return speaker

    def _trailing_cue(
        self, q: _RawQuote, text: str, para: tuple[int, int], toks: _DocTokens
    ) -> tuple[Token | None, Token | None]:
        """“...,” he said / “...,” said the minister / “...,” according to X."""
        assert q.close_mark is not None
        doc = toks.doc
        i = toks.at(q.close_mark) + 1
        signed = self._signature(i, para, toks)
        if signed is not None:
            return signed
        close = q.close_mark
        comma_closed = text[close - 1 : close] in (",", "?", "!") or text[close + 1 : close + 2] == ","
        seen = 0
        first_word: Token | None = None
        while i < len(doc) and doc[i].idx < para[1] and seen <= _TRAIL_WINDOW:
            t = doc[i]
            i += 1
            if t.is_space or t.text in (",", "—", "–"):
                continue
            if t.is_quote or t.text in (".", "!", "?", ";", ":"):
                break
            first_word = first_word or t
            seen += 1
            src = according_to_source(t, self.cues) if first_word is t else None
            if src is not None:
                return t, src
            if comma_closed and first_word is t and t.lemma_ == "be":
                judged = self._judgement_of(t)  # “...,” is the dry assessment of X
                if judged is not None:
                    return judged
            if t.pos_ not in ("VERB", "AUX"):
                continue
            # “...,” Trump barked: after a comma-closed quote any verb of the adjacent
            # clause is the cue, not just the lexicon's speech verbs.
            if not is_quote_cue(t, self.cues) and not (comma_closed and t.pos_ == "VERB"):
                break
            subject = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subject is None and comma_closed and is_quote_cue(t, self.cues):
                subject = self._inverted_name(t)  # “...,” said Eva, a student (misparsed)
                if subject is None:  # “...,” reads a telephone memo (parsed as its object)
                    subject = next((c for c in t.children if c.i > t.i and c.pos_ in (
                        "NOUN", "PROPN") and c.dep_ in _INVERTED_DEPS), None)
            if subject is None and comma_closed and t.dep_ == "acl" and t.head.i == t.i - 1:
                subject = t.head  # “...,” Trump barked: parsed as a verb modifying "Trump"
            if subject is None or subject.left_edge.i <= toks.at(q.close_mark):
                break
            # Only the cue's own subject may stand between the mark and the verb.
            lead = doc[toks.at(q.close_mark) + 1 : t.i]
            if any(
                not (
                    w.is_punct
                    or w.is_space
                    or w.head is t
                    or subject.left_edge.i <= w.i <= subject.right_edge.i
                )
                for w in lead
            ):
                break
            # “We will win.” Smith said the army ... : a new sentence with its own content.
            ends_sentence = text[q.end - 1 : q.end] == "." and first_word.is_title
            own_content = any(c.dep_ in ("ccomp", "xcomp") and c.i > t.i for c in t.children)
            if ends_sentence and own_content:
                break
            return t, subject
        return None, None

    def _judgement_of(self, be: Token) -> tuple[Token, Token] | None:
        """“...,” is the dry assessment of X / was the verdict of the committee: (the
        attributing noun, X) when the copula's complement is a noun cue with an "of", "from"
        or "by" object, else None."""
        for noun in be.children:
            if noun.dep_ != "attr" or noun.lemma_.lower() not in self.cues.noun_cues:
                continue
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ in ("of", "from", "by"):
                    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if obj is not None:
                        return noun, obj
        return None

    def _signature(
        self, i: int, para: tuple[int, int], toks: _DocTokens
    ) -> tuple[Token | None, Token | None] | None:
        """“...” ― Jane Doe: a dash then a name right after the closing mark signs the quote."""
        doc = toks.doc
        while i < len(doc) and doc[i].is_space:
            i += 1
        if i + 1 >= len(doc) or doc[i].text not in _SIGN_DASHES or doc[i].idx >= para[1]:
            return None
        name = doc[i + 1]
        if name.is_space and i + 2 < len(doc):
            name = doc[i + 2]
        if name.pos_ != "PROPN" and name.ent_type_ not in SOURCE_ENT_TYPES:
            return None
        span = entity_span(name)
        return doc[i], (span.root if span is not None else name)

    def _leading_cue(
        self, q: _RawQuote, para: tuple[int, int], toks: _DocTokens
    ) -> tuple[Token | None, Token | None]:
        """He states: “...” / She told the BBC, “...” / Abu Yasser: “...”."""
        assert q.open_mark is not None
        doc = toks.doc
        i = toks.at(q.open_mark) - 1
        skipped: set[str] = set()
        while i >= 0 and doc[i].idx >= para[0] and len(skipped) < 3:
            t = doc[i]
            if t.is_space:
                i -= 1
            elif t.lower_ in _LEAD_SKIP:
                skipped.add(t.lower_)
                i -= 1
            else:
                break
        if i < 0 or doc[i].idx < para[0]:
            return None, None
        p = doc[i]
        if p.dep_ == "prt" and p.head.i < p.i:  # "points out: “...”"
            p = p.head
        separated = bool(skipped & _SEPARATORS)
        # Without a separator only a reporting verb introduces a quote: "calls it “...”" names.
        colon_verb = ":" in skipped and p.pos_ == "VERB" and any(
            c.dep_ in ("nsubj", "nsubjpass") for c in p.children
        )  # "Bozell points out: “...”"
        if colon_verb or (is_quote_cue(p, self.cues) and (separated or cue_status(p, self.cues))):
            return p, None
        if not separated:
            return None, None
        head = p.head
        if head.dep_ == "prep":
            head = head.head
        if head.i < p.i and is_quote_cue(head, self.cues):
            return head, None
        if ":" in skipped:
            head_name = self._colon_head(p, para, toks)
            if head_name is not None:
                return None, head_name
            return self._colon_clause_verb(p), None
        return None, None

    @staticmethod
    def _colon_clause_verb(last: Token) -> Token | None:
        """“Trump went even further: “...”” / “X released the following statement: “...”:
        the clause before the colon, if it has a subject, introduces the quote."""
        doc = last.doc
        first = max(last.sent.start, last.i - _COLON_CLAUSE)
        for t in reversed(doc[first : last.i + 1]):
            if t.is_quote:
                break
            if t.pos_ == "VERB" and any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
                return t
        return None

    def _colon_head(self, last: Token, para: tuple[int, int], toks: _DocTokens) -> Token | None:
        """“Abu Yasser: “...”: a verbless name before the colon is the speaker."""
        doc = toks.doc
        start = toks.at(para[0])
        for t in reversed(doc[start : last.i]):  # "... - More from Blumenthal and Cohen:"
            if t.text in _SIGN_DASHES or t.is_sent_start:
                start = t.i + 1 if t.text in _SIGN_DASHES else t.i
                break
        before = doc[start : last.i + 1]
        if len(before) > 8 or any(t.pos_ in ("VERB", "AUX") for t in before):
            return None
        if not any(t.pos_ == "PROPN" or t.ent_type_ in SOURCE_ENT_TYPES for t in before):
            return None
        return last

    def _nearby_cue(
        self, q: _RawQuote, para: tuple[int, int], toks: _DocTokens, quoted: CharRanges
    ) -> tuple[Token | None, Token | None]:
        """For a long quote with no adjacent cue, the nearest speech verb before it in its sentence."""
        assert q.open_mark is not None
        doc = toks.doc
        mark = doc[toks.at(q.open_mark)]
        first = max(mark.sent.start, toks.at(para[0]))
        for t in reversed(doc[first : mark.i]):
            if quoted.contains(t.idx):
                continue
            if is_quote_cue(t, self.cues):
                return t, None
            src = according_to_source(t, self.cues)
            if src is not None:
                return t, src
        return None, None

    #: Dependencies a quoted phrase may hang by on the way up to the verb whose subject
    #: speaks it ("talked about a “...”", "referred to them as “...”").
    _GOVERNED_BY = frozenset({"dobj", "pobj", "prep", "attr", "ccomp", "xcomp", "acomp",
                              "oprd", "parataxis", "advcl", "amod", "compound", "appos"})

    def _governing_clause(self, q: _RawQuote, toks: _DocTokens
                          ) -> tuple[Token | None, Token | None]:
        """A quote embedded in a clause with no speech verb ("the prime minister talked about
        a “New Labour manifesto that ...”", "As one report described the scene, “...”") is
        the words of that clause's subject: climb at most three heads from the quote's root
        to an active verb with a subject outside the quote."""
        doc = toks.doc
        i, j = toks.at(q.start), toks.at(max(q.end - 1, q.start))
        inside = [t for t in doc[i : j + 1] if not t.is_punct]
        if not inside:
            return None, None
        root = min(inside, key=lambda t: len(list(t.ancestors)))
        if root.dep_ in ("nsubj", "nsubjpass") and root.head.pos_ in ("VERB", "AUX") \
                and not i <= root.head.i <= j:
            # 'The "best person for the job" should be appointed ..., the minister has told
            # MPs': a quoted subject of reported content.
            outer = self._reporting_clause(root.head)
            if outer is not None and _one_paragraph(doc, q, outer[0]):
                return outer
        token = root
        for _ in range(3):
            if token.dep_ not in self._GOVERNED_BY or token.head.i == token.i:
                return None, None
            token = token.head
            if i <= token.i <= j:
                continue
            if token.pos_ == "VERB":
                subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
                if subject is None and token.dep_ in ("advcl", "acl", "xcomp", "conj"):
                    subject = subject_of(token, self.cues)  # "defended the move saying ..."
                outer = self._reporting_clause(token)
                if outer is not None and _one_paragraph(doc, q, outer[0]):
                    return outer
                if subject is not None and not (i <= subject.i <= j) and subject.pos_ != "PRON" \
                        or (subject is not None and subject.lower_ in self.cues.person_pronouns):
                    return token, subject
                return None, None
        return None, None

    def _reporting_clause(self, verb: Token) -> tuple[Token, Token] | None:
        """(cue, its subject) when ``verb`` is (in) the reported content of a reporting verb:
        a quoted phrase inside reported speech is the reporter's ("The Tory leader said his
        front bench team had reached a “collective view”" is the Tory leader's)."""
        token = verb
        found: tuple[Token, Token] | None = None
        for _ in range(4):  # the outermost reporter: "X said the US had agreed to ..."
            if token.dep_ not in ("ccomp", "conj", "xcomp") or token.head.i == token.i:
                break
            token = token.head
            if token.pos_ == "VERB" and (is_quote_cue(token, self.cues)
                                         or cue_status(token, self.cues) is not None):
                subject = subject_of(token, self.cues)
                if subject is None or subject.lower_ in FIRST_SECOND_PERSON:
                    break
                found = (token, subject)
        return found

    def _reported_before(self, para: tuple[int, int], toks: _DocTokens
                         ) -> tuple[Token | None, Token | None]:
        """(cue, subject) of the last reporting verb with a third-person subject in the
        last sentence of a paragraph, else (None, None)."""
        doc = toks.doc
        last = doc[toks.at(max(para[1] - 1, para[0]))]
        sent = last.sent
        for t in reversed(sent):
            if t.idx < para[0]:
                break
            src = according_to_source(t, self.cues)
            if src is not None:  # "The problem, according to Mr Lane, is ... “I ...”"
                return t, src
            if cue_status(t, self.cues) is None and not is_quote_cue(t, self.cues):
                continue
            subject = next((c for c in t.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.lower_ not in ("i", "we", "you"):
                return t, subject
        return None, None

    @staticmethod
    def _sentence_before(q: _RawQuote, para: tuple[int, int], toks: _DocTokens) -> int:
        """Where the sentence before the quote's opening mark starts (not before its
        paragraph)."""
        assert q.open_mark is not None
        i = toks.at(q.open_mark) - 1
        doc = toks.doc
        while i > 0 and (doc[i].is_space or doc[i].is_punct) and doc[i].idx > para[0]:
            i -= 1
        return max(para[0], doc[i].sent.start_char)

    @staticmethod
    def _opens_sentence(q: _RawQuote, text: str, para: tuple[int, int]) -> bool:
        """True when the quote's opening mark follows a sentence's end in its paragraph."""
        assert q.open_mark is not None
        before = text[para[0] : q.open_mark].rstrip()
        return before.endswith((".", "!", "?"))

    @staticmethod
    def _inverted_name(verb: Token) -> Token | None:
        """The name right after an inverted speech verb ("said Eva Smith"): the last word of
        the proper-noun run that follows it, else None."""
        doc = verb.doc
        i = verb.i + 1
        last: Token | None = None
        while i < len(doc) and (doc[i].pos_ == "PROPN" or doc[i].ent_type_ == "PERSON"):
            last = doc[i]
            i += 1
        return last

    @staticmethod
    def _speaks(q: _RawQuote, toks: _DocTokens) -> bool:
        """True when a stretch reads as someone's speech: it has a first- or second-person
        word ("I", "we", "our", "you")."""
        doc = toks.doc
        i, j = toks.at(q.start), toks.at(max(q.end - 1, q.start))
        return any(t.lower_ in _SPEAKER_WORDS for t in doc[i : j + 1])

    @staticmethod
    def _only_cue_between(first: _RawQuote, second: _RawQuote, toks: _DocTokens) -> bool:
        """True when no verb but ``first``'s own cue stands between two quotes."""
        if first.speaker is None or first.close_mark is None:
            return False
        if second.open_mark is None:
            return False
        doc = toks.doc
        between = doc[toks.at(first.close_mark) + 1 : toks.at(second.open_mark)]
        cue = first.cue
        # Verbs inside the cue's own phrase ("said X, who has been ...") do not break it.
        return all(
            t.pos_ not in ("VERB", "AUX")
            or (cue is not None and (t == cue or cue.is_ancestor(t)) and t.dep_ != "ccomp")
            for t in between
        )

    # -- multi-paragraph quotes ------------------------------------------------------
    def _link(
        self, raw: list[_RawQuote], text: str, paras: list[tuple[int, int]], toks: _DocTokens
    ) -> None:
        """Decide acceptance, and carry speakers across the parts of one speech.

        A quote right after another one in its paragraph, with only that one's cue between
        them (“...,” he said. “...”), has the same speaker.
        A quote opening a paragraph continues the previous paragraph's last quote when that
        one was left open (multi-paragraph convention) or, if it has no cue of its own, when
        the paragraph holds nothing but the quote.
        """
        last_in_para: dict[int, _RawQuote] = {}
        follows: dict[int, _RawQuote] = {}
        for n, q in enumerate(raw):
            prev = last_in_para.get(q.para - 1)
            ps, pe = paras[q.para]
            same = last_in_para.get(q.para)
            if same is not None and q.cue is not None and same.cue is not None and q.cue.i == same.cue.i:
                q.parent = same  # “...,” he said, “...”: both halves hang on one cue
            elif same is not None and q.speaker is None and q.cue is None:
                # “... again. “I am in no doubt ...”: a quote cut short by a new opening
                # mark goes on in it (the run-on layout of paragraphs joined into one).
                cut_short = same.close_mark is None and same.speaker is not None
                if cut_short or self._only_cue_between(same, q, toks):
                    q.continues = True
                    q.parent = same
                    q.speaker, q.cue = same.speaker, same.cue
            elif prev is not None and q.open_mark == ps:
                after = (q.close_mark if q.close_mark is not None else q.end) + 1
                only_quote = not text[after:pe].strip(" \t.,\u00a0")
                if prev.open_at_end:
                    follows[n] = prev
                    q.parent = prev
                cut_short = q.close_mark is None  # “... again. “I am ...: a run-on speech
                if q.speaker is None and q.cue is None and (prev.open_at_end or only_quote
                                                            or cut_short):
                    q.continues = prev.speaker is not None or prev.open_at_end
                    q.parent = prev if q.continues else None
                    q.speaker, q.cue = prev.speaker, prev.cue
            q.accepted = (
                q.continues or q.strict or (q.open_mark is not None and q.words >= self.min_words)
            )
            if (q.accepted and q.open_mark is None and not (prev is not None and prev.open_at_end)
                    and not self._speaks(q, toks)):
                # A stray closing mark after the writer's own sentence ("The video ends with
                # an execution ...,” he states) makes no quote of it: a quote with no opening
                # mark must read as speech (first or second person) or continue an open one.
                q.accepted = False
            if q.accepted:  # a scare quote never carries a speech on
                last_in_para[q.para] = q
        # “A,” “B,” said X: a quote followed at once by another takes that one's speaker.
        for n in range(len(raw) - 2, -1, -1):
            q, nxt = raw[n], raw[n + 1]
            if (q.accepted and nxt.accepted and q.para == nxt.para and q.cue is None
                    and q.speaker is None and nxt.parent is None and q.close_mark is not None
                    and nxt.open_mark is not None
                    and not text[q.close_mark + 1 : nxt.open_mark].strip(" \t,;.\u00a0")):
                q.speaker, q.cue = nxt.speaker, nxt.cue
                nxt.parent = q
        # A cue after the last paragraph of an open-ended speech names its earlier paragraphs.
        for n in sorted(follows, reverse=True):
            earlier, later = follows[n], raw[n]
            if earlier.speaker is None and later.speaker is not None:
                earlier.speaker, earlier.cue = later.speaker, later.cue
