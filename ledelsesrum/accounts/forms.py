from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form; axes needs the request passed to authenticate(), which this does."""
