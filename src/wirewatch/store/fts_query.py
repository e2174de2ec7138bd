"""What a person types into ``wirewatch search``, turned into a safe full-text expression.

People type ``al-Shabaab``, ``U.S.``, ``don't``, ``gov*``, an unbalanced quote or a stray
``NEAR``; handed to FTS5 or ``to_tsquery`` as they are, those are syntax errors or operators.
Here a query is read as plain words instead, one rule for both engines:

* every word must occur (AND); ``AND``, ``OR``, ``NOT`` and ``NEAR`` are ordinary words;
* a run of letters and digits is a token, anything else separates tokens (as SQLite's
  ``unicode61`` tokenizer does), and the tokens of one typed word (``al-Shabaab``) or of a
  double-quoted stretch (``"car bomb"``) must occur next to each other, in order (a phrase);
* a trailing ``*`` makes the last token a prefix (``gov*`` finds "government");
* an unbalanced quote runs to the end of the query; a query without tokens finds nothing.

The result is written in each engine's own syntax from quoted tokens only, so it cannot be
a syntax error: an FTS5 ``MATCH`` string for SQLite and a ``tsquery`` literal (cast, not
parsed by a text-search configuration) for PostgreSQL. The PostgreSQL column it is matched
against (``dialect.SEARCH_VECTOR``) normalises the text the way ``unicode61`` does (lower
case, one-mark Latin diacritics removed, every non-alphanumeric character a separator, no
stemming, no stop words), so the same query finds the same documents on both engines.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

#: Characters that open or close a phrase (ASCII and typographic double quotes).
QUOTES = frozenset('"“”„«»')

#: More separate terms than this is not a typed query; refused rather than run.
MAX_TERMS = 64

#: More tokens than this in all terms together is not a typed query either.
MAX_TOKENS = 256

#: PostgreSQL does not index words longer than this many bytes (the parser drops them).
MAX_TOKEN_BYTES = 2047

#: Unicode ranges whose letters get folded (Latin, Latin Extended Additional, Greek): where
#: SQLite's ``unicode61`` (``remove_diacritics 1``) folds letters at all.
_FOLD_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00), (0x0370, 0x0400))


class SearchQueryError(ValueError):
    """A query that cannot be run: no words to search for, too many, or (``--raw``) a syntax
    error reported by the database engine. The message is one line, fit to show a person."""


@dataclass(frozen=True)
class Term:
    """Tokens that must occur in this order, next to each other; ``prefix``: the last one
    may continue (``shab`` matches "Shabaab")."""

    tokens: tuple[str, ...]
    prefix: bool = False


def is_token_char(char: str) -> bool:
    """Letters, numbers and private-use characters make tokens (``unicode61``'s default
    categories ``L* N* Co``); everything else separates them."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def tokens(text: str) -> list[str]:
    """The runs of token characters in ``text``, longer-than-indexable ones dropped."""
    found: list[str] = []
    current: list[str] = []
    for char in text + " ":
        if is_token_char(char):
            current.append(char)
        elif current:
            token = "".join(current)
            if len(token.encode("utf-8")) <= MAX_TOKEN_BYTES:
                found.append(token)
            current = []
    return found


def _term(text: str) -> Term | None:
    """One typed word or quoted stretch as a term (None when it holds no token)."""
    found = tokens(text)
    if not found:
        return None
    stripped = text.rstrip()
    starred = stripped.rstrip("*")
    prefix = len(starred) < len(stripped) and bool(starred) and is_token_char(starred[-1])
    return Term(tuple(found), prefix)


def _longest_token(text: str) -> int:
    """The UTF-8 length of the longest run of token characters in ``text``."""
    longest = current = 0
    for char in text:
        current = current + len(char.encode("utf-8", "replace")) if is_token_char(char) else 0
        longest = max(longest, current)
    return longest


