"""Thin views; domain logic lives in the named modules of this app."""
