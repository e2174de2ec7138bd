"""Input: files, directories, JSONL and HTML become ``Document``s, with per-document errors
for what cannot be read (the batch goes on)."""
