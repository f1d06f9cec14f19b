"""The fictional organisation of the demo: "Demo Kommune".

A plain data description (forvaltning → område → tilbud) and a seeded function that turns it into
leader records. No database access here; ``build.py`` writes what this module plans.

The shape follows a mid-sized Danish municipality: large welfare areas (dagtilbud, skole, ældre og
pleje) with many leaders, and a few small areas (Kultur og Fritid, Sundhed) whose groups fall
under the anonymity threshold, so that suppression is visible in the demo's results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import NameGenerator

ORGANISATION_NAME = "Demo Kommune"

LEVEL_AREA = "Områdeleder"
LEVEL_UNIT = "Leder"
LEVEL_DEPARTMENT = "Afdelingsleder"
LEVELS = [LEVEL_AREA, LEVEL_UNIT, LEVEL_DEPARTMENT]


@dataclass(frozen=True)
class Offer:
    """A tilbud/enhed: its leader's title, how many department leaders it has, span ranges."""

    name: str
    title: str
    departments: int = 0
    span: tuple[int, int] = (10, 30)
    department_title: str = "afdelingsleder"
    department_span: tuple[int, int] = (6, 20)


@dataclass(frozen=True)
class Area:
    name: str
    offers: list[Offer]
    # Områdeleder present? Small areas are led directly from the forvaltning.
    has_area_leader: bool = True


@dataclass(frozen=True)
class Department:
    name: str
    areas: list[Area]


def _dagtilbud(name: str, departments: int = 1) -> Offer:
    return Offer(name, "dagtilbudsleder", departments, (18, 45), "pædagogisk leder", (8, 18))


def _skole(name: str, departments: int = 2) -> Offer:
    return Offer(name, "skoleleder", departments, (8, 16), "afdelingsleder", (15, 35))


def _center(name: str, departments: int = 2) -> Offer:
    return Offer(name, "centerleder", departments, (6, 14), "afdelingsleder", (20, 55))


