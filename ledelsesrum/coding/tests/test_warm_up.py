"""A fresh server process fits the suggesters of recently coded studies before anyone asks
(issue 12, item 12: the first coding page after a restart refitted inside the request)."""

from ledelsesrum import cli
from ledelsesrum.coding import workspace
from ledelsesrum.studies.models import Study


def test_warm_recent_studies_leaves_the_suggester_fitted_in_this_process(char_workspace, three_notes_study):
    empty = Study.objects.create(name="Uden noter")
    assert three_notes_study.pk not in workspace._suggesters
    assert workspace.warm_recent_studies() == [three_notes_study.pk]
    cached = workspace._suggesters[three_notes_study.pk]
    assert cached.key == workspace._state_key(three_notes_study.pk)
    assert workspace.get_suggester(three_notes_study) is cached.suggester  # no refit on the page
    assert empty.pk not in workspace._suggesters


def test_serve_starts_the_warm_up_without_waiting_for_it(monkeypatch):
    calls = []
    monkeypatch.setattr(workspace, "warm_recent_studies", lambda: calls.append("warm"))
    thread = cli.warm_up_in_background()
    thread.join(timeout=30)
    assert thread.daemon and calls == ["warm"]


def test_a_failing_warm_up_does_not_stop_the_server(monkeypatch, caplog):
    def broken():
        raise RuntimeError("model missing")

    monkeypatch.setattr(workspace, "warm_recent_studies", broken)
    thread = cli.warm_up_in_background()
    thread.join(timeout=30)
    assert "warm-up of the coding suggesters failed" in caplog.text
