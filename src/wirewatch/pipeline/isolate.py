"""Keeping one document's failure to itself, and texts longer than spaCy's limit workable.

When a batch fails, each of its documents is run again component by component, so the one
that fails gets an error naming the step in words ("reading dates and times") rather than a
bare Python exception, and the others are processed as usual.

Texts over :data:`LONG_TEXT` characters (spaCy's default ``max_length``: the base model's
tok2vec then holds gigabytes at once) are parsed in pieces of about :data:`PIECE_CHARS`
characters cut at line breaks, joined into one Doc, and only then given to wirewatch's own
components, which see the whole text: offsets, entities and events span the pieces. A text
of more than :data:`LONG_TOKENS` tokens (dense text such as "A. A. A. ...", whose tokens
are three characters each) is parsed in pieces of at most :data:`PIECE_TOKENS` tokens in
the same way, and so is any character piece over that many tokens, so the base model never
holds more than a piece's worth at once, whatever the text. Tokenizing is bounded too
(``nlp.long_runs``: whitespace-free runs are cut first).
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp import long_runs

#: Texts longer than this are parsed in pieces (spaCy's default ``nlp.max_length``).
LONG_TEXT = 1_000_000
#: Target size of one piece of a long text.
PIECE_CHARS = 100_000
#: Texts of more tokens than this are parsed in pieces too (prose this long would be about
#: 270,000 characters; no news article of the data sets comes near).
LONG_TOKENS = 50_000
#: The most tokens of one piece (prose of about :data:`PIECE_CHARS` characters).
PIECE_TOKENS = 25_000

#: What each step does, for error messages.
STEP_WORDS = {
    "tok2vec": "parsing the text",
    "tagger": "tagging parts of speech",
    "parser": "parsing sentences",
    "attribute_ruler": "tagging parts of speech",
    "lemmatizer": "finding word lemmas",
    "ner": "finding names",
    "wirewatch_paragraphs": "marking paragraphs",
    "wirewatch_entities": "grouping names into entities",
    "wirewatch_places": "geocoding places",
    "wirewatch_times": "reading dates and times",
    "wirewatch_quotes": "finding quotes",
    "wirewatch_claims": "finding claims",
    "wirewatch_events": "finding events",
    "wirewatch_gate": "checking the document for event cues (relevance gate)",
    "tokenizer": "splitting the text into words",
}


class StepFailed(Exception):
    """A pipeline step raised on one document; ``str()`` says which step, in words."""

    def __init__(self, step: str, err: BaseException) -> None:
        self.step = step
        self.cause = err
        super().__init__(failure_message(step, err))


def failure_message(step: str, err: BaseException) -> str:
    """'could not be processed: ran out of memory while finding names' and the like."""
    words = STEP_WORDS.get(step, f"running step {step!r}")
    if isinstance(err, MemoryError):
        return f"could not be processed: ran out of memory while {words}"
    if isinstance(err, RecursionError):
        return f"could not be processed: the text is nested too deeply for {words}"
    detail = str(err).splitlines()[0][:160] if str(err) else ""
    return (f"could not be processed: an internal error while {words} "
            f"({type(err).__name__}{': ' + detail if detail else ''})")


def run_steps(nlp: Language, doc: Doc, names: Iterable[str] | None = None) -> Doc:
    """Run the named components (default: all) on ``doc`` one at a time, as ``nlp(doc)``
    does, raising :class:`StepFailed` with the failing step."""
    wanted = set(nlp.pipe_names if names is None else names)
    for name, component in nlp.pipeline:
        if name not in wanted:
            continue
        try:
            doc = component(doc)
        except Exception as err:  # noqa: BLE001 - re-raised with the step named
            raise StepFailed(name, err) from err
    return doc


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``size`` characters, each ending
    after a line break where there is one (else after a space, else anywhere)."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = text.rfind("\n", start + 1, end)
        if cut < 0:
            cut = text.rfind(" ", start + 1, end)
        end = cut + 1 if cut >= 0 else end
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def token_pieces(doc: Doc, size: int | None = None) -> list[Doc]:
    """``doc`` cut into consecutive Docs of at most ``size`` tokens, each ending after a
    line break where there is one in its second half (else after a full stop, else
    anywhere; ``size`` defaults to :data:`PIECE_TOKENS`); ``doc`` itself when it is short
    enough."""
    size = size or PIECE_TOKENS
    if len(doc) <= size:
        return [doc]
    pieces: list[Doc] = []
    start = 0
    while len(doc) - start > size:
        end = start + size
        cut = next((i + 1 for i in range(end - 1, start + size // 2, -1)
                    if "\n" in doc[i].text_with_ws), None)
        if cut is None:
            cut = next((i + 1 for i in range(end - 1, start + size // 2, -1)
                        if doc[i].text.endswith(".")), end)
        pieces.append(doc[start:cut].as_doc())
        start = cut
    pieces.append(doc[start:].as_doc())
    return pieces


def _parse_pieces(nlp: Language, docs: Iterable[Doc], early: list[str]) -> list[Doc]:
    return [run_steps(nlp, part, early) for doc in docs for part in token_pieces(doc)]


def parse_long(nlp: Language, text: str, late: Iterable[str]) -> Doc:
    """The base model's analysis of a long ``text``, piece by piece, as one Doc (the ``late``
    components, wirewatch's own, are left for the caller to run on the whole)."""
    late = set(late)
    early = [name for name in nlp.pipe_names if name not in late]
    docs = []
    for piece in split_pieces(text, PIECE_CHARS):
        try:
            doc = long_runs.make_doc(nlp, piece)
        except Exception as err:  # noqa: BLE001 - re-raised with the step named
            raise StepFailed("tokenizer", err) from err
        docs.extend(_parse_pieces(nlp, [doc], early))
    return Doc.from_docs(docs, ensure_whitespace=False)


def parse_dense(nlp: Language, doc: Doc, late: Iterable[str]) -> Doc:
    """The base model's analysis of a tokenized ``doc`` of more than :data:`LONG_TOKENS`
    tokens, piece by piece, as one Doc (``late`` components left to the caller)."""
    late = set(late)
    early = [name for name in nlp.pipe_names if name not in late]
    doc.user_data.clear()  # the caller sets the metadata on the joined Doc
    return Doc.from_docs(_parse_pieces(nlp, [doc], early), ensure_whitespace=False)