def parse(query: str) -> list[Term]:
    """The terms of a typed query, in order, without repeats (see the module docstring)."""
    query = unicodedata.normalize("NFC", query)  # é typed as e + accent is one letter
    terms: list[Term] = []
    chunk: list[str] = []
    quoted = False

    def close() -> None:
        text = "".join(chunk)
        chunk.clear()
        pieces = [text] if quoted else text.split()
        for piece in pieces:
            term = _term(piece)
            if term is not None and term not in terms:
                terms.append(term)

    for char in query:
        if char in QUOTES:
            close()
            quoted = not quoted
        else:
            chunk.append(char)
    close()  # an unbalanced quote runs to the end
    if not terms and (longest := _longest_token(query)) > MAX_TOKEN_BYTES:
        raise SearchQueryError(
            f"a word of {longest:,} bytes is longer than any word the index keeps "
            f"({MAX_TOKEN_BYTES:,} bytes): no document can match it")
    if len(terms) > MAX_TERMS:
        raise SearchQueryError(
            f"the query has {len(terms)} separate terms; at most {MAX_TERMS} are searched")
    if (count := sum(len(term.tokens) for term in terms)) > MAX_TOKENS:
        raise SearchQueryError(f"the query has {count} words; at most {MAX_TOKENS} are searched")
    return terms


def to_fts5(terms: list[Term]) -> str:
    """An FTS5 ``MATCH`` expression: each term a quoted phrase, ``*`` after a prefix one.

    Tokens hold no quote (they are letters and digits), so quoting cannot be broken out of;
    the doubling below keeps that true should the token rule ever change.
    """
    parts = []
    for term in terms:
        phrase = '"' + " ".join(token.replace('"', '""') for token in term.tokens) + '"'
        parts.append(phrase + " *" if term.prefix else phrase)
    return " AND ".join(parts)


@cache
def fold_table() -> dict[str, str]:
    """Lower-case letter -> the letter ``unicode61`` indexes it as, where they differ.

    One combining mark on an ASCII letter is removed (é -> e; ǘ, with two, stays), and the
    few lower-case letters whose case fold differs (ς -> σ, ſ -> s) are folded. Checked
    against SQLite's own tokenizer in tests/test_search.py.
    """
    table = {}
    for low, high in _FOLD_RANGES:
        for code in range(low, high):
            char = chr(code)
            if char == char.lower() and (folded := fold_char(char)) != char:
                table[char] = folded
    return table


def fold_char(char: str) -> str:
    """``char`` as ``unicode61`` indexes it (lower case, one-mark Latin diacritic removed)."""
    folded = char.casefold()
    if len(folded) != 1:  # ß -> "ss" is not folded by SQLite; keep the lower-case letter
        folded = char.lower() if len(char.lower()) == 1 else char
    decomposed = unicodedata.normalize("NFD", folded)
    if (len(decomposed) == 2 and decomposed[0].isascii() and decomposed[0].isalpha()
            and unicodedata.category(decomposed[1]) == "Mn"):
        return decomposed[0].lower()
    return folded


def fold(token: str) -> str:
    """A token as PostgreSQL's search column holds it: ``translate(lower(...))`` with
    ``fold_table``, character by character as PostgreSQL does."""
    table = fold_table()
    out = []
    for char in token:
        low = char.lower()
        if len(low) != 1:  # İ -> i + combining dot in Python; one letter in PostgreSQL
            low = fold_char(char)
        out.append(table.get(low, low))
    return "".join(out)


def _lexeme(token: str) -> str:
    return "'" + fold(token).replace("\\", "\\\\").replace("'", "''") + "'"


def to_tsquery(terms: list[Term]) -> str:
    """A ``tsquery`` literal: phrases as ``'a' <-> 'b'``, prefixes as ``'gov':*``, ANDed.

    Meant for ``CAST(:q AS tsquery)``: the lexemes are taken as written (already folded
    here), not re-parsed by a text-search configuration that might split or drop them.
    """
    parts = []
    for term in terms:
        lexemes = [_lexeme(token) for token in term.tokens]
        if term.prefix:
            lexemes[-1] += ":*"
        phrase = " <-> ".join(lexemes)
        parts.append(f"( {phrase} )" if len(lexemes) > 1 else phrase)
    return " & ".join(parts)


def sql_fold_arguments() -> tuple[str, str]:
    """The ``from`` and ``to`` strings of the ``translate()`` that folds stored text on
    PostgreSQL, single quotes doubled for an SQL literal (there are none; kept safe)."""
    table = fold_table()
    source = "".join(table)
    target = "".join(table[char] for char in source)
    return source.replace("'", "''"), target.replace("'", "''")


def sql_fold_class() -> str:
    """A regular-expression bracket body covering every letter of ``fold_table`` (its
    Unicode ranges), to test cheaply whether a text needs folding at all."""
    return "".join(f"{chr(low)}-{chr(high - 1)}" for low, high in _FOLD_RANGES)
