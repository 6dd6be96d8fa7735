"""What a member of the "Seminar organisers" group (staff, not a superuser) can do with the
speakers of their series: read every invitation, revoke links, review proposals, and add
the talk's materials. Until migration 0028 only superusers could."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from seminars.invitations.models import Invitation, Proposal
from seminars.invitations.services import invite_speakers
from seminars.models import Delivery, Material, Talk
from tests.factories import SeriesFactory, TalkFactory, organiser_of
from tests.seminars.invitations.conftest import talk_with_speakers
from tests.seminars.invitations.test_admin import proposal_for
from tests.seminars.materials.test_views import PDF, upload
from tests.seminars.organisers.test_ordering import form_data, stored_rows

pytestmark = pytest.mark.django_db

INVITATIONS = reverse("admin:seminars_invitation_changelist")


@pytest.fixture
def member(series):
    return organiser_of(series, "mina")


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_invitations_list_shows_the_members_series_only_and_never_a_link_or_address(
    member_client, draft, invite, organiser, now
):
    ada, grace = invite(draft)
    elsewhere = talk_with_speakers(SeriesFactory(name="Elsewhere"), Talk.Status.DRAFT, "Alan Kay")
    [kay] = invite_speakers(elsewhere, organiser, now).invited
    Client().post(f"/speak/{ada.token}/", {"answer": "confirm"})

    response = member_client.get(INVITATIONS)

    body = response.content.decode()
    assert response.status_code == 200
    assert ("Ada Lovelace" in body, "Grace Hopper" in body, "Alan Kay" in body) == (
        True,
        True,
        False,
    )
    assert [row.pk for row in response.context["cl"].result_list] == [grace.pk, ada.pk]
    assert "@example.org" not in body
    assert [token in body for token in (ada.token, grace.token, kay.token)] == [False] * 3
    confirmed = member_client.get(INVITATIONS, {"status__exact": "confirmed"})
    assert [row.pk for row in confirmed.context["cl"].result_list] == [ada.pk]
    page = member_client.get(reverse("admin:seminars_invitation_change", args=[ada.pk]))
    assert (page.status_code, ada.token in page.content.decode()) == (200, False)
    assert (
        member_client.get(reverse("admin:seminars_invitation_change", args=[kay.pk])).status_code
        == 404
    )


def test_a_member_revokes_links_from_the_list_and_they_stop_working(member_client, draft, invite):
    ada, grace = invite(draft)

    response = member_client.post(
        INVITATIONS,
        {"action": "revoke_links", "_selected_action": [ada.pk, grace.pk]},
        follow=True,
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Revoked 2 link(s); invite again from the talk for a new one."
    ]
    assert Client().get(f"/speak/{ada.token}/").status_code == 404
    assert Invitation.objects.filter(revoked_at=None).count() == 0
    works = member_client.get(INVITATIONS, {"link": "works"})
    assert list(works.context["cl"].result_list) == []


def test_a_junk_link_filter_is_not_an_error(member_client, draft, invite):
    invite(draft)
    assert member_client.get(INVITATIONS, {"link": "junk"}).status_code == 200


def test_a_member_reviews_and_accepts_a_speakers_proposal(member_client, published, invite, member):
    [dijkstra] = invite(published)
    proposal = proposal_for(Client(), dijkstra, title="Goto considered harmful")

    assert member_client.get(reverse("admin:seminars_proposal_changelist")).status_code == 200
    member_client.post(
        reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
    )

    published.refresh_from_db()
    proposal.refresh_from_db()
    assert (published.title, proposal.status, proposal.decided_by) == (
        "Goto considered harmful",
        Proposal.Status.ACCEPTED,
        member,
    )


def test_a_member_sees_and_adds_the_talks_materials(member_client, draft, media_root):
    page = member_client.get(reverse("admin:seminars_talk_change", args=[draft.pk]))
    assert 'name="materials-TOTAL_FORMS"' in page.content.decode()

    response = upload(member_client, draft, PDF)

    assert response.status_code == 302
    assert list(Material.objects.filter(talk=draft).values_list("kind", flat=True)) == ["slides"]


@pytest.mark.parametrize("who", ["superuser", "member"])
def test_a_draft_whose_speakers_were_invited_can_be_deleted(who, draft, invite, organiser, member):
    invitations = invite(draft)  # queues their invitation mail
    Proposal.objects.create(invitation=invitations[0], talk=draft, title="A better title")
    assert Delivery.objects.filter(invitation__in=invitations).count() == 2
    staff = Client()
    staff.force_login(organiser if who == "superuser" else member)
    url = reverse("admin:seminars_talk_delete", args=[draft.pk])

    confirm = staff.get(url)
    deleted = staff.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert confirm.context["perms_lacking"] == set()
    assert deleted.status_code == 302
    assert not Talk.objects.filter(pk=draft.pk).exists()
    assert not Invitation.objects.filter(pk__in=[i.pk for i in invitations]).exists()


def test_no_admin_page_or_shortcut_leads_to_a_speakers_private_link(member_client, draft, invite):
    from django.contrib.contenttypes.models import ContentType

    ada, _ = invite(draft)
    page = member_client.get(reverse("admin:seminars_invitation_change", args=[ada.pk]))
    content_type = ContentType.objects.get_for_model(Invitation)

    shortcut = member_client.get(f"/admin/r/{content_type.pk}/{ada.pk}/")

    assert page.status_code == 200
    assert ada.token not in page.content.decode()
    assert "View on site" not in page.content.decode()
    assert shortcut.status_code == 404
    assert ada.token not in shortcut.get("Location", "")


def test_the_invitations_series_filter_offers_only_the_members_series(
    member_client, member, draft, invite, organiser, now, series
):
    invite(draft)
    second = SeriesFactory(name="Colloquium")
    second.organisers.add(member)
    invite(talk_with_speakers(second, Talk.Status.DRAFT, "Barbara Liskov"))
    elsewhere = talk_with_speakers(SeriesFactory(name="Secret drafts"), Talk.Status.DRAFT, "Alan")
    invite_speakers(elsewhere, organiser, now)

    response = member_client.get(INVITATIONS)

    [series_filter] = [
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "talk_speaker__talk__series"
    ]
    assert sorted(series_filter.lookup_choices) == [
        (series.pk, series.name),
        (second.pk, "Colloquium"),
    ]
    assert "Secret drafts" not in response.content.decode()


def test_a_speakers_talks_link_to_the_public_page_of_another_series_talk(member_client, draft):
    ada = draft.talk_speakers.get(order=0).speaker
    elsewhere = TalkFactory(
        series=SeriesFactory(name="Elsewhere"),
        title="Engines",
        speakers=[ada],
        start=draft.start - datetime.timedelta(days=7),  # listed after: newest first
    )
    draft.status = Talk.Status.PUBLISHED
    draft.save()

    page = member_client.get(reverse("admin:speakers_speaker_change", args=[ada.pk]))

    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', page.content.decode())
    assert links == [
        (reverse("admin:seminars_talk_change", args=[draft.pk]), draft.title),
        (elsewhere.get_absolute_url(), "Engines"),
    ]


def test_a_clash_warning_links_to_the_public_page_of_another_series_talk(member_client, draft):
    elsewhere = TalkFactory(series=SeriesFactory(name="Elsewhere"), title="Engines")

    response = member_client.post(
        reverse("admin:seminars_talk_change", args=[draft.pk]),
        form_data(draft, stored_rows(draft)),
        follow=True,
    )

    [warning] = [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "warning"
    ]
    assert warning.endswith(f'<a href="{elsewhere.get_absolute_url()}">Open “Engines”</a>')


def test_the_agendas_clash_notes_link_where_the_member_may_go(member_client, draft, series):
    elsewhere = TalkFactory(series=SeriesFactory(name="Elsewhere"), title="Engines")
    hidden = TalkFactory(
        series=SeriesFactory(name="Hidden"), title="Secret", status=Talk.Status.DRAFT
    )
    for other in (elsewhere, hidden):
        Talk.objects.filter(pk=other.pk).update(
            start=draft.start, end=draft.end, venue=draft.venue, location=draft.location
        )

    page = member_client.get(
        reverse("admin:seminars_series_agenda", args=[series.pk]),
        {"first_day": draft.local_start.date().isoformat(), "weeks": "1"},
    ).content.decode()

    assert f'“<a href="{elsewhere.get_absolute_url()}">Engines</a>”' in page
    assert "Secret" not in page
    assert "a talk of another series" in page
    assert reverse("admin:seminars_talk_change", args=[elsewhere.pk]) not in page
