"""Component 5: attributed statements that are not direct quotes, and attribution chains."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.extract.claims import ClaimFinder
from wirewatch.nlp.extensions import register_extensions


class ClaimsComponent:
    """``wirewatch_claims``: writes ``doc._.ww_claims`` and ``doc._.ww_quote_via`` (the
    chain of sources reporting each quote; the quotes themselves are left as they are)."""

    def __init__(self, first_person: bool, learned: bool = True, head: bool = False,
                 head_drop: bool = False, head_stance: bool = True) -> None:
        register_extensions()
        self.finder = ClaimFinder(first_person=first_person, learned=learned, head=head,
                                  head_drop=head_drop, head_stance=head_stance)

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_claims, doc._.ww_quote_via = self.finder.find(doc)
        return doc


@Language.factory(
    "wirewatch_claims",
    default_config={"first_person": True, "learned": True, "head": False, "head_drop": False,
                    "head_stance": True},
    assigns=["doc._.ww_claims", "doc._.ww_quote_via"],
    requires=["token.dep", "token.lemma", "doc._.ww_entities", "doc._.ww_token_entity",
              "doc._.ww_quotes"],
)
def make_claims(nlp: Language, name: str, first_person: bool, learned: bool,
                head: bool = False, head_drop: bool = False, head_stance: bool = True
                ) -> ClaimsComponent:
    """Attributed indirect statements (contract Claim dicts); ``learned`` lets the trained
    attribution model (``data/models/attribution.npz``) add and drop claims; ``head`` lets
    the attribution head on the shared encoder (``extract/attribution_head.py``) add the
    attributions it reads (``head_drop``: and drop reported claims it reads no cue for;
    ``head_stance``: stance cues too), when its weights are shipped."""
    return ClaimsComponent(first_person, learned, head, head_drop, head_stance)
