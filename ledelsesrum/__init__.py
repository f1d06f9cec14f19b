"""Ledelsesrum: study the conditions leaders work under in Danish welfare organisations."""

__version__ = "0.1.0"
