"""Corpus: documents → items (parse, chunk, dedup, topics)."""
