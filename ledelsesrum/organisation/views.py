"""Thin views; domain logic lives in the named modules of this app."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Leader


@login_required
def leader_list(request):
    return render(request, "organisation/leaders.html", {"leaders": Leader.objects.select_related("unit")[:500]})
