import pytest

from seminars.models import Talk
from speakers.models import Speaker
from tests.factories import AffiliationFactory, SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_speaker_index_is_a_to_z_by_family_name(client, demo):
    response = client.get("/speakers/")
    assert [speaker.name for speaker in response.context["object_list"]] == [
        "Tushar Krishna",
        "Yuliang Li",
        "Yiyu Liu",
        "Yunhao Mao",
        "William Nixon",
        "Venkat Pullela",
        "Ori Rottenstreich",
        "Malte Schwarzkopf",
        "Binxu Wang",
        "Cameron Wong",
    ]
    content = response.content.decode()
    assert '<h2 id="letter-K">K</h2>' in content
    assert content.index('id="letter-K"') < content.index('id="letter-W"')


def test_speaker_index_leaves_out_speakers_without_public_talks(client, demo):
    SpeakerFactory(name="Only Drafts")
    TalkFactory(status=Talk.Status.DRAFT, speakers=[Speaker.objects.get(name="Only Drafts")])
    names = [speaker.name for speaker in client.get("/speakers/").context["object_list"]]
    assert "Only Drafts" not in names


def test_speaker_page_shows_affiliation_and_talks(client, demo):
    response = client.get("/speakers/william-nixon/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title">William Nixon</h1>' in content
    assert '<a href="/affiliations/university-of-chicago/">University of Chicago</a>' in content
    assert [talk.title for talk in response.context["past_page"]] == [
        "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing"
    ]
    assert list(response.context["upcoming_talks"]) == []


def test_speaker_page_never_shows_the_private_email(client, demo):
    speaker = Speaker.objects.get(name="Yuliang Li")
    speaker.email = "yuliang.private@example.org"
    speaker.bio = "Works on **datacenter** networks."
    speaker.save()
    content = client.get(speaker.get_absolute_url()).content.decode()
    assert "yuliang.private@example.org" not in content
    assert "<strong>datacenter</strong>" in content


def test_speaker_page_with_a_photo_has_alt_text(client, demo, media_root):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (32, 32), "navy").save(buffer, format="PNG")
    speaker = Speaker.objects.get(name="Binxu Wang")
    speaker.photo.save("binxu.png", ContentFile(buffer.getvalue()))
    content = client.get(speaker.get_absolute_url()).content.decode()
    assert f'src="{speaker.photo.url}" alt="Binxu Wang"' in content
    talk_page = client.get(speaker.talks.get().get_absolute_url()).content.decode()
    assert speaker.photo_thumbnail.url.startswith("/media/speakers/thumbnails/")
    assert f'src="{speaker.photo_thumbnail.url}" alt="Binxu Wang"' in talk_page


def test_speaker_page_of_a_speaker_with_only_drafts_is_404(client, demo):
    hidden = SpeakerFactory(name="Hidden Speaker")
    TalkFactory(status=Talk.Status.DRAFT, speakers=[hidden])
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/speakers/nobody/").status_code == 404


def test_affiliation_page_lists_speakers_and_talks(client, demo):
    response = client.get("/affiliations/harvard-university/")
    assert response.status_code == 200
    assert [speaker.name for speaker in response.context["speakers"]] == [
        "Binxu Wang",
        "Cameron Wong",
        "Yiyu Liu",
    ]
    assert [talk.title for talk in response.context["upcoming_talks"]] == [
        "High-Dimensional Gradient-Free Optimization for Neuroscience, Interpretability and "
        "LLMs: Why It Works and How to Make It Better",
        "Collapsing Towers of Interpreters for Security",
    ]
    assert [talk.title for talk in response.context["past_page"]] == [
        "Systems at the Crossroad of Agents & Infrastructure (MLSys ’26 Digest Talk)"
    ]


def test_affiliation_page_keeps_talks_given_under_it_after_the_speaker_moved(client, demo):
    nixon = Speaker.objects.get(name="William Nixon")
    nixon.affiliation = AffiliationFactory(name="Elsewhere Labs")
    nixon.save()
    response = client.get("/affiliations/university-of-chicago/")
    assert list(response.context["speakers"]) == []
    assert [talk.title for talk in response.context["past_page"]] == [
        "A Year in LLM Serving: Workload Evolution, Caching and Load-Balancing"
    ]
    talk_page = client.get(nixon.talks.get().get_absolute_url()).content.decode()
    assert "University of Chicago" in talk_page
    assert "Elsewhere Labs" not in talk_page


def test_affiliation_page_without_public_talks_is_404(client, demo):
    lab = AffiliationFactory(name="Hidden Lab")
    TalkFactory(status=Talk.Status.DRAFT, speakers=[SpeakerFactory(affiliation=lab)])
    assert client.get(lab.get_absolute_url()).status_code == 404
    assert client.get("/affiliations/nowhere/").status_code == 404


def test_affiliation_page_lists_a_talk_with_two_of_its_speakers_once(client, demo):
    harvard = Speaker.objects.get(name="Binxu Wang").affiliation
    talk = Talk.objects.get(title="Collapsing Towers of Interpreters for Security")
    talk.talk_speakers.create(speaker=Speaker.objects.get(name="Binxu Wang"), order=1)
    response = client.get(harvard.get_absolute_url())
    upcoming = [t.title for t in response.context["upcoming_talks"]]
    assert upcoming.count("Collapsing Towers of Interpreters for Security") == 1
