import pytest

from seminars.models import Talk
from speakers.models import Speaker
from speakers.services import retire_slug
from tests.factories import AffiliationFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_slug_is_made_from_the_name():
    assert SpeakerFactory(name="Malte Schwarzkopf").slug == "malte-schwarzkopf"


def test_slug_collision_gets_a_numeric_suffix():
    first = SpeakerFactory(name="Yuliang Li")
    second = SpeakerFactory(name="Yuliang Li")
    third = SpeakerFactory(name="Yuliang  Li")
    assert [first.slug, second.slug, third.slug] == ["yuliang-li", "yuliang-li-2", "yuliang-li-3"]


@pytest.mark.parametrize(
    ("name", "expected"), [("???", "speaker"), ("日本", "speaker"), ("Zürich", "zurich")]
)
def test_slug_fallback_for_names_that_slugify_to_nothing(name, expected):
    assert SpeakerFactory(name=name).slug == expected


def test_slug_of_a_long_title_is_cut_and_still_unique():
    title = "High-Dimensional Gradient-Free Optimization " * 5
    first, second = TalkFactory(title=title), TalkFactory(title=title)
    assert len(first.slug) <= 80
    assert second.slug.endswith("-2")
    assert len(second.slug) <= 80


def test_slug_given_by_staff_is_kept():
    assert (
        AffiliationFactory(name="Georgia Institute of Technology", slug="georgia-tech").slug
        == "georgia-tech"
    )


def test_retired_slug_is_not_given_to_a_new_object():
    speaker = SpeakerFactory(name="Yiyu Liu")
    speaker.slug = "yiyu"
    speaker.save()
    retire_slug(speaker, "yiyu-liu")
    assert SpeakerFactory(name="Yiyu Liu").slug == "yiyu-liu-2"


def test_renamed_talk_old_url_redirects_permanently(client, now):
    talk = TalkFactory(title="Firefly")
    old_url = talk.get_absolute_url()
    talk.slug = "firefly-clock-sync"
    talk.save()
    retire_slug(talk, "firefly")
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, "/talks/firefly-clock-sync/")


def test_renamed_speaker_old_url_redirects_permanently(client):
    speaker = SpeakerFactory(name="Cameron Wong")
    TalkFactory(speakers=[speaker])
    speaker.slug = "cwong"
    speaker.save()
    retire_slug(speaker, "cameron-wong")
    response = client.get("/speakers/cameron-wong/")
    assert (response.status_code, response["Location"]) == (301, "/speakers/cwong/")


def test_renamed_slug_of_a_draft_does_not_redirect(client):
    talk = TalkFactory(title="Secret", status=Talk.Status.DRAFT)
    talk.slug = "still-secret"
    talk.save()
    retire_slug(talk, "secret")
    assert client.get("/talks/secret/").status_code == 404


def test_going_back_to_an_old_slug_makes_it_current_again(client):
    speaker = SpeakerFactory(name="Ori Rottenstreich")
    TalkFactory(speakers=[speaker])
    speaker.slug = "ori"
    speaker.save()
    retire_slug(speaker, "ori-rottenstreich")
    speaker.slug = "ori-rottenstreich"
    speaker.save()
    retire_slug(speaker, "ori")
    assert client.get("/speakers/ori-rottenstreich/").status_code == 200
    assert client.get("/speakers/ori/")["Location"] == "/speakers/ori-rottenstreich/"
    assert Speaker.objects.get().slug == "ori-rottenstreich"
