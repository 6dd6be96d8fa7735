"""A URLconf of tiny views, some declared cacheable and some not, for the page cache tests."""

import uuid

from django.http import HttpResponse
from django.urls import path
from django.views.generic import View

from seminars.http.conditional import cacheable


def made() -> HttpResponse:
    """Return a response that no other call makes: a cached answer repeats it."""
    return HttpResponse(f"made {uuid.uuid4()}", content_type="text/plain; charset=utf-8")


@cacheable
def declared_function(request):
    return made()


def undeclared_function(request):
    return made()


@cacheable
class DeclaredView(View):
    def get(self, request):
        return made()


class DeclaredByAttributeView(View):
    cacheable = True  # as apps that may not import seminars declare it

    def get(self, request):
        return made()


class InheritedDeclarationView(DeclaredView):
    pass


class UndeclaredView(View):
    def get(self, request):
        return made()


urlpatterns = [
    path("function/", declared_function),
    path("class/", DeclaredView.as_view()),
    path("attribute/", DeclaredByAttributeView.as_view()),
    path("inherited/", InheritedDeclarationView.as_view()),
    path("undeclared-function/", undeclared_function),
    path("undeclared-class/", UndeclaredView.as_view()),
]
