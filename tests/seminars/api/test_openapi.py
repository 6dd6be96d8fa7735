"""/api/openapi.json: generated from the API's views, parameters and serialiser types; and
Schemathesis, run against the live API with it, finds nothing wrong."""

import subprocess
import sys
import typing
from pathlib import Path

import pytest

from seminars.api.serialisers import (
    SeriesData,
    SpeakerData,
    TalkData,
    series_data,
    speaker_data,
    talk_data,
)
from seminars.devdata.demo import load_demo
from seminars.models import Series, Talk
from speakers.models import Speaker

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
]


@pytest.mark.django_db
def test_document_lists_every_endpoint_with_its_parameters(client, demo):
    response = client.get("/api/openapi.json")

    document = response.json()
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "https://seminars.example.org"}]
    operations = {path: item["get"] for path, item in document["paths"].items()}
    assert {path: op["operationId"] for path, op in operations.items()} == {
        "/api/talks/": "seminars-api-talk-list",
        "/api/talks/{slug}/": "seminars-api-talk-detail",
        "/api/series/": "seminars-api-series-list",
        "/api/speakers/{slug}/": "seminars-api-speaker-detail",
    }
    assert [p["name"] for p in operations["/api/talks/"]["parameters"]] == [
        "series",
        "tag",
        "speaker",
        "venue",
        "has",
        "when",
        "from",
        "to",
        "page",
        "limit",
    ]
    assert [p["name"] for p in operations["/api/series/"]["parameters"]] == ["page", "limit"]
    assert [(p["name"], p["in"]) for p in operations["/api/talks/{slug}/"]["parameters"]] == [
        ("slug", "path")
    ]
    assert sorted(operations["/api/talks/"]["responses"]) == ["200", "304", "400", "404"]
    assert sorted(operations["/api/talks/{slug}/"]["responses"]) == ["200", "304", "400", "404"]
    talk_list = operations["/api/talks/"]["responses"]["200"]["content"]["application/json"]
    assert talk_list["schema"]["properties"]["results"]["items"] == {
        "$ref": "#/components/schemas/TalkData"
    }
    assert sorted(document["components"]["schemas"]) == [
        "AffiliationData",
        "ErrorData",
        "EventTypeData",
        "MaterialData",
        "SeriesData",
        "SeriesLink",
        "SpeakerData",
        "SpeakerSummary",
        "TalkData",
        "VenueData",
    ]


@pytest.mark.django_db
def test_schemas_name_exactly_the_fields_the_api_gives(client, demo):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    talk = Talk.objects.public().with_speakers().first()
    speaker = Speaker.objects.select_related("affiliation").get(slug="venkat-pullela")
    produced = {
        "TalkData": talk_data(talk),
        "SeriesData": series_data(Series.objects.get()),
        "SpeakerData": speaker_data(speaker),
        "SpeakerSummary": talk_data(talk)["speakers"][0],
        "AffiliationData": speaker_data(speaker)["affiliation"],
        "VenueData": talk_data(talk)["venue"],
    }

    for name, data in produced.items():
        assert (name, sorted(data)) == (name, sorted(schemas[name]["properties"]))
        assert (name, schemas[name]["required"]) == (name, sorted(data))
    assert typing.get_type_hints(TalkData)["online_url"] == str | None
    assert schemas["TalkData"]["properties"]["status"] == {"enum": ["published", "cancelled"]}
    assert schemas["TalkData"]["properties"]["online_url"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}]
    }
    assert {SeriesData.__name__, SpeakerData.__name__} <= set(schemas)


# Slow (about a minute), so CI runs it in `make test-slow`. serialized_rollback: the flush
# after a live server's test would otherwise recreate the content types that the next
# serialized-rollback test (backups, migrations) restores, and that test would fail.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_no_failure_in_the_live_api(live_server, demo_data, settings, now):
    settings.SITE_URL = live_server.url
    load_demo(demo_data)

    config = Path(__file__).with_name("schemathesis.toml")
    result = subprocess.run(
        [
            *(str(SCHEMATHESIS), "--config-file", str(config), "run"),
            f"{live_server.url}/api/openapi.json",
            *("--url", live_server.url, "--max-examples", "30", "--seed", "1", "--no-color"),
            # Every check but positive_data_acceptance (see schemathesis.toml); the stateful
            # phase (chains of calls through links) is left out, as a read-only API has no
            # state to chain.
            *("--checks", ",".join(CHECKS), "--phases", "examples,coverage,fuzzing"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout
    assert "No issues found" in result.stdout
