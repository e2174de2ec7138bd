"""Pipeline assembly: the base model plus wirewatch's registered components, loaded once
per process, and the loop that runs documents through it in order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.ingest.checks import is_english
from wirewatch.ingest.document import Document
from wirewatch.nlp.extensions import register_extensions
from wirewatch.nlp.model import load_base_model
from wirewatch.nlp.normalize import normalize_for_nlp

#: wirewatch components in pipeline order (after the base model's own).
COMPONENTS: tuple[str, ...] = (
    "wirewatch_entities",
    "wirewatch_places",
    "wirewatch_times",
    "wirewatch_quotes",
    "wirewatch_claims",
    "wirewatch_events",
)


def register_factories() -> None:
    """Import the modules that register wirewatch's spaCy factories."""
    import wirewatch.extract.claims  # noqa: F401
    import wirewatch.extract.entities  # noqa: F401
    import wirewatch.extract.events  # noqa: F401
    import wirewatch.extract.quotes  # noqa: F401
    import wirewatch.extract.roles  # noqa: F401
    import wirewatch.nlp.paragraphs  # noqa: F401
    import wirewatch.resolve.dates  # noqa: F401
    import wirewatch.resolve.geocode  # noqa: F401

    register_extensions()


def add_wirewatch_components(nlp: Language, country_bias: str | None = None,
                             roles: bool = True) -> Language:
    """Add wirewatch's components to a user's English pipeline (needs parser and NER);
    ``roles`` adds the trained argument-role classifier when its weights are installed."""
    register_factories()
    if "parser" in nlp.pipe_names and "wirewatch_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("wirewatch_paragraphs", before="parser")
    for name in COMPONENTS:
        if name in nlp.pipe_names:
            continue
        config = {"country_bias": country_bias} if name == "wirewatch_places" else {}
        nlp.add_pipe(name, config=config)
    from wirewatch.extract.roles import model_path

    if roles and "wirewatch_roles" not in nlp.pipe_names and model_path().exists():
        nlp.add_pipe("wirewatch_roles")
    return nlp


@cache
def load_pipeline(country_bias: str | None = None, roles: bool = True) -> Language:
    """The full wirewatch pipeline, built once per process and configuration."""
    return add_wirewatch_components(load_base_model(), country_bias, roles)


def make_doc(nlp: Language, document: Document) -> Doc:
    """A Doc for ``document`` with its metadata set, ready for ``nlp.pipe``."""
    text = document.text or ""
    normalized = normalize_for_nlp(text)
    doc = nlp.make_doc(normalized)
    doc._.ww_text = text if normalized != text else None
    doc._.ww_published = document.published
    doc._.ww_outlet = document.outlet
    doc._.ww_title = document.title
    return doc


def needs_nlp(document: Document) -> bool:
    """Documents that failed, or are not English, skip the pipeline but still get a record."""
    return document.ok and bool(document.text) and is_english(document.language)


def process(nlp: Language, documents: Iterable[Document], batch_size: int = 16
            ) -> Iterator[tuple[Document, Doc | None]]:
    """Run documents through ``nlp`` in batches, yielding them in input order.

    A document that crashes a component gets its own ``error``; the rest of its batch is
    re-run one by one so nothing already processed is lost.
    """
    batch: list[Document] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            yield from _run_batch(nlp, batch)
            batch = []
    if batch:
        yield from _run_batch(nlp, batch)


def _run_batch(nlp: Language, batch: list[Document]) -> Iterator[tuple[Document, Doc | None]]:
    todo = [d for d in batch if needs_nlp(d)]
    try:
        docs = list(nlp.pipe(make_doc(nlp, d) for d in todo))
        done = {id(d): doc for d, doc in zip(todo, docs, strict=True)}
    except Exception:  # noqa: BLE001 - isolate the failing document below
        done = {}
        for d in todo:
            try:
                done[id(d)] = nlp(make_doc(nlp, d))
            except Exception as err:  # noqa: BLE001
                d.error = f"processing failed: {type(err).__name__}: {err}"
    for d in batch:
        yield d, done.get(id(d))
