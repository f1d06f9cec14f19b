"""Survey URLs: the analyst's questionnaire builder, response import, distribution, and the
respondents' pages."""

from . import urls_builder, urls_import, urls_respond

app_name = "surveys"

urlpatterns = [*urls_builder.urlpatterns, *urls_import.urlpatterns, *urls_respond.urlpatterns]
