"""Component 6: PLOVER events; the learned event filter drops candidates that are not events,
and the trained role model refines the arguments of the rest."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.extract.event_filter import EventFilter
from wirewatch.extract.event_filter import model_path as filter_path
from wirewatch.extract.event_heads import EventHeads
from wirewatch.extract.events import EventExtractor
from wirewatch.extract.roles import RoleClassifier, model_path
from wirewatch.nlp.extensions import register_extensions
from wirewatch.pipeline.gate import skipped_by_gate


class EventsComponent:
    """``wirewatch_events``: writes ``doc._.ww_events``. The rules propose candidates; when
    ``event_filter`` is on and its weights are installed, the learned filter keeps those that
    are events; when ``roles`` is on and the role weights are installed, the trained role
    classifier adds and prunes their arguments. Both run before the events are assigned
    (neither owns an output of its own)."""

    def __init__(self, roles: bool, roles_apply_to: str, roles_prune: float,
                 roles_threshold: float | None, roles_model: str | None,
                 event_filter: bool, event_threshold: float | None,
                 event_model: str | None, roles_prune_on: str = "uncased",
                 roles_encoder: bool = False, roles_head: bool = False,
                 roles_actors_only: bool = True, encoder_heads: bool = False,
                 encoder_mix: float = 0.0) -> None:
        register_extensions()
        self.extractor = EventExtractor()
        self.filter: EventFilter | None = None
        self.heads: EventHeads | None = None
        if event_filter and encoder_heads:
            # the fine-tuned encoder's heads decide; without onnxruntime or their weights,
            # the linear filter does
            self.heads = EventHeads.load(event_threshold, encoder_mix)
        if event_filter and self.heads is None and (
                event_model is not None or filter_path().exists()):
            self.filter = EventFilter(threshold=event_threshold, model=event_model)
        self.roles: RoleClassifier | None = None
        if roles and (roles_model is not None or model_path().exists()):
            self.roles = RoleClassifier(threshold=roles_threshold, model=roles_model,
                                        prune=roles_prune, apply_to=roles_apply_to,
                                        prune_on=roles_prune_on, encoder=roles_encoder,
                                        head=roles_head, actors_only=roles_actors_only)

    def __call__(self, doc: Doc) -> Doc:
        if skipped_by_gate(doc):  # the optional relevance gate found no cue (pipeline/gate.py)
            doc._.ww_events = []
            return doc
        events = self.extractor.find(doc)
        if self.heads is not None:
            events = self.heads.judge(doc, events)
        elif self.filter is not None:
            events = self.filter.keep(doc, events)
        if self.roles is not None:
            self.roles.refine(doc, events)
        doc._.ww_events = events
        return doc


@Language.factory(
    "wirewatch_events",
    default_config={"roles": True, "roles_apply_to": "all", "roles_prune_on": "uncased",
                    "roles_prune": 0.05,
                    "roles_threshold": None, "roles_model": None, "event_filter": True,
                    "event_threshold": None, "event_model": None, "roles_encoder": False,
                    "roles_head": False, "roles_actors_only": True, "encoder_heads": False,
                    "encoder_mix": 0.0},
    assigns=["doc._.ww_events"],
    requires=["token.dep", "token.lemma", "doc.ents", "doc._.ww_entities",
              "doc._.ww_token_entity", "doc._.ww_locations", "doc._.ww_times",
              "doc._.ww_quotes", "doc._.ww_quote_via", "doc._.ww_claims"],
)
def make_events(nlp: Language, name: str, roles: bool, roles_apply_to: str,
                roles_prune_on: str, roles_prune: float, roles_threshold: float | None,
                roles_model: str | None, event_filter: bool, event_threshold: float | None,
                event_model: str | None, roles_encoder: bool = False,
                roles_head: bool = False, roles_actors_only: bool = True,
                encoder_heads: bool = False, encoder_mix: float = 0.0) -> EventsComponent:
    """``roles_apply_to``: where the role model adds fillers, "all" text (default; its
    features do not read letter case) or only "uncased" wire copy; ``roles_prune_on``: where
    it reads every role and prunes rule fillers, "uncased" (default: MUC-4's conventions,
    which modern news annotation does not share; elsewhere it adds victims and instruments
    only) or "all"; ``roles_prune`` drops rule arguments
    whose probability in their role is below it;
    ``event_threshold`` overrides the filter's trained decision threshold;
    ``roles_encoder`` re-scores role candidates with the MiniLM encoder head when the
    ``encoder`` extra is installed (else the linear model alone); ``roles_head`` mixes in
    the argument head on the shared encoder (``extract/argument_head.py``) when its weights
    are shipped; ``roles_actors_only`` drops agents and victims that cannot be actors
    (``extract/actor_check.py``); ``encoder_heads`` lets the shared encoder's event and
    casualty heads (``extract/event_heads.py``) decide which candidates are news and check
    their figures, in place of the linear filter, when onnxruntime and the weights are
    installed; ``encoder_mix`` weighs the linear filter's vote into the encoder's keep
    probability (0: the encoder alone)."""
    return EventsComponent(roles, roles_apply_to, roles_prune, roles_threshold, roles_model,
                           event_filter, event_threshold, event_model, roles_prune_on,
                           roles_encoder, roles_head, roles_actors_only, encoder_heads,
                           encoder_mix)
