"""Component 5: attributed statements that are not direct quotes, and attribution chains."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.extract.claims import ClaimFinder
from wirewatch.nlp.extensions import register_extensions


class ClaimsComponent:
    """``wirewatch_claims``: writes ``doc._.ww_claims`` and ``doc._.ww_quote_via`` (the
    chain of sources reporting each quote; the quotes themselves are left as they are)."""

    def __init__(self, first_person: bool, learned: bool = True) -> None:
        register_extensions()
        self.finder = ClaimFinder(first_person=first_person, learned=learned)

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_claims, doc._.ww_quote_via = self.finder.find(doc)
        return doc


@Language.factory(
    "wirewatch_claims",
    default_config={"first_person": True, "learned": True},
    assigns=["doc._.ww_claims", "doc._.ww_quote_via"],
    requires=["token.dep", "token.lemma", "doc._.ww_entities", "doc._.ww_token_entity",
              "doc._.ww_quotes"],
)
def make_claims(nlp: Language, name: str, first_person: bool, learned: bool
                ) -> ClaimsComponent:
    """Attributed indirect statements (contract Claim dicts); ``learned`` lets the trained
    attribution model (``data/models/attribution.npz``) add and drop claims."""
    return ClaimsComponent(first_person, learned)
