"""The demo board's follow-up on round 1: recommendations, decisions and actions.

The story (written for the project): after round 1 the analyst recommended changes per sub-theme;
the board decided on them about five months ago; some actions are done, one is overdue, one
recommendation was rejected and one still awaits a decision. Round 2 then measured the scales the
actions were meant to move, so the follow-up page shows each action beside its scale's change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..followup import decisions
from ..followup.models import Action, Decision


@dataclass(frozen=True)
class DemoAction:
    title: str
    owner: str
    deadline_days: int  # from today; negative = in the past
    status: str
    evidence: str = ""
    scales: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoRecommendation:
    subtheme: str
    text: str
    outcome: str | None  # None: not decided yet
    reason: str = ""
    adjusted_text: str = ""
    actions: tuple[DemoAction, ...] = field(default=())


RECOMMENDATIONS: tuple[DemoRecommendation, ...] = (
    DemoRecommendation(
        "1d", "Giv de lokale ledere en egen pulje, de kan prioritere uden at søge om lov.",
        Decision.Outcome.ADOPTED,
        actions=(DemoAction(
            "Udviklingspulje på 50.000 kr. pr. institution", "Økonomichef", -90, Action.Status.DONE,
            "Puljen er udmøntet i budgettet, og alle institutioner har fået besked.", ("RAADERUM",),
        ),),
    ),
    DemoRecommendation(
        "3b", "Frigør tid til ledelse ved at samle den administrative sagsbehandling ét sted.",
        Decision.Outcome.ADOPTED,
        actions=(DemoAction(
            "Fælles administrativ enhed for Ældre og Pleje", "Direktør for Sundhed og Omsorg", 60,
            Action.Status.IN_PROGRESS, scales=("TID",),
        ),),
    ),
    DemoRecommendation(
        "2c", "Gennemgå alle dokumentationskrav og fjern dem, ingen bruger.",
        Decision.Outcome.ADJUSTED,
        reason="Vi begynder med det specialiserede socialområde, hvor kravene er flest.",
        adjusted_text="Gennemgå dokumentationskravene på det specialiserede socialområde først.",
        actions=(DemoAction(
            "Kortlægning af dokumentationskrav på socialområdet", "Socialchef", -20,
            Action.Status.PLANNED, scales=("DOKUMENTATION",),
        ),),
    ),
    DemoRecommendation(
        "1b", "Faste sparringssamtaler mellem hver leder og nærmeste chef.",
        Decision.Outcome.ADOPTED,
        actions=(DemoAction(
            "Sparringssamtale hver sjette uge i alle chefområder", "Kommunaldirektør", -30,
            Action.Status.DONE, "Samtalerne står i alle chefers kalendere; HR følger op kvartalsvis.",
            ("CHEF",),
        ),),
    ),
    DemoRecommendation(
        "4b", "En fælles budgetpulje til indsatser, der går på tværs af forvaltningerne.",
        Decision.Outcome.REJECTED,
        reason="Budgettet for i år er vedtaget; forslaget tages op igen ved næste budgetlægning.",
    ),
    DemoRecommendation(
        "5a", "Én indgang til stabene, så lederne ved, hvor de skal henvende sig.", None,
    ),
)


def build_followup(study, *, user=None, today: date | None = None) -> int:
    """Create the demo's recommendations, decisions and actions; returns the number of actions."""
    today = today or date.today()
    meeting = today - timedelta(days=150)
    actions = 0
    for spec in RECOMMENDATIONS:
        rec = decisions.add_recommendation(study, subtheme=spec.subtheme, text=spec.text,
                                           source_note="Rapporten, runde 1", user=user)
        if spec.outcome is None:
            continue
        decisions.record_decision(rec, outcome=spec.outcome, reason=spec.reason,
                                  adjusted_text=spec.adjusted_text, meeting_date=meeting, user=user)
        for action in spec.actions:
            decisions.add_action(
                rec, title=action.title, owner_name=action.owner,
                deadline=today + timedelta(days=action.deadline_days), status=action.status,
                evidence=action.evidence, scale_codes=action.scales,
            )
            actions += 1
    return actions
