"""Organisers' side: invite (button and action), revoke, status, proposals with a diff."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from seminars.invitations.models import Invitation, Proposal
from seminars.mail.models import Delivery
from seminars.models import Material, Talk
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory
from tests.seminars.test_admin import talk_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def olga_client(client, organiser):
    client.force_login(organiser)
    return client


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_invite_button_queues_one_mail_per_speaker_with_an_address(olga_client, draft, now):
    SpeakerFactory(name="No Address")
    draft.talk_speakers.create(speaker=SpeakerFactory(name="Nora Noaddress"), order=5)
    url = reverse("admin:seminars_talk_invite", args=[draft.pk])
    page = olga_client.get(url)
    assert page.status_code == 200
    assert "@example.org" not in page.content.decode()

    response = olga_client.post(url, follow=True)
    assert said(response) == [
        f"“{draft}”: invitation queued for Ada Lovelace, Grace Hopper.",
        f"“{draft}”: no email address for Nora Noaddress; add one on the speaker.",
    ]
    assert sorted(Delivery.objects.values_list("kind", "key")) == sorted(
        ("invite", f"invite:{invitation.pk}") for invitation in Invitation.objects.all()
    )
    # Pressing it again mails nobody twice.
    again = olga_client.post(url, follow=True)
    assert said(again)[0] == f"“{draft}”: already invited: Ada Lovelace, Grace Hopper."
    assert Delivery.objects.count() == 2


def test_invite_action_on_the_talk_list(olga_client, draft, published):
    response = olga_client.post(
        reverse("admin:seminars_talk_changelist"),
        {"action": "invite_speakers", "_selected_action": [draft.pk, published.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Invitation.objects.count() == 3


def test_another_series_organiser_cannot_invite(client, draft):
    other = get_user_model().objects.create(username="other", is_staff=True)
    other.organised_series.add(SeriesFactory(name="Elsewhere"))
    from django.contrib.auth.models import Permission

    other.user_permissions.set(Permission.objects.filter(codename__endswith="_talk"))
    client.force_login(other)
    response = client.post(reverse("admin:seminars_talk_invite", args=[draft.pk]))
    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_talk_form_shows_each_speakers_status_and_revokes(olga_client, draft, invite, client):
    ada, grace = invite(draft)
    grace.status = Invitation.Status.DECLINED
    grace.note = "Sorry, <b>travelling</b>."
    grace.save()
    page = olga_client.get(reverse("admin:seminars_talk_change", args=[draft.pk]))
    html = page.content.decode()
    assert "<li>Ada Lovelace: <strong>invited Wed 2 Dec 2026</strong>" in html
    assert (
        "Grace Hopper: <strong>declined</strong> — note: Sorry, &lt;b&gt;travelling&lt;/b&gt;."
        in html
    )

    response = olga_client.post(
        reverse("admin:seminars_talk_revoke", args=[draft.pk]), {"_revoke": ada.pk}
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.is_revoked
    assert client.get(f"/speak/{ada.token}/").status_code == 404


def test_revoke_of_another_talks_invitation_is_a_404(olga_client, draft, published, invite):
    [dijkstra] = invite(published)
    response = olga_client.post(
        reverse("admin:seminars_talk_revoke", args=[draft.pk]), {"_revoke": dijkstra.pk}
    )
    assert response.status_code == 404
    dijkstra.refresh_from_db()
    assert not dijkstra.is_revoked


def test_talk_list_filters_by_invitation_status(olga_client, draft, published, invite):
    invite(published)
    url = reverse("admin:seminars_talk_changelist")
    titles = {
        choice: [
            talk.title
            for talk in olga_client.get(url, {"invitations": choice}).context["cl"].result_list
        ]
        for choice in ("not_invited", "waiting", "confirmed")
    }
    assert titles == {"not_invited": [draft.title], "waiting": [published.title], "confirmed": []}


def proposal_for(client, invitation, **changes) -> Proposal:
    from tests.seminars.invitations.test_speak import details

    client.post(f"/speak/{invitation.token}/", details(invitation, **changes))
    return Proposal.objects.latest("pk")


def test_accepting_a_proposal_applies_it_and_history_names_the_organiser(
    olga_client, client, published, invite, organiser
):
    [dijkstra] = invite(published)
    old_title = published.title
    proposal = proposal_for(client, dijkstra, title="Goto considered harmful", abstract="A letter.")
    page = olga_client.get(reverse("admin:seminars_proposal_change", args=[proposal.pk]))
    html = page.content.decode()
    assert (
        f"<td>{old_title}</td><td><del>{old_title}</del> <ins>Goto considered harmful</ins></td>"
        in html.replace("\n", "")
    )
    assert "Accept and apply" in html
    sequence = published.sequence

    olga_client.post(
        reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
    )
    published.refresh_from_db()
    proposal.refresh_from_db()
    assert (published.title, published.abstract) == ("Goto considered harmful", "A letter.")
    assert published.sequence == sequence + 1  # the title is in calendars
    assert (proposal.status, proposal.decided_by) == (Proposal.Status.ACCEPTED, organiser)
    version = published.history.order_by("-history_id").first()
    assert (version.history_user, version.history_change_reason) == (
        organiser,
        f"Accepted proposal #{proposal.pk}",
    )
    assert (
        client.get(published.get_absolute_url()).content.decode().count("Goto considered harmful")
        >= 1
    )


def test_rejecting_a_proposal_changes_nothing(olga_client, client, published, invite, organiser):
    [dijkstra] = invite(published)
    proposal = proposal_for(client, dijkstra, bio="New bio")
    olga_client.post(
        reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "reject"}
    )
    proposal.refresh_from_db()
    dijkstra.speaker.refresh_from_db()
    assert (proposal.status, proposal.decided_by, dijkstra.speaker.bio) == (
        Proposal.Status.REJECTED,
        organiser,
        "",
    )
    # Deciding twice does nothing more.
    olga_client.post(
        reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
    )
    dijkstra.speaker.refresh_from_db()
    assert dijkstra.speaker.bio == ""


def test_a_get_never_decides_a_proposal(olga_client, client, published, invite):
    [dijkstra] = invite(published)
    proposal = proposal_for(client, dijkstra, bio="New bio")
    response = olga_client.get(reverse("admin:seminars_proposal_decide", args=[proposal.pk]))
    assert response.status_code == 405


def test_admin_warns_when_a_recording_lacks_consent(olga_client, published, invite):
    invite(published)
    data = talk_form_data(
        published.series,
        loaded_edit_version=Talk.objects.get(pk=published.pk).edit_version,
        title=published.title,
        slug=published.slug,
        status=published.status,
        start_0="2026-12-08",
        start_1="12:00",
        end_0="2026-12-08",
        end_1="13:00",
        location=published.location,
        **{
            "materials-TOTAL_FORMS": "1",
            "materials-0-kind": Material.Kind.RECORDING,
            "materials-0-url": "https://video.example.org/1",
            "materials-0-order": "0",
        },
    )
    response = olga_client.post(
        reverse("admin:seminars_talk_change", args=[published.pk]), data, follow=True
    )
    assert (
        f"The recording of “{published.title}” is not published: Edsger Dijkstra did not "
        "consent to publishing it (on their speaker page)."
    ) in said(response)


def test_dashboard_lists_unconfirmed_speakers_of_the_next_six_weeks(
    olga_client, draft, published, invite
):
    ada, _ = invite(draft)
    ada.status = Invitation.Status.CONFIRMED
    ada.save()
    TalkFactory(series=draft.series, title="Far away", start=draft.start.replace(year=2027))
    board = olga_client.get(reverse("admin:index")).context["dashboard"]
    assert [(link.speaker.name, link.invitation_status) for link in board.unconfirmed_speakers] == [
        ("Grace Hopper", "invited"),
        ("Edsger Dijkstra", None),
    ] or [(link.speaker.name, link.invitation_status) for link in board.unconfirmed_speakers] == [
        ("Edsger Dijkstra", None),
        ("Grace Hopper", "invited"),
    ]


def test_accepting_a_proposed_photo_makes_it_the_speakers(
    olga_client, client, published, invite, media_root, django_capture_on_commit_callbacks
):
    from tests.seminars.invitations.test_consent import jpeg

    [dijkstra] = invite(published)
    proposal = proposal_for(client, dijkstra, photo=jpeg(), consent_photo="on")
    from django.test import Client

    assert Client().get(proposal.photo.url).status_code == 404  # only staff see it
    dijkstra.speaker.refresh_from_db()
    assert not dijkstra.speaker.photo

    with django_capture_on_commit_callbacks(execute=True):
        olga_client.post(
            reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
        )
    dijkstra.speaker.refresh_from_db()
    proposal.refresh_from_db()
    assert dijkstra.speaker.photo.name.startswith("speakers/")
    assert dijkstra.speaker.photo_thumbnail
    assert not proposal.photo
    assert sorted(
        path.relative_to(media_root).as_posix() for path in media_root.rglob("*.jpg")
    ) == sorted([dijkstra.speaker.photo.name, dijkstra.speaker.photo_thumbnail.name])
    page = Client().get(published.get_absolute_url()).content.decode()
    assert dijkstra.speaker.photo_thumbnail.url in page


def test_the_diff_compares_with_the_talk_as_it_is_now(olga_client, client, published, invite):
    [dijkstra] = invite(published)
    proposal = proposal_for(client, dijkstra, title="Goto considered harmful")
    published.title = "Renamed by staff"
    published.save()
    html = olga_client.get(reverse("admin:seminars_proposal_change", args=[proposal.pk]))
    assert (
        '<th scope="row">Title (edited since the speaker proposed)</th><td>Renamed by staff</td>'
        "<td><del>Renamed by staff</del> <ins>Goto considered harmful</ins></td>"
    ) in html.content.decode()


def test_another_series_organiser_cannot_see_or_decide_a_proposal(client, published, invite):
    from django.contrib.auth.models import Permission
    from django.test import Client

    [dijkstra] = invite(published)
    proposal = proposal_for(Client(), dijkstra, title="Goto considered harmful")
    other = get_user_model().objects.create(username="other", is_staff=True)
    other.organised_series.add(SeriesFactory(name="Elsewhere"))
    other.user_permissions.set(Permission.objects.filter(codename__endswith="_proposal"))
    client.force_login(other)
    assert (
        client.get(reverse("admin:seminars_proposal_change", args=[proposal.pk])).status_code == 404
    )
    response = client.post(
        reverse("admin:seminars_proposal_decide", args=[proposal.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_another_person_in_a_speakers_row_does_not_inherit_the_invitation(
    olga_client, client, draft, invite
):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, grace_invitation = invite(draft)
    client.post(f"/speak/{ada_invitation.token}/", {"answer": "confirm"})
    ada, grace = stored_rows(draft)
    bob = SpeakerFactory(name="Bob Barker")
    rows = [(ada[0], bob, 0), grace]  # the organiser picks Bob in Ada's row

    response = olga_client.post(
        reverse("admin:seminars_talk_change", args=[draft.pk]), form_data(draft, rows)
    )

    assert response.status_code == 302
    assert [
        (link.speaker.name, link.affiliation_id) for link in draft.talk_speakers.order_by("order")
    ] == [("Bob Barker", bob.affiliation_id), ("Grace Hopper", grace[0].affiliation_id)]
    # Ada's link to speak no longer opens (it would have shown Bob's details to Ada).
    assert client.get(f"/speak/{ada_invitation.token}/").status_code == 404
    assert list(Invitation.objects.filter(talk_speaker__talk=draft)) == [grace_invitation]
    assert client.get(f"/speak/{grace_invitation.token}/").status_code == 200


def test_speakers_swapped_between_rows_keep_their_own_invitations(olga_client, draft, invite):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, grace_invitation = invite(draft)
    ada, grace = stored_rows(draft)
    rows = [(ada[0], grace[1], 0), (grace[0], ada[1], 1)]

    response = olga_client.post(
        reverse("admin:seminars_talk_change", args=[draft.pk]), form_data(draft, rows)
    )

    assert response.status_code == 302
    assert [
        (link.speaker.name, [invitation.pk for invitation in link.invitations.all()])
        for link in draft.talk_speakers.order_by("order")
    ] == [("Grace Hopper", [grace_invitation.pk]), ("Ada Lovelace", [ada_invitation.pk])]


def test_a_deleted_rows_speaker_picked_in_another_row_keeps_the_invitation(
    olga_client, draft, invite
):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, _ = invite(draft)
    ada, grace = stored_rows(draft)
    data = form_data(draft, [ada, (grace[0], ada[1], 1)], **{"talk_speakers-0-DELETE": "on"})

    response = olga_client.post(reverse("admin:seminars_talk_change", args=[draft.pk]), data)

    assert response.status_code == 302
    # Ada stays on the talk, so her link and answers stay; Grace, dropped, loses hers.
    assert links_and_invitations(draft) == [("Ada Lovelace", ada[0].pk, [ada_invitation.pk])]


def links_and_invitations(talk) -> list[tuple[str, int, list[int]]]:
    return [
        (link.speaker.name, link.pk, [invitation.pk for invitation in link.invitations.all()])
        for link in talk.talk_speakers.select_related("speaker").order_by("order")
    ]


def test_a_speaker_replaced_in_a_row_and_picked_in_a_new_row_keeps_the_invitation(
    olga_client, draft, invite
):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, grace_invitation = invite(draft)
    ada, grace = stored_rows(draft)
    newcomer = SpeakerFactory(name="Nell Newcomer")
    rows = [(ada[0], newcomer, 0), grace, (None, ada[1], 2)]

    response = olga_client.post(
        reverse("admin:seminars_talk_change", args=[draft.pk]), form_data(draft, rows)
    )

    assert response.status_code == 302
    [(_, newcomer_link, _), *kept] = links_and_invitations(draft)
    assert kept == [
        ("Grace Hopper", grace[0].pk, [grace_invitation.pk]),
        ("Ada Lovelace", ada[0].pk, [ada_invitation.pk]),
    ]
    assert newcomer_link not in (ada[0].pk, grace[0].pk)


def test_a_deleted_rows_speaker_picked_in_a_new_row_keeps_the_invitation(
    olga_client, draft, invite
):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, grace_invitation = invite(draft)
    ada, grace = stored_rows(draft)
    data = form_data(draft, [ada, grace, (None, ada[1], 2)], **{"talk_speakers-0-DELETE": "on"})

    response = olga_client.post(reverse("admin:seminars_talk_change", args=[draft.pk]), data)

    assert response.status_code == 302
    assert links_and_invitations(draft) == [
        ("Grace Hopper", grace[0].pk, [grace_invitation.pk]),
        ("Ada Lovelace", ada[0].pk, [ada_invitation.pk]),
    ]


def test_a_row_naming_another_talks_speaker_link_is_ignored(olga_client, draft, invite):
    from tests.seminars.organisers.test_ordering import form_data, stored_rows

    ada_invitation, grace_invitation = invite(draft)
    ada, grace = stored_rows(draft)
    other = TalkFactory(title="Elsewhere", speakers=[SpeakerFactory(name="Alan Kay")])
    foreign_link = other.talk_speakers.get()
    # A forged row: another talk's link, with Ada (already a speaker of this talk) in it.
    rows = [(foreign_link, ada[1], 0), grace]

    response = olga_client.post(
        reverse("admin:seminars_talk_change", args=[draft.pk]), form_data(draft, rows)
    )

    assert response.status_code == 302
    assert links_and_invitations(draft) == [
        ("Ada Lovelace", ada[0].pk, [ada_invitation.pk]),
        ("Grace Hopper", grace[0].pk, [grace_invitation.pk]),
    ]
    assert [(link.pk, link.speaker.name) for link in other.talk_speakers.all()] == [
        (foreign_link.pk, "Alan Kay")
    ]
