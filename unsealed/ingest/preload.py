"""Imported once by the worker pool's fork server so every worker starts with the readers loaded."""

from unsealed.extract.registry import preload_all

preload_all()
