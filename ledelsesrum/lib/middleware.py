from django.conf import settings
from django.shortcuts import render


class UploadTooLargeMiddleware:
    """Refuse an oversize upload before Django reads it, with a Danish message.

    Without this, a 200 MB upload would be streamed to disk and then fail deep in a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method in ("POST", "PUT") and length > settings.MAX_UPLOAD_BYTES:
            limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
            return render(
                request,
                "errors/upload_too_large.html",
                {"limit_mb": limit_mb, "size_mb": round(length / (1024 * 1024), 1)},
                status=413,
            )
        return self.get_response(request)


class DanishFirstLocaleMiddleware:
    """Danish unless the user has chosen another language (Django's language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a Danish leader on an
    English-language laptop would get English number formats in a Danish product.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateResponseMiddleware:
    """``Cache-Control: no-store`` on every page, export and API answer (static files are served
    before this by WhiteNoise): results, notes and links must not stay in a shared browser's or a
    proxy's cache after logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response


class DanishMethodNotAllowedMiddleware:
    """Django's ``require_POST`` & co. answer 405 with an empty body; show the Danish page instead
    (keeping the ``Allow`` header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not getattr(response, "streaming", False) and not response.content:
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
