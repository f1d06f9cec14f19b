"""YAML from users without aliases: a few KB of anchors and ``*alias`` references expand to
billions of nodes (the "billion laughs" of YAML) and hold a request for many seconds.

Ledelsesrum's own formats never need anchors, so an alias is refused with a Danish message
before anything is built; nesting deeper than `MAX_DEPTH` is refused as well (Python's parser
would otherwise recurse until it fails).
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 40


class UnsafeYAML(yaml.YAMLError):
    """The document uses aliases or is nested too deeply."""


class _NoAliasLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise UnsafeYAML(f"Filen bruger YAML-aliasser (*…), som ikke er tilladt "
                             f"(linje {mark.line + 1}).")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise UnsafeYAML(f"Filen er indlejret mere end {MAX_DEPTH} niveauer "
                                 f"(linje {mark.line + 1}).")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str) -> Any:
    """``yaml.safe_load`` without aliases and with a bounded depth; raises `UnsafeYAML` (a
    ``yaml.YAMLError``) on either."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
