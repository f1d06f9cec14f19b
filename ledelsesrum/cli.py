"""The ``ledelsesrum`` command: every batch operation of the product.

Each bounded context registers its own commands (``<app>/cli.py`` has ``register(app)``), so this
module only sets up Django and the commands that belong to no single context.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import typer

app = typer.Typer(
    help="Ledelsesrum – undersøg ledernes vilkår. Kør 'ledelsesrum demo' for at komme i gang.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ledelsesrum.settings")
    import django

    django.setup()


def prepare_database(verbose: bool = False) -> None:
    """Bring the database schema up to date and make sure the roles exist."""
    from django.conf import settings
    from django.core.management import call_command

    from .accounts.roles import ensure_groups
    from .lib.private_files import make_private

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    ensure_groups()
    make_private(settings.DATA_DIR)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Kør en Django-administrationskommando (migrate, createsuperuser, shell, …)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ledelsesrum manage", *ctx.args])


@app.command()
def migrate() -> None:
    """Opret eller opdatér databasen."""
    prepare_database(verbose=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse der lyttes på."),
    port: int = typer.Option(8000, help="Port der lyttes på."),
    threads: int = typer.Option(8, help="Antal tråde til forespørgsler."),
    worker: bool = typer.Option(True, help="Start også baggrundsjob-arbejderen."),
) -> None:
    """Start webappen (og baggrundsjob-arbejderen)."""
    prepare_database()
    serve_forever(host, port, threads, worker)


def waitress_options(host: str, port: int, threads: int = 8) -> dict:
    """Waitress settings; the body limit makes waitress refuse an oversize upload as soon as its
    headers arrive (413, in Danish), instead of buffering up to 1 GB before Django sees it."""
    from django.conf import settings

    from .lib.http_limits import install_danish_413

    install_danish_413()
    return {
        "host": host, "port": port, "threads": threads, "ident": "ledelsesrum",
        # Waitress accepts 100 connections by default; hundreds of respondents keep theirs alive.
        "connection_limit": 1000, "asyncore_use_poll": True,
        # Room for the multipart envelope; up to the limit itself Django answers with its page.
        "max_request_body_size": settings.MAX_UPLOAD_BYTES + 1024 * 1024,
    }


def warm_up_in_background() -> threading.Thread:
    """Load what the first requests of a fresh process would otherwise wait for: every view and
    URL pattern (Django resolves them lazily: ~1 s on the first request) at once, then, in a
    daemon thread while the server already answers, the suggesters of recently coded studies."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 — imports every view now, not on the first request

    def run() -> None:
        import logging

        from django.db import connection

        try:
            from .coding.workspace import warm_recent_studies

            warm_recent_studies()
        except Exception:  # noqa: BLE001 — a warm-up must never stop the server
            logging.getLogger(__name__).exception("warm-up of the coding suggesters failed")
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="ledelsesrum-warm-up", daemon=True)
    thread.start()
    return thread


def served_url(host: str, port: int) -> str:
    """``http://host:port`` for a concrete address; "" for all interfaces (the name is unknown)."""
    if host in {"0.0.0.0", "::", ""}:
        return ""
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def serve_forever(host: str, port: int, threads: int = 8, worker: bool = True) -> None:
    import signal

    from django.conf import settings
    from waitress import serve as waitress_serve

    from .wsgi import application

    # Personal links follow the address the app is served at unless LEDELSESRUM_SITE_URL says otherwise.
    settings.SERVED_URL = served_url(host, port)
    # SIGTERM must unwind through the finally below so the worker child is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    worker_process = None
    if worker:
        worker_process = subprocess.Popen([sys.executable, "-m", "ledelsesrum.cli", "worker"])
    warm_up_in_background()
    try:
        waitress_serve(application, **waitress_options(host, port, threads))
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(timeout=10)


@app.command()
def worker() -> None:
    """Kør baggrundsjob-arbejderen alene (importer, kodning, rapporter)."""
    from django.core.management import call_command

    call_command("run_huey", workers=2, worker_type="thread")


@app.command()
def createuser(
    username: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    role: list[str] = typer.Option(["analyst"], help="administrator, analyst, board_reader, interviewer"),
    email: str = typer.Option("", help="E-mail"),
) -> None:
    """Opret en bruger med en eller flere roller."""
    from django.contrib.auth import get_user_model

    from .accounts.roles import ALL_ROLES, grant

    prepare_database()
    unknown = set(role) - set(ALL_ROLES)
    if unknown:
        raise typer.BadParameter(f"Ukendt rolle: {', '.join(sorted(unknown))}")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        typer.echo(f"Brugeren {username} findes allerede.", err=True)
        raise typer.Exit(1)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    # The same validators as the password change page (settings.AUTH_PASSWORD_VALIDATORS).
    try:
        validate_password(password, user_model(username=username, email=email))
    except ValidationError as error:
        for message in error.messages:
            typer.echo(message, err=True)
        raise typer.Exit(2) from None
    user = user_model.objects.create_user(username=username, password=password, email=email)
    if "administrator" in role:
        user.is_staff = True
        user.is_superuser = True
        user.save()
    grant(user, *role)
    typer.echo(f"Oprettede {username} med rollerne {', '.join(role)}.")


@app.command("reset-2fa")
def reset_two_factor(username: str) -> None:
    """Fjern en brugers totrinsbekræftelse (mistet telefon); brugeren kan slå den til igen."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .accounts import audit

    prepare_database()
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        typer.echo(f"Brugeren {username} findes ikke.", err=True)
        raise typer.Exit(1)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record("user.second_factor_reset", obj=user, target=username, via="cli")
    typer.echo(f"Totrinsbekræftelse fjernet for {username} ({removed} enhed(er)).")


def _register_context_commands() -> None:
    """Add the commands of every Ledelsesrum app that has a ``cli.py`` with ``register(app)``."""
    import importlib
    import importlib.util

    from django.apps import apps

    modules = [f"{c.name}.cli" for c in apps.get_app_configs() if c.name.startswith("ledelsesrum.")]
    modules.append("ledelsesrum.demo.cli")
    for module in modules:
        if importlib.util.find_spec(module) is None:
            continue
        importlib.import_module(module).register(app)


def main() -> None:
    setup_django()
    _register_context_commands()
    from .lib.cli_errors import danish

    exceptions = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except exceptions.UsageError as error:
        # Wrong input on the command line: say it in Danish, with where to read more.
        command = error.ctx.command_path if error.ctx is not None else "ledelsesrum"
        typer.echo(f"Fejl: {danish(error.format_message())}", err=True)
        typer.echo(f"Se '{command} --help'.", err=True)
        sys.exit(error.exit_code)
    except exceptions.ClickException as error:
        typer.echo(f"Fejl: {danish(error.format_message())}", err=True)
        sys.exit(error.exit_code)
    except (getattr(exceptions, "Abort", KeyboardInterrupt), KeyboardInterrupt):
        typer.echo("Afbrudt.", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _click_exceptions():
    """click's exception classes as typer uses them (typer 0.29 vendors click as typer._click)."""
    try:
        from typer._click import exceptions
    except ImportError:  # a typer that uses the click package
        from click import exceptions
    return exceptions


if __name__ == "__main__":
    main()
