"""Models: resolve, prepare, verify and load weights (the only package that does)."""
