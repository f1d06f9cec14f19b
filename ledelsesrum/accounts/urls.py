from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "log-ind/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("adgangskode/", views.PasswordChangeView.as_view(), name="password_change"),
    path("totrin/", views.two_factor_setup, name="two_factor_setup"),
    path("totrin/slaa-fra/", views.two_factor_disable, name="two_factor_disable"),
    path("totrin/kode/", views.two_factor_verify, name="two_factor_verify"),
]
