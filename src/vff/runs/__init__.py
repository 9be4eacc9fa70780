"""Runs: evaluate a model on a suite, crash-safe and resumable, into a run directory."""
