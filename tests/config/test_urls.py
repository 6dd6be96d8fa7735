import importlib

import pytest
from django.urls import clear_url_caches

from config import urls


@pytest.fixture
def bench_urls(settings):
    """The URL configuration as `make bench` has it (BENCH=1), put back afterwards."""
    settings.BENCH = True
    clear_url_caches()
    importlib.reload(urls)
    yield
    settings.BENCH = False
    clear_url_caches()
    importlib.reload(urls)


def test_bench_view_is_not_served_unless_benchmarking(client, db):
    assert client.get("/__bench__/ok/").status_code == 404


def test_bench_view_answers_ok_when_benchmarking(client, bench_urls):
    response = client.get("/__bench__/ok/")

    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
