"""Component 2: places, recognised and resolved against the gazetteer."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.spans import source_text
from wirewatch.resolve.geocode import PlaceRecognizer, document_country


class PlacesComponent:
    """``wirewatch_places``: writes ``doc._.ww_locations``."""

    def __init__(self, country_bias: str | None) -> None:
        register_extensions()
        self.recognizer = PlaceRecognizer(country_bias=country_bias)

    def __call__(self, doc: Doc) -> Doc:
        doc._.ww_locations = self.recognizer.find(
            doc, url=doc.user_data.get("ww_url"), outlet=doc._.ww_outlet,
            outlet_places=doc.user_data.get("ww_outlet_places"))
        # The country the text's local vocabulary names, for events of a text that names no
        # place (read by extract/situate.py's main place).
        doc.user_data["ww_document_country"] = document_country(
            source_text(doc), self.recognizer.resolver.gaz)
        return doc


@Language.factory(
    "wirewatch_places",
    default_config={"country_bias": None},
    assigns=["doc._.ww_locations"],
    requires=["doc.ents", "doc._.ww_entities", "doc._.ww_token_entity"],
)
def make_places(nlp: Language, name: str, country_bias: str | None) -> PlacesComponent:
    """``nlp.add_pipe("wirewatch_places", config={"country_bias": "US"})``."""
    return PlacesComponent(country_bias)
