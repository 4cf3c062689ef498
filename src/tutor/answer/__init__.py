"""Answer: the ask mode (retrieve → refuse or answer with citations) and its support check."""
