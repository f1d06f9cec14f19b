"""Survey URLs: the analyst's questionnaire builder, distribution, and the respondents' pages."""

from . import urls_builder, urls_respond

app_name = "surveys"

urlpatterns = [*urls_builder.urlpatterns, *urls_respond.urlpatterns]
