"""Tokenizing text whose runs without whitespace would cost spaCy quadratic time.

spaCy's tokenizer splits a whitespace-free run by peeling prefixes and suffixes off it one
at a time, searching the whole remaining run each time: a run of n emoji, brackets or
exclamation marks costs O(n^2) (30,000 emoji took 95 s). No English prose has such runs
(none of the 14,700 texts of the data sets has a run of 150 characters), so a text is
tokenized as usual unless it holds a run longer than :data:`RUN_CHARS`; then each such run
is cut into pieces of :data:`CUT_CHARS` characters, every stretch is tokenized on its own,
and the Docs are joined with their text unchanged (character offsets hold). A token can
then end at a cut inside a run, which only such texts ever see.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

#: A run of non-whitespace characters longer than this is cut before tokenizing.
RUN_CHARS = 200
#: The length of the pieces a long run is cut into.
CUT_CHARS = 100

_LONG_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


def has_long_run(text: str) -> bool:
    """Whether ``text`` holds a whitespace-free run longer than :data:`RUN_CHARS`."""
    return _LONG_RUN.search(text) is not None


def stretches(text: str) -> list[str]:
    """``text`` cut before and after every long run and inside it every
    :data:`CUT_CHARS` characters; one space after a run stays with its last piece (spaCy
    keeps a single space as the previous token's trailing whitespace)."""
    out: list[str] = []
    start = 0
    for match in _LONG_RUN.finditer(text):
        if match.start() > start:
            out.append(text[start:match.start()])
        end = match.end() + (1 if text.startswith(" ", match.end()) else 0)
        run = text[match.start():end]
        out.extend(run[i:i + CUT_CHARS] for i in range(0, len(run), CUT_CHARS))
        if out[-1] == " " and len(out) > 1:
            space = out.pop()
            out[-1] += space
        start = end
    if start < len(text):
        out.append(text[start:])
    return out


def make_doc(nlp: Language, text: str) -> Doc:
    """``nlp.make_doc(text)``, in bounded time: long whitespace-free runs are cut first."""
    if not has_long_run(text):
        return nlp.make_doc(text)
    return Doc.from_docs([nlp.make_doc(part) for part in stretches(text)],
                         ensure_whitespace=False)
