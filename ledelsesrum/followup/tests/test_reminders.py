from __future__ import annotations

import datetime as dt

from django.core import mail

from ledelsesrum.followup import decisions
from ledelsesrum.followup.models import Action
from ledelsesrum.followup.progress import send_overdue_reminders


def test_an_overdue_owner_is_reminded_at_most_once_a_week(adopted):
    action = decisions.add_action(adopted, title="Ny mødestruktur", owner_name="Karen",
                                  owner_email="karen@kommune.dk", deadline=dt.date(2026, 3, 1))
    decisions.add_action(adopted, title="Uden frist", owner_name="Per", owner_email="per@kommune.dk")
    decisions.add_action(adopted, title="I fremtiden", owner_name="Per", owner_email="per@kommune.dk",
                         deadline=dt.date(2026, 12, 1))

    assert send_overdue_reminders(dt.date(2026, 3, 2)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karen@kommune.dk"]
    assert "Påmindelse" in message.subject and "01.03.2026" in message.body
    assert Action.objects.get(pk=action.pk).last_reminded_at is not None

    assert send_overdue_reminders(dt.date(2026, 3, 2)) == 0
    assert send_overdue_reminders(dt.date(2026, 3, 8)) == 0
    assert send_overdue_reminders(dt.date(2026, 3, 9)) == 1
    assert len(mail.outbox) == 2


def test_done_or_dropped_actions_and_actions_without_address_get_no_reminder(adopted):
    decisions.add_action(adopted, title="Færdig", owner_name="K", owner_email="k@kommune.dk",
                         deadline=dt.date(2026, 1, 1), status="done", evidence="ok")
    decisions.add_action(adopted, title="Opgivet", owner_name="K", owner_email="k@kommune.dk",
                         deadline=dt.date(2026, 1, 1), status="dropped")
    decisions.add_action(adopted, title="Ingen mail", owner_name="K", deadline=dt.date(2026, 1, 1))
    assert send_overdue_reminders(dt.date(2026, 3, 1)) == 0
    assert mail.outbox == []
    assert not Action.objects.filter(last_reminded_at__isnull=False).exists()


def test_the_owner_users_address_is_used_when_no_email_is_given(adopted, analyst):
    analyst.email = "alice@kommune.dk"
    analyst.save()
    decisions.add_action(adopted, title="Brug brugerens mail", owner_name="Alice", owner_user=analyst,
                         deadline=dt.date(2026, 1, 1))
    assert send_overdue_reminders(dt.date(2026, 1, 5)) == 1
    assert mail.outbox[0].to == ["alice@kommune.dk"]


def test_the_job_runners_scheduler_sends_the_reminders_every_morning(adopted):
    from huey.contrib.djhuey import HUEY

    from ledelsesrum.followup import tasks

    # Registered with the runner, so `ledelsesrum serve` (its consumer runs periodic tasks) sends
    # reminders without cron.
    def due(at: dt.datetime) -> set[str]:
        return {type(task).__name__ for task in HUEY.read_periodic(at)}

    assert "send_daily_overdue_reminders" in due(dt.datetime(2026, 3, 2, 6, 0))
    assert "send_daily_overdue_reminders" not in due(dt.datetime(2026, 3, 2, 7, 0)) | due(dt.datetime(2026, 3, 2, 6, 1))
    decisions.add_action(adopted, title="Ny mødestruktur", owner_name="Karen",
                         owner_email="karen@kommune.dk", deadline=dt.date(2020, 3, 1))
    assert tasks.send_daily_overdue_reminders.call_local() == 1
    assert [m.to for m in mail.outbox] == [["karen@kommune.dk"]]
