"""The answer to a bad request, for every view."""

from django.http import HttpRequest, HttpResponseBadRequest


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """Answer 400 with a short page.

    Django's own handler reads the CSRF token from the form first, so a form body Django
    cannot decode (such as one in UTF-16) raised its error again in there and became a 500.
    """
    return HttpResponseBadRequest(
        "<!DOCTYPE html><title>Bad request</title><h1>Bad request (400)</h1>"
        "<p>The request could not be read. Go back and try again.</p>"
    )
