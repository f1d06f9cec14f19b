import pytest

from ledelsesrum.surveys import answering

from .factories import make_questionnaire, make_study


@pytest.mark.django_db
def test_pages_are_rebuilt_after_a_question_changes_outside_the_builder():
    questionnaire = make_questionnaire(make_study())
    first = answering.pages_of(questionnaire)
    question = first[0].page_questions[0]
    question.text = "Ny formulering"
    question.save()
    questionnaire.refresh_from_db()
    again = answering.pages_of(questionnaire)
    assert again[0].page_questions[0].text == "Ny formulering"


@pytest.mark.django_db
def test_unchanged_questionnaire_reuses_its_pages(django_assert_num_queries):
    questionnaire = make_questionnaire(make_study())
    answering.pages_of(questionnaire)
    with django_assert_num_queries(0):
        answering.pages_of(questionnaire)
