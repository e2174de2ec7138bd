"""Reading a parsed Doc: entities, event triggers and arguments, casualties, factuality,
reporting cues and sources, quotes, claims, events. Pure logic over spaCy tokens; the
components in ``wirewatch.pipeline`` wrap it."""
