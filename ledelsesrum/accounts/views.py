"""Account pages: changing one's own password (Django's view, with the project's validators).

Django's view keeps the current session and, because the session hash follows the password,
logs every other session of the user out. The change is audit-logged by ``signals``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("studies:list")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Din adgangskode er skiftet. Andre steder, du var logget ind, er du nu logget ud."))
        return response