TREE: list[Department] = [
    Department("Børn og Unge", [
        Area("Dagtilbud", [
            _dagtilbud("Børnehuset Solsikken"), _dagtilbud("Vuggestuen Mælkebøtten", 0),
            _dagtilbud("Dagtilbud Egeskoven"), _dagtilbud("Børnehaven Troldehøj"),
            _dagtilbud("Dagtilbud Nordlyset", 2), _dagtilbud("Børnehuset Kastanjen"),
            _dagtilbud("Dagtilbud Åkanden", 0), _dagtilbud("Dagplejen", 2),
            _dagtilbud("Naturbørnehaven Skovtrolden", 0), _dagtilbud("Dagtilbud Bøgely"),
            _dagtilbud("Integreret Institution Regnbuen", 1),
        ]),
        Area("Skole", [
            _skole("Nordskolen", 3), _skole("Søndermarkskolen", 3), _skole("Engvejens Skole"),
            _skole("Bakkeskolen", 1), _skole("Fjordskolen"), _skole("Kirkebjerg Skole", 1),
            _skole("Vestervangskolen"), _skole("Hedeskolen"),
            Offer("Ungdomsskolen og 10. klasse", "ungdomsskoleleder", 1, (10, 25)),
        ]),
        Area("Familie og Forebyggelse", [
            Offer("Familieafdelingen", "sektionsleder", 3, (8, 14), "teamleder", (10, 18)),
            Offer("Pædagogisk Psykologisk Rådgivning", "leder af PPR", 0, (20, 35)),
            Offer("Sundhedsplejen", "leder af sundhedsplejen", 0, (12, 22)),
        ]),
    ]),
    Department("Social og Sundhed", [
        Area("Ældre og Pleje", [
            _center("Plejecenter Lindehaven"), _center("Plejecenter Åbrinken"),
            _center("Plejecenter Møllehøj", 1), _center("Plejecenter Solgården", 1),
            _center("Plejecenter Birkely", 2),
            Offer("Visitationen", "visitationsleder", 0, (10, 20)),
            Offer("Hjemmeplejen Nord", "leder af hjemmeplejen", 3, (6, 12), "teamleder", (25, 60)),
            Offer("Hjemmeplejen Syd", "leder af hjemmeplejen", 2, (6, 12), "teamleder", (25, 60)),
            Offer("Sygeplejen", "sygeplejeleder", 1, (25, 45), "teamleder", (15, 30)),
        ]),
        Area("Handicap og Psykiatri", [
            Offer("Bostedet Engbo", "forstander", 1, (25, 45), "afdelingsleder", (12, 25)),
            Offer("Botilbuddet Kildevang", "forstander", 1, (25, 45), "afdelingsleder", (12, 25)),
            Offer("Aktivitetscentret Værkstedet", "leder", 0, (10, 20)),
            Offer("Botilbuddet Skovbrynet", "forstander", 1, (20, 40), "afdelingsleder", (10, 22)),
            Offer("Myndighed og Visitation", "sektionsleder", 0, (8, 16)),
            Offer("Socialpsykiatrien", "sektionsleder", 1, (15, 30), "teamleder", (8, 16)),
        ]),
        Area("Sundhed", [
            Offer("Sundhedscentret", "leder af sundhedscentret", 0, (10, 25)),
            Offer("Genoptræningen", "leder af genoptræning", 0, (15, 30)),
            Offer("Den kommunale tandpleje", "overtandlæge", 0, (20, 35)),
        ], has_area_leader=False),
        Area("Beskæftigelse", [
            Offer("Jobcentret", "jobcenterchef", 4, (5, 9), "sektionsleder", (12, 30)),
            Offer("Ungeindsatsen", "leder af ungeindsatsen", 0, (8, 16)),
        ]),
    ]),
    Department("Teknik og Miljø", [
        Area("Vej og Park", [
            Offer("Driftsgården", "driftsleder", 2, (6, 10), "værkfører", (10, 25)),
            Offer("Materielgården", "driftsleder", 0, (5, 12)),
        ], has_area_leader=False),
        Area("Byg og Miljø", [
            Offer("Byggesag", "sektionsleder", 0, (10, 18)),
            Offer("Natur og Miljø", "sektionsleder", 0, (8, 16)),
            Offer("Plan og Udvikling", "sektionsleder", 0, (8, 14)),
        ], has_area_leader=False),
    ]),
    Department("Kultur og Fritid", [
        Area("Kultur og Fritid", [
            Offer("Bibliotekerne", "biblioteksleder", 0, (15, 30)),
            Offer("Musikskolen", "musikskoleleder", 0, (12, 25)),
            Offer("Idræts- og Fritidsfaciliteter", "driftsleder", 0, (6, 14)),
        ], has_area_leader=False),
    ]),
    Department("Stab og Administration", [
        Area("Stab og Administration", [
            Offer("Økonomi", "økonomichef", 1, (6, 12), "sektionsleder", (8, 15)),
            Offer("HR og Personale", "HR-chef", 0, (8, 15)),
            Offer("Jura og Politisk Sekretariat", "sekretariatsleder", 0, (6, 12)),
            Offer("Digitalisering og IT", "IT-chef", 1, (5, 10), "teamleder", (6, 12)),
            Offer("Borgerservice", "borgerserviceleder", 1, (8, 14), "teamleder", (8, 16)),
        ]),
    ]),
]

AREA_LEADER_TITLE = "områdeleder"
AREA_LEADER_SPAN = (5, 14)

# Seed 004's population: leaders below chef level with staff, professional and budget responsibility.
EDUCATION_WEIGHTS: dict[str, list[tuple[str, float]]] = {
    LEVEL_AREA: [("master", 0.45), ("diplom", 0.4), ("kurser", 0.1), ("anden", 0.05)],
    LEVEL_UNIT: [("master", 0.15), ("diplom", 0.5), ("kurser", 0.2), ("ingen", 0.08), ("anden", 0.07)],
    LEVEL_DEPARTMENT: [("master", 0.05), ("diplom", 0.35), ("kurser", 0.35), ("ingen", 0.2),
                       ("anden", 0.05)],
}


