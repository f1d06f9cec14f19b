"""Periodic work of the follow-up, run by the job runner's scheduler (``ledelsesrum serve`` starts
it), so reminders need no cron on a single-machine installation. ``ledelsesrum followup remind``
does the same from cron where the scheduler does not run."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

logger = logging.getLogger(__name__)

# Every morning at 06:00 UTC (07:00/08:00 in Denmark), before the working day starts.
REMINDER_SCHEDULE = crontab(hour="6", minute="0")


@db_periodic_task(REMINDER_SCHEDULE)
def send_daily_overdue_reminders() -> int:
    from .progress import send_overdue_reminders

    sent = send_overdue_reminders()
    logger.info("Follow-up reminders sent: %s", sent)
    return sent
