"""Build the demo: "Demo Kommune", its leaders, a study, a questionnaire and synthetic answers.

Everything goes through the product's own code paths — the questionnaire is built from the item
bank by ``surveys.builder``, two main rounds (a baseline and a re-measurement) are created,
launched and closed by ``studies.rounds``, every page of every synthetic response is saved by
``surveys.answering.save_section`` and submitted by ``surveys.answering.submit`` — so the demo
exercises what a real study does.

Idempotent: a second build finds the finished demo (root unit "Demo Kommune" and its study) and
reuses it. ``reset=True`` deletes the demo organisation and study (nothing else) and rebuilds.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ..accounts.roles import ADMINISTRATOR, ANALYST, BOARD_READER, INTERVIEWER, grant
from ..organisation.models import Leader, Unit
from ..studies.models import Round, Study
from .answers import AnswerModel, Profile
from .names import DEMO_DOMAIN
from .org import ORGANISATION_NAME, LeaderPlan, UnitPlan, plan_leaders, unit_tree

ProgressCallback = Callable[[int, int, str], None]

STUDY_NAME = "Vilkår for ledelse 2026"
DEFAULT_SEED = 2026
CREDENTIALS_FILE = "demo-credentials.json"

# username → (role, what the login is for, shown when the demo is printed)
DEMO_USERS: dict[str, tuple[str, str]] = {
    "analytiker": (ANALYST, "analytiker: opsætning, resultater og åbne svar"),
    "direktion": (BOARD_READER, "direktion: læser de samlede resultater"),
    "admin": (ADMINISTRATOR, "administrator"),
    # A second coder, so intercoder agreement can be tried on the demo (issue 12).
    "interviewer": (INTERVIEWER, "interviewer: egne interviews og anden kodning (enighed)"),
}

STUDY_PURPOSE = (
    "Direktionen i Demo Kommune vil vide, hvordan lederne selv oplever deres vilkår for at lede, så "
    "kerneopgaven bliver løst godt, og arbejdspladserne er gode at være på. Undersøgelsen skal "
    "tegne et nuanceret billede af ledernes hverdag og samle deres egne forslag, så direktionen kan "
    "beslutte konkrete forbedringer. Den er ikke et svar på en krise, men en investering i ledelse "
    "tæt på borgerne."
)
RESEARCH_QUESTIONS = [
    "Hvordan oplever lederne de vilkår, de har for at lede, så kerneopgaven og "
    "arbejdsfællesskaberne lykkes?",
    "Hvilke forslag har lederne selv til at gøre vilkårene for ledelse bedre?",
    "Hvor adskiller vilkårene sig mellem områder, ledelsesniveauer og erfaring som leder?",
]
MAIN_FIELDS = [
    "Lederrollen – hvordan lederne forstår og udfylder deres rolle",
    "Ledelsesrum – rammer, styring og råderum til at handle og udvikle",
    "Trivsel og udviklingsmuligheder – opbakning, sparring, netværk og uddannelse",
]

# The demo has two closed main rounds: a baseline and a re-measurement half a year later in
# which the board's actions moved a few scales (latent units; the spread per respondent is ~1),
# so "Udvikling mellem runder" and the follow-up have a real change to show.
FIRST_ROUND_DAYS_AGO = 200
SECOND_ROUND_SHIFT = {"RAADERUM": 0.45, "TID": 0.3, "DOKUMENTATION": -0.3}

RESPONSE_RATE = 0.85  # submitted; a few more start and leave halfway
PARTIAL_RATE = 0.05
COLLECTION_DAYS = 21


class DemoError(Exception):
    """The demo cannot be built or reset; the message is Danish and fit for the user."""


@dataclass
class DemoResult:
    study_id: int
    created: bool
    leaders: int
    units: int
    invitations: int
    submitted: int
    password: str
    usernames: list[str] = field(default_factory=lambda: list(DEMO_USERS))
    seconds: float = 0.0
    interviews: int = 0
    interviews_done: int = 0
    note_units: int = 0
    coded_units: int = 0


# --- credentials ---------------------------------------------------------------------------------


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / CREDENTIALS_FILE


def demo_password() -> tuple[str, bool]:
    """The demo users' password and whether it was just generated.

    Stored in the data folder on first use so that the printed login stays valid across runs.
    """
    path = credentials_path()
    if path.exists():
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(stored.get("password"), str) and len(stored["password"]) >= 8:
                return stored["password"], False
        except (OSError, ValueError):
            pass  # a damaged file is replaced below; the users get the new password
    password = "demo-" + secrets.token_urlsafe(9)
    path.write_text(
        json.dumps({"password": password, "users": list(DEMO_USERS)}, indent=2), encoding="utf-8"
    )
    path.chmod(0o600)
    return password, True


def ensure_users(password: str, *, force_password: bool) -> None:
    """The three demo logins with their roles; the password is (re)set when new or forced."""
    user_model = get_user_model()
    # One hash for the three logins: they share the password, and hashing is the slow part.
    encoded = make_password(password)
    for username, (role, _description) in DEMO_USERS.items():
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@{DEMO_DOMAIN}"}
        )
        if created or force_password:
            user.password = encoded
        if role == ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.save()
        grant(user, role)


# --- finding and deleting the demo ---------------------------------------------------------------


def demo_root() -> Unit | None:
    return Unit.objects.filter(name=ORGANISATION_NAME, parent__isnull=True).first()


def _subtree(root: Unit) -> list[Unit]:
    """Every unit under ``root`` (root included), parents before children."""
    children: dict[int | None, list[Unit]] = {}
    for unit in Unit.objects.all():
        children.setdefault(unit.parent_id, []).append(unit)
    order, stack = [], [root]
    while stack:
        unit = stack.pop()
        order.append(unit)
        stack.extend(children.get(unit.pk, []))
    return order


def find_demo_study() -> Study | None:
    root = demo_root()
    if root is None:
        return None
    return Study.objects.filter(name=STUDY_NAME, population_unit=root).order_by("pk").first()


def delete_demo() -> None:
    """Delete the demo study and the demo organisation (units and their leaders), nothing else."""
    root = demo_root()
    if root is None:
        return
    units = _subtree(root)
    try:
        with transaction.atomic():
            Study.objects.filter(name=STUDY_NAME, population_unit=root).delete()
            Leader.objects.filter(unit__in=units).delete()
            for unit in reversed(units):  # children before parents (parent is PROTECT)
                unit.delete()
    except ProtectedError as exc:
        raise DemoError(
            "Demo Kommune kan ikke slettes, fordi andre data peger på den "
            f"({len(exc.protected_objects)} poster). Slet dem først."
        ) from exc


# --- building ------------------------------------------------------------------------------------


def _create_units(plan: UnitPlan) -> tuple[dict[tuple[str, ...], Unit], Unit]:
    """Create the unit tree; returns units by path below the root, and the root."""
    root = Unit.objects.create(name=plan.name, kind=plan.kind)
    by_path: dict[tuple[str, ...], Unit] = {}

    def walk(node: UnitPlan, parent: Unit, path: tuple[str, ...]) -> None:
        for child in node.children:
            unit = Unit.objects.create(name=child.name, kind=child.kind, parent=parent)
            child_path = (*path, child.name)
            by_path[child_path] = unit
            walk(child, unit, child_path)

    walk(plan, root, ())
    return by_path, root


def _create_leaders(plans: list[LeaderPlan], units: dict[tuple[str, ...], Unit]) -> list[Leader]:
    leaders = [
        Leader(
            name=p.name, email=p.email, unit=units[p.unit_path], area=p.area, level=p.level,
            title=p.title, span_of_control=p.span_of_control, years_as_leader=p.years_as_leader,
            leadership_education=p.leadership_education,
        )
        for p in plans
    ]
    return Leader.objects.bulk_create(leaders)


def _taken_demo_emails(root: Unit | None) -> set[str]:
    """Demo-domain addresses already used outside the demo (e.g. an imported test list)."""
    qs = Leader.objects.filter(email__iendswith="@" + DEMO_DOMAIN)
    if root is not None:
        qs = qs.exclude(unit__in=_subtree(root))
    return set(qs.values_list("email", flat=True))


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    size: int | None = None,
    reset: bool = False,
    with_responses: bool = True,
    with_interviews: bool = True,
    progress: ProgressCallback | None = None,
) -> DemoResult:
    """Build (or find) the demo and return what it holds.

    ``size`` is the number of leaders (default: every position of the fictional organisation,
    120). ``with_responses=False`` stops after launching the round — invitations with live personal
    links and no answers, which is what the load benchmark needs. ``with_interviews`` adds the
    interview guide, about 80 interview summaries and their coded meaning units (only to a demo
    with responses); a reused demo without interviews gets them added.
    """
    started = time.monotonic()
    report = progress or (lambda done, total, message: None)
    password, fresh_password = demo_password()
    ensure_users(password, force_password=fresh_password)

    if reset:
        report(0, 0, "Sletter den gamle demo")
        delete_demo()
    existing = find_demo_study()
    if existing is not None:
        main_round = existing.main_round
        finished = main_round is not None and (
            main_round.status == Round.Status.CLOSED if with_responses
            else main_round.status == Round.Status.COLLECTING
        )
        if finished:
            if with_interviews and with_responses:
                from ..interviews.models import Interview

                if not Interview.objects.filter(study=existing).exists():
                    with transaction.atomic():
                        _interviews(existing, seed=seed, report=report)
            return _result(existing, created=False, password=password, started=started)
    # Whatever is there is unfinished (or of the other kind): start from a clean slate.
    delete_demo()

    with transaction.atomic():
        study = _build(seed=seed, size=size, with_responses=with_responses, report=report)
        if with_interviews and with_responses:
            _interviews(study, seed=seed, report=report)
    return _result(study, created=True, password=password, started=started)


def _build(*, seed: int, size: int | None, with_responses: bool, report: ProgressCallback) -> Study:
    from ..studies.rounds import close_round, create_round, launch_round
    from ..surveys.builder import create_questionnaire_from_bank

    rng = random.Random(seed)
    plans = plan_leaders(seed, size, taken_emails=_taken_demo_emails(None))
    total = len(plans) + 4
    report(0, total, "Opretter organisation og ledere")
    units, root = _create_units(unit_tree())
    _create_leaders(plans, units)

    report(1, total, "Opretter undersøgelse og spørgeskema")
    analyst = get_user_model().objects.get(username="analytiker")
    today = timezone.localdate()
    study = Study.objects.create(
        name=STUDY_NAME, purpose=STUDY_PURPOSE, research_questions=RESEARCH_QUESTIONS,
        main_fields=MAIN_FIELDS, population_unit=root,
        starts_on=today - timedelta(days=FIRST_ROUND_DAYS_AGO + 7),
        ends_on=today + timedelta(days=120),
        retention_until=date(today.year + 2, 12, 31), created_by=analyst,
    )
    create_questionnaire_from_bank(study)

    report(2, total, "Sender invitationer")
    main_round = create_round(study, kind=Round.Kind.MAIN)
    launch_round(main_round)
    launched_at = timezone.now() - timedelta(days=COLLECTION_DAYS)
    Round.objects.filter(pk=main_round.pk).update(
        launched_at=launched_at, closes_on=timezone.localdate()
    )
    main_round.refresh_from_db()
    if not with_responses:
        report(total, total, "Runden er åben")
        return study

    report(3, total, "Besvarer spørgeskemaer")
    # Round 1 is the baseline, collected half a year ago; round 2 (below) the re-measurement.
    first_launched = timezone.now() - timedelta(days=FIRST_ROUND_DAYS_AGO)
    Round.objects.filter(pk=main_round.pk).update(launched_at=first_launched)
    _answer(study, main_round, seed=seed, rng=rng, launched_at=first_launched,
            report=lambda i: report(3 + i // 2, total, "Besvarer spørgeskemaer (runde 1)"))
    close_round(main_round)
    _backdate_close(main_round, first_launched + timedelta(days=COLLECTION_DAYS))
    # Release the results now (they are otherwise computed by the worker after the close), so
    # the demo's results page opens at once.
    from ..analysis.release import release

    release(main_round)

    second = create_round(study, kind=Round.Kind.MAIN)
    launch_round(second)
    Round.objects.filter(pk=second.pk).update(launched_at=launched_at, closes_on=today)
    second.refresh_from_db()
    _answer(study, second, seed=seed, rng=rng, launched_at=launched_at,
            report=lambda i: report(3 + (len(plans) + i) // 2, total,
                                    "Besvarer spørgeskemaer (runde 2)"),
            scale_shift=SECOND_ROUND_SHIFT)
    close_round(second)
    report(total - 1, total, "Frigiver resultater")
    release(second)
    report(total, total, "Færdig")
    return study


def _backdate_close(round_: Round, closed_at) -> None:
    """Round 1 of the demo closed months ago: its closing time and the invitations' coarsened
    timestamps (close_round sets them to the closing time) move there together."""
    from ..surveys.models import Invitation

    Round.objects.filter(pk=round_.pk).update(closed_at=closed_at)
    Invitation.objects.filter(round=round_, opened_at__isnull=False).update(opened_at=closed_at)
    Invitation.objects.filter(round=round_, submitted_at__isnull=False).update(
        submitted_at=closed_at)


def _interviews(study: Study, *, seed: int, report: ProgressCallback) -> None:
    from .interviews import build_interviews

    root = study.population_unit
    leaders = list(Leader.objects.filter(unit__in=_subtree(root)).select_related("unit").order_by("pk"))
    analyst = get_user_model().objects.get(username="analytiker")
    build_interviews(study, leaders, seed=seed, interviewer=analyst, progress=report)
    from .followup import build_followup

    build_followup(study, user=analyst)


def _answer(study: Study, main_round: Round, *, seed: int, rng: random.Random, launched_at,
            report: Callable[[int], None], scale_shift: dict[str, float] | None = None) -> None:
    """Synthetic respondents answer page by page through the real saving code."""
    from ..surveys.answering import pages_of, save_section, start_response, submit
    from ..surveys.models import Invitation, Response

    questionnaire = study.questionnaire
    pages = pages_of(questionnaire)
    all_questions = [q for page in pages for q in page.page_questions]
    # A later round draws new respondents but keeps the items' difficulty (same ``seed``).
    model = AnswerModel(all_questions, seed, scale_shift=scale_shift,
                        draw_seed=None if scale_shift is None else seed + main_round.number)
    invitations = list(
        Invitation.objects.filter(round=main_round).select_related("leader").order_by("pk")
    )
    for index, invitation in enumerate(invitations, start=1):
        draw = rng.random()
        if draw >= RESPONSE_RATE + PARTIAL_RATE:
            report(index)
            continue
        leader = invitation.leader
        profile = Profile(
            area=invitation.area, level=invitation.level,
            years_as_leader=leader.years_as_leader if leader else None,
            span_of_control=leader.span_of_control if leader else None,
            education=invitation.education,
        )
        answers, open_answers = model.answer(profile)
        response = start_response(invitation)
        response.round = main_round  # spare save_section a query per page
        last_page = len(pages) if draw < RESPONSE_RATE else rng.randint(1, max(1, len(pages) - 2))
        for page_index, page in enumerate(pages[:last_page]):
            cleaned = {}
            for q in page.page_questions:
                source = open_answers if q.kind == "open" else answers
                if q.code in source:
                    cleaned[q.code] = source[q.code]
            save_section(response, page_index, cleaned, move_to=page_index + 1)
        if draw < RESPONSE_RATE:
            submit(response)
            # Spread the submissions over the collection period, as a real round would have them.
            moment = launched_at + timedelta(
                days=min(COLLECTION_DAYS - 1, rng.expovariate(1 / 5)), hours=rng.uniform(7, 16)
            )
            Response.objects.filter(pk=response.pk).update(submitted_at=moment)
            Invitation.objects.filter(pk=invitation.pk).update(
                submitted_at=moment, opened_at=moment - timedelta(minutes=rng.randint(8, 40))
            )
        report(index)
    Invitation.objects.filter(round=main_round, sent_at__isnull=True).update(sent_at=launched_at)


def _result(study: Study, *, created: bool, password: str, started: float) -> DemoResult:
    from ..surveys.models import Invitation, Response
    from .interviews import count

    root = study.population_unit
    main_round = study.main_round
    held = count(study)
    return DemoResult(
        study_id=study.pk,
        created=created,
        leaders=Leader.objects.filter(unit__in=_subtree(root)).count() if root else 0,
        units=len(_subtree(root)) if root else 0,
        invitations=Invitation.objects.filter(round=main_round).count() if main_round else 0,
        submitted=(
            Response.objects.filter(round=main_round, submitted_at__isnull=False).count()
            if main_round else 0
        ),
        password=password,
        seconds=time.monotonic() - started,
        interviews=held.interviews,
        interviews_done=held.done,
        note_units=held.units,
        coded_units=held.coded,
    )
