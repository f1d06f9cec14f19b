from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from ..accounts import roles
from .models import Job


@login_required
def detail(request, pk: int):
    job = get_object_or_404(Job, pk=pk)
    if not roles.can_manage_studies(request.user) and job.created_by_id != request.user.pk:
        raise Http404
    template = "jobs/_status.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})
