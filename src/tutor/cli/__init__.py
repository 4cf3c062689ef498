"""CLI: `tutor index | search | models | ask | grade | interview | progress | eval` — a thin adapter."""
