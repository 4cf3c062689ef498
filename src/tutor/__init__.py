"""tutor: offline RAG interview tutor."""
