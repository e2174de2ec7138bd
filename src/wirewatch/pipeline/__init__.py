"""Pipeline assembly: the base model plus wirewatch's registered components, loaded once
per process, and the loop that runs documents through it in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import Config

from wirewatch.ingest.checks import is_english
from wirewatch.ingest.document import Document
from wirewatch.nlp import long_runs
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.model import load_base_model
from wirewatch.nlp.recase import normalize_for_nlp
from wirewatch.pipeline.boundary import admit
from wirewatch.pipeline.isolate import (
    LONG_TEXT,
    LONG_TOKENS,
    StepFailed,
    parse_dense,
    parse_long,
    run_steps,
)

#: The components' order and settings (spaCy's config format).
CONFIG_FILE = "components.cfg"


@cache
def components_config() -> Config:
    """The parsed ``components.cfg``: run order and each component's settings."""
    text = resources.files(__name__).joinpath(CONFIG_FILE).read_text("utf-8")
    return Config().from_str(text)


def register_factories() -> None:
    """Import the modules that register wirewatch's spaCy factories (spaCy also finds them
    through the ``spacy_factories`` entry points of an installed wirewatch)."""
    import wirewatch.pipeline.claims  # noqa: F401
    import wirewatch.pipeline.entities  # noqa: F401
    import wirewatch.pipeline.events  # noqa: F401
    import wirewatch.pipeline.gate  # noqa: F401
    import wirewatch.pipeline.paragraphs  # noqa: F401
    import wirewatch.pipeline.places  # noqa: F401
    import wirewatch.pipeline.quotes  # noqa: F401
    import wirewatch.pipeline.times  # noqa: F401

    register_extensions()


def add_wirewatch_components(nlp: Language, country_bias: str | None = None,
                             roles: bool = True, event_filter: bool = True,
                             gate: bool = False) -> Language:
    """Add wirewatch's components to a user's English pipeline (needs parser and NER), in
    the order and with the settings of ``components.cfg``; ``country_bias`` prefers one
    country for ambiguous places, ``roles`` lets the events component use the trained role
    model when its weights are installed, ``event_filter`` the learned event filter (off:
    every rule candidate is an event, as the filter's training needs), ``gate`` the
    relevance gate (``[wirewatch.optional]``: off unless asked for), which lets a document
    with no political-violence or coercion cue skip the event stages."""
    register_factories()
    config = components_config()
    settings = config["components"]
    wanted = {"wirewatch_gate": gate}
    overrides = {"wirewatch_places": {"country_bias": country_bias},
                 "wirewatch_events": {"roles": roles, "event_filter": event_filter}}
    if "parser" in nlp.pipe_names:
        for name in config["wirewatch"]["before_parser"]:
            if name not in nlp.pipe_names:
                nlp.add_pipe(name, before="parser", config=dict(settings.get(name, {})))
    for name in config["wirewatch"]["after_ner"]:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config={**settings.get(name, {}), **overrides.get(name, {})})
    for name, before in optional_components().items():
        if wanted.get(name) and name not in nlp.pipe_names and before in nlp.pipe_names:
            nlp.add_pipe(name, before=before, config=dict(settings.get(name, {})))
    return nlp


def optional_components() -> dict[str, str]:
    """``[wirewatch.optional]``: component -> the component it goes just before."""
    return dict(components_config()["wirewatch"].get("optional", {}))


def late_components() -> list[str]:
    """wirewatch's own components after NER, optional ones included: what runs on a long
    text's whole Doc rather than on its pieces."""
    return [*components_config()["wirewatch"]["after_ner"], *optional_components()]


@cache
def load_pipeline(country_bias: str | None = None, roles: bool = True,
                  event_filter: bool = True, gate: bool = False) -> Language:
    """The full wirewatch pipeline, built once per process and configuration."""
    return add_wirewatch_components(load_base_model(), country_bias, roles, event_filter, gate)


def make_doc(nlp: Language, document: Document) -> Doc:
    """A Doc for ``document`` with its metadata set, ready for ``nlp.pipe``."""
    text = document.text or ""
    normalized = normalize_for_nlp(text)
    return _with_metadata(long_runs.make_doc(nlp, normalized), document, normalized)


