"""Retrieve: hybrid fusion, the refusal decision, follow-up condensing."""
