"""The demo municipality: a fictional organisation with synthetic leaders and answers.

``build.py`` holds the domain code (usable from tests and benchmarks), ``names.py`` the name lists,
``cli.py`` the ``ledelsesrum demo`` command. Not a Django app: it owns no models.
"""