def _with_metadata(doc: Doc, document: Document, normalized: str) -> Doc:
    text = document.text or ""
    doc._.ww_text = text if normalized != text else None
    doc._.ww_published = document.published
    doc._.ww_outlet = document.outlet
    doc._.ww_title = document.title
    doc.user_data["ww_url"] = document.url  # the outlet's home, for the places component
    doc.user_data["ww_outlet_places"] = document.outlet_places  # ... and its history
    return doc


def needs_nlp(document: Document) -> bool:
    """Documents that failed, or are not English, skip the pipeline but still get a record."""
    return document.ok and bool(document.text) and is_english(document.language)


def process(nlp: Language, documents: Iterable[Document], batch_size: int = 16
            ) -> Iterator[tuple[Document, Doc | None]]:
    """Run documents through ``nlp`` in batches, yielding them in input order.

    Each document is admitted at the contract boundary first (``boundary.admit``). A
    document that crashes a component gets its own ``error``, naming the step in words;
    the rest of its batch is re-run one by one so nothing already processed is lost.
    """
    batch: list[Document] = []
    for position, document in enumerate(documents, start=1):
        batch.append(admit(document, position))
        if len(batch) >= batch_size:
            yield from _run_batch(nlp, batch)
            batch = []
    if batch:
        yield from _run_batch(nlp, batch)


def _run_batch(nlp: Language, batch: list[Document]) -> Iterator[tuple[Document, Doc | None]]:
    todo = [d for d in batch if needs_nlp(d)]
    short = [d for d in todo if len(d.text or "") <= LONG_TEXT]
    unparsed = _gated(nlp, short)
    made: dict[int, Doc] = {}
    for d in short:
        if id(d) not in unparsed:
            try:
                made[id(d)] = make_doc(nlp, d)
            except Exception:  # noqa: BLE001 - run alone below, where it gets its error
                continue
    piped = [d for d in short if id(d) in made and len(made[id(d)]) <= LONG_TOKENS]
    try:
        docs = list(nlp.pipe(made[id(d)] for d in piped))
        done = {id(d): doc for d, doc in zip(piped, docs, strict=True)}
    except Exception:  # noqa: BLE001 - isolate the failing document below
        done = {}
        for d in piped:
            _run_alone(nlp, d, done)
    done.update(unparsed)
    for d in todo:  # long or dense texts, and any the tokenizer failed on
        if id(d) not in done and d.error is None:
            _run_alone(nlp, d, done)
    for d in batch:
        yield d, done.get(id(d))


def _gated(nlp: Language, documents: list[Document]) -> dict[int, Doc]:
    """With the relevance gate on: tokenised-only Docs of the documents whose text has no
    cue word at all (``pipeline.gate.TextCues``), which skip the pipeline."""
    if "wirewatch_gate" not in nlp.pipe_names:
        return {}
    gate = nlp.get_pipe("wirewatch_gate")
    out: dict[int, Doc] = {}
    for document in documents:
        try:
            if not gate.text_cues(document.text or ""):
                out[id(document)] = gate.unparsed(make_doc(nlp, document))
        except Exception:  # noqa: BLE001 - such a document simply goes through the pipeline
            continue
    return out


def _run_alone(nlp: Language, document: Document, done: dict[int, Doc]) -> None:
    """Process one document step by step; a failure becomes its error, in words."""
    try:
        done[id(document)] = _parse_alone(nlp, document)
    except StepFailed as err:
        document.error = str(err)
    except Exception as err:  # noqa: BLE001 - e.g. the tokenizer or metadata
        document.error = str(StepFailed("tokenizer", err))


def _parse_alone(nlp: Language, document: Document) -> Doc:
    text = document.text or ""
    late = [name for name in late_components() if name in nlp.pipe_names]
    normalized = normalize_for_nlp(text)
    if len(text) <= LONG_TEXT:
        doc = make_doc(nlp, document)
        if len(doc) <= LONG_TOKENS:
            return run_steps(nlp, doc)
        doc = _with_metadata(parse_dense(nlp, doc, late), document, normalized)
        return run_steps(nlp, doc, late)
    doc = _with_metadata(parse_long(nlp, normalized, late), document, normalized)
    return run_steps(nlp, doc, late)
