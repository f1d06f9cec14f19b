"""A progress bar on stderr for command-line jobs, fed by the same callback the web jobs use."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ProgressCallback = Callable[[int, int, str], None]


@contextmanager
def cli_progress(description: str, *, quiet: bool = False) -> Iterator[ProgressCallback]:
    """Yield ``callback(done, total, message)`` that drives a bar on stderr."""
    if quiet:
        yield lambda done, total, message: None
        return
    console = Console(file=sys.stderr)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[message]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None, message="")

        def callback(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total or None, message=message or "")

        yield callback
