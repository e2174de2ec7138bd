"""Language basics under every stage: the base spaCy model, the ``doc._.ww_*`` extensions,
contract spans, case detection and re-casing, paragraph sentence starts."""
