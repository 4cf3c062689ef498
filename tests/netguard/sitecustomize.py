"""Installs the loopback-only socket guard in every Python process started with this directory on PYTHONPATH.

Python imports ``sitecustomize`` at start-up, so children of the test session (CLI subprocesses,
multiprocessing spawn workers, the llama.cpp server) are guarded before any of their code runs.
Nothing else in the venv ships a ``sitecustomize``, so this one shadows none.
"""
import tutor_netguard  # importable: this directory is on PYTHONPATH, which is how we got here

tutor_netguard.install()
