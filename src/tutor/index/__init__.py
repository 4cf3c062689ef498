"""Index: embed items (+ a hashed fake), lexical BM25, and the persisted store with its manifest."""
