"""Keep Questionnaire.updated_at in step with any change to its pages or questions.

The respondent pages cache a questionnaire's pages by (pk, updated_at); an edit made outside the
builder (the admin, a shell) must still invalidate that cache.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Question, Questionnaire, Section


@receiver([post_save, post_delete], sender=Question)
@receiver([post_save, post_delete], sender=Section)
def touch_questionnaire(sender, instance, **kwargs) -> None:
    Questionnaire.objects.filter(pk=instance.questionnaire_id).update(updated_at=timezone.now())