@dataclass
class UnitPlan:
    name: str
    kind: str  # organisation.models.Unit.Kind values
    children: list[UnitPlan] = field(default_factory=list)


@dataclass(frozen=True)
class LeaderPlan:
    name: str
    email: str
    unit_path: tuple[str, ...]  # names from the forvaltning down to the leader's unit
    area: str
    level: str
    title: str
    span_of_control: int
    years_as_leader: int
    leadership_education: str


def unit_tree() -> UnitPlan:
    """The whole unit tree, root first."""
    root = UnitPlan(ORGANISATION_NAME, "organisation")
    for dep in TREE:
        dep_node = UnitPlan(dep.name, "forvaltning")
        root.children.append(dep_node)
        for area in dep.areas:
            # An area that is its own forvaltning (Kultur og Fritid) is not repeated as a level.
            area_node = dep_node if area.name == dep.name else UnitPlan(area.name, "omraade")
            if area_node is not dep_node:
                dep_node.children.append(area_node)
            for offer in area.offers:
                area_node.children.append(UnitPlan(offer.name, "tilbud"))
    return root


def _area_path(dep: Department, area: Area) -> tuple[str, ...]:
    return (dep.name,) if area.name == dep.name else (dep.name, area.name)


def _slots() -> list[tuple[tuple[str, ...], str, str, str, tuple[int, int]]]:
    """Every leader position: (unit path, area, level, title, span range), in tree order."""
    slots = []
    for dep in TREE:
        for area in dep.areas:
            area_path = _area_path(dep, area)
            if area.has_area_leader:
                slots.append((area_path, area.name, LEVEL_AREA, AREA_LEADER_TITLE, AREA_LEADER_SPAN))
            for offer in area.offers:
                path = (*area_path, offer.name)
                slots.append((path, area.name, LEVEL_UNIT, offer.title, offer.span))
                for _ in range(offer.departments):
                    slots.append((path, area.name, LEVEL_DEPARTMENT, offer.department_title,
                                  offer.department_span))
    return slots


FULL_SIZE = len(_slots())


def _years_as_leader(rng: random.Random, level: str) -> int:
    # Right-skewed: many fairly new leaders, a long tail of veterans; area leaders are seasoned.
    base = {LEVEL_AREA: 9.0, LEVEL_UNIT: 7.0, LEVEL_DEPARTMENT: 4.0}[level]
    return max(0, min(35, int(rng.lognormvariate(0, 0.75) * base)))


def _weighted(rng: random.Random, weights: list[tuple[str, float]]) -> str:
    keys, w = zip(*weights, strict=True)
    return rng.choices(keys, weights=w)[0]


def plan_leaders(
    seed: int, size: int | None = None, taken_emails: set[str] | frozenset[str] = frozenset()
) -> list[LeaderPlan]:
    """The demo's leaders, deterministic for a seed.

    ``size`` (default: every position, about 120) keeps a spread-out subset of positions when
    smaller, and adds further department leaders to the large areas when larger.
    ``taken_emails`` are addresses already in use elsewhere; they are not handed out again.
    """
    rng = random.Random(seed)
    slots = _slots()
    size = FULL_SIZE if size is None else size
    if size < len(slots):
        keep = sorted(rng.sample(range(len(slots)), size))
        slots = [slots[i] for i in keep]
    else:
        department_slots = [s for s in slots if s[2] == LEVEL_DEPARTMENT]
        extra = [department_slots[i % len(department_slots)] for i in range(size - len(slots))]
        slots = slots + extra
    names = NameGenerator(rng, taken_emails=taken_emails)
    plans = []
    for path, area, level, title, span in slots:
        name, email = names.person()
        plans.append(LeaderPlan(
            name=name, email=email, unit_path=path, area=area, level=level, title=title,
            span_of_control=rng.randint(*span), years_as_leader=_years_as_leader(rng, level),
            leadership_education=_weighted(rng, EDUCATION_WEIGHTS[level]),
        ))
    return plans
