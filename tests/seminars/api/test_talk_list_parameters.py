"""/api/talks/: the parameters docs/api.md documents, those /api/openapi.json lists and those
the view reads are one and the same set."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

API_DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"
# Keys the view must ignore (docs/api.md: "Other keys are ignored").
UNREAD_KEYS = {"utm_source", "format", "q"}


def documented_parameters() -> set[str]:
    """Return the names in the first column of docs/api.md's table of /api/talks/ parameters."""
    section = API_DOCS.read_text(encoding="utf-8").split("## Parameters of `/api/talks/`")[1]
    table = section.split("\n\n")[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([a-z_]+)`", row.split("|")[1])}


def schema_parameters(client) -> list[str]:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/talks/"]["get"]
    return [parameter["name"] for parameter in operation["parameters"]]


def reads(client, name: str) -> bool:
    """Whether /api/talks/ reads `name`: a value it cannot understand is an error about it."""
    response = client.get("/api/talks/", {name: "no-such-value"})
    return response.status_code != 200 and response.json()["parameter"] == name


def test_documented_schema_and_read_parameters_are_the_same(client, demo):
    documented = documented_parameters()
    in_schema = schema_parameters(client)
    candidates = documented | set(in_schema) | UNREAD_KEYS

    read = {name for name in candidates if reads(client, name)}

    assert sorted(in_schema) == sorted(set(in_schema))  # each once
    assert set(in_schema) == documented == read
    assert {"venue", "has"} <= read


def test_the_schema_describes_the_venue_and_has_filters(client, demo):
    operation = client.get("/api/openapi.json").json()["paths"]["/api/talks/"]["get"]
    by_name = {parameter["name"]: parameter for parameter in operation["parameters"]}

    assert by_name["venue"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$", "maxLength": 255},
        "maxItems": 20,
    }
    assert by_name["has"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["", "slides", "recording"]},
        "maxItems": 20,
    }
    assert (by_name["has"]["style"], by_name["has"]["explode"]) == ("form", True)
