"""Thin views; domain logic lives in the named modules of this app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Study


@login_required
def study_list(request):
    studies = Study.objects.all()
    return render(request, "studies/list.html", {"studies": studies})
