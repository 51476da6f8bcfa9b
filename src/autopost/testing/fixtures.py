"""Shared pytest fixtures (the sandbox server and its control client live here)."""
