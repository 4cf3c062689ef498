"""Serving many people from one app: sign-in (users file), per-user limits and a fair LLM queue."""
