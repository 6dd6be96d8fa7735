"""Refuse, before any view, input that the database could not store."""

from django.http import HttpResponseBadRequest


class RejectUnstorableInputMiddleware:
    """Answer 400 to a request whose path or query holds a NUL character.

    PostgreSQL refuses NUL in text ("A string literal cannot contain NUL"), so such input
    would otherwise reach a query and fail as a 500. Refusing it here covers every view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *(v for _, vs in request.GET.lists() for v in vs), *request.GET]
        if any("\x00" in value for value in values):
            return HttpResponseBadRequest(
                "The request contains a NUL character.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
