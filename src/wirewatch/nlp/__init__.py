"""spaCy pipeline assembly: base model loading, Doc extensions, registered factories."""
