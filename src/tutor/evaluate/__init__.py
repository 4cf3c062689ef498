"""Evaluate: metrics (pure), runners, simulated candidates."""
