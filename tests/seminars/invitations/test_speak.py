"""The speaker's page /speak/<token>/: what the link opens, and nothing else."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from seminars.invitations.forms import SpeakerDetailsForm
from seminars.invitations.models import ABSTRACT_MAX_LENGTH, Invitation, Proposal
from seminars.invitations.services import revoke_invitation, save_speaker_edit
from seminars.models import Talk

pytestmark = pytest.mark.django_db

INVALID = "This speaker link does not work"


def details(invitation: Invitation, **changes) -> dict:
    """Return the page's form as the speaker got it, with `changes`, to save."""
    initial = SpeakerDetailsForm.initial_for(invitation)
    data = {name: value for name, value in initial.items() if not isinstance(value, bool)}
    data.update({name: "on" for name, value in initial.items() if value is True})
    return {**data, "save": "1", **changes}


def test_link_shows_the_draft_talk_to_its_speaker(client, draft, invite):
    ada, _ = invite(draft)
    response = client.get(f"/speak/{ada.token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hello Ada Lovelace." in body
    assert f'<h2 id="talk-heading">{draft.title}</h2>' in body
    assert "Grace Hopper" in body  # the co-speaker's name, never their address
    assert "@example.org" not in body
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda token: token[:-1], id="cut-short"),
        pytest.param(lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), id="tampered"),
        pytest.param(lambda token: "x" * 500, id="overlong"),
    ],
)
def test_a_wrong_token_is_a_404_that_names_no_talk(client, draft, invite, mangle):
    ada, _ = invite(draft)
    response = client.get(f"/speak/{mangle(ada.token)}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert INVALID in body
    assert draft.title not in body


def test_a_revoked_link_is_a_404(client, draft, invite):
    ada, _ = invite(draft)
    revoke_invitation(ada)
    response = client.get(f"/speak/{ada.token}/")
    assert (response.status_code, INVALID in response.content.decode()) == (404, True)


def test_a_link_expires_when_the_talk_ends(client, draft, invite, clock):
    ada, _ = invite(draft)
    clock.move_to(draft.end - datetime.timedelta(minutes=1))
    assert client.get(f"/speak/{ada.token}/").status_code == 200
    clock.move_to(draft.end)
    response = client.get(f"/speak/{ada.token}/")
    assert (response.status_code, INVALID in response.content.decode()) == (404, True)


def test_a_link_edits_only_its_own_speaker(client, draft, invite, media_root):
    ada, grace = invite(draft)
    client.post(f"/speak/{ada.token}/", details(ada, bio="Ada's bio"))
    grace.refresh_from_db()
    ada.refresh_from_db()
    assert (ada.speaker.bio, grace.speaker.bio) == ("Ada's bio", "")


def test_a_draft_link_cannot_open_the_draft_page(client, draft, invite):
    invite(draft)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_confirm_and_decline(client, draft, invite, smtp_server):
    ada, _ = invite(draft)
    response = client.post(f"/speak/{ada.token}/", {"answer": "confirm"})
    assert "Thank you: your talk is confirmed." in response.content.decode()
    # The details form shows what is stored, not errors: its fields were not posted.
    assert response.context["form"].is_bound is False
    ada.refresh_from_db()
    assert ada.status == Invitation.Status.CONFIRMED
    client.post(f"/speak/{ada.token}/", {"answer": "decline"})
    ada.refresh_from_db()
    assert ada.status == Invitation.Status.DECLINED


def test_a_get_changes_nothing(client, draft, invite):
    ada, _ = invite(draft)
    client.get(f"/speak/{ada.token}/?answer=decline")
    ada.refresh_from_db()
    assert ada.status == Invitation.Status.INVITED


def test_a_post_without_csrf_token_is_refused(draft, invite):
    ada, _ = invite(draft)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/speak/{ada.token}/", {"answer": "decline"})
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.status == Invitation.Status.INVITED


def test_draft_edits_apply_at_once_and_history_names_the_speaker(client, draft, invite):
    ada, _ = invite(draft)
    response = client.post(
        f"/speak/{ada.token}/",
        details(
            ada, title="Analytical engines", abstract="On *engines*.", affiliation="Royal Society"
        ),
    )
    body = response.content.decode()
    assert "Saved: the talk&#x27;s page shows your changes." in body
    assert "<p>Changed: title, abstract, affiliation." in body
    draft.refresh_from_db()
    ada.talk_speaker.refresh_from_db()
    assert (draft.title, draft.abstract) == ("Analytical engines", "On *engines*.")
    assert ada.talk_speaker.affiliation.name == "Royal Society"
    version = draft.history.order_by("-history_id").first()
    assert version.history_change_reason == "Edited by Ada Lovelace (invitation link)"
    assert Proposal.objects.count() == 0


def test_published_edits_become_a_proposal(client, published, invite):
    [dijkstra] = invite(published)
    old_title = published.title
    response = client.post(
        f"/speak/{dijkstra.token}/",
        details(dijkstra, title="Goto considered harmful", abstract="Short."),
    )
    assert "the organisers will review your changes" in response.content.decode()
    published.refresh_from_db()
    assert (published.title, published.abstract) == (old_title, "")
    [proposal] = Proposal.objects.all()
    assert (proposal.title, proposal.abstract, proposal.original) == (
        "Goto considered harmful",
        "Short.",
        {"title": old_title, "abstract": ""},
    )


def test_preview_renders_the_abstract_and_saves_nothing(client, draft, invite):
    ada, _ = invite(draft)
    response = client.post(
        f"/speak/{ada.token}/",
        {**details(ada, abstract="Some **bold** <script>alert(1)</script>"), "preview": "1"},
    )
    body = response.content.decode()
    assert '<div class="markdown"><p>Some <strong>bold</strong> </p></div>' in body
    assert "<script>alert(1)" not in body
    draft.refresh_from_db()
    assert draft.abstract == ""


def test_an_abstract_over_the_limit_is_a_form_error(client, draft, invite):
    ada, _ = invite(draft)
    response = client.post(f"/speak/{ada.token}/", details(ada, title="T", abstract="x" * 5001))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "abstract": ["Ensure this value has at most 5000 characters (it has 5001)."]
    }
    draft.refresh_from_db()
    assert draft.title != "T"


def test_a_broken_photo_is_a_form_error(client, draft, invite, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ada, _ = invite(draft)
    broken = SimpleUploadedFile("me.jpg", b"\xff\xd8\xff\xe0 not really", "image/jpeg")
    response = client.post(f"/speak/{ada.token}/", {**details(ada), "photo": broken})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["photo"]
    ada.speaker.refresh_from_db()
    assert not ada.speaker.photo


def test_consent_is_saved_at_once_even_on_a_published_talk(client, published, invite):
    [dijkstra] = invite(published)
    client.post(
        f"/speak/{dijkstra.token}/",
        details(dijkstra, consent_photo="on", consent_recording="on"),
    )
    dijkstra.refresh_from_db()
    dijkstra.speaker.refresh_from_db()
    assert (
        dijkstra.speaker.photo_consent,
        dijkstra.consent_recording,
        dijkstra.consent_publish_recording,
    ) == (True, True, False)
    assert Proposal.objects.count() == 0


def test_the_link_keeps_working_after_saving(client, draft, invite):
    ada, _ = invite(draft)
    client.post(f"/speak/{ada.token}/", details(ada, title="First"))
    # From the page as it reads after the first save.
    client.post(f"/speak/{ada.token}/", details(Invitation.objects.get(pk=ada.pk), title="Second"))
    draft.refresh_from_db()
    assert draft.title == "Second"
    assert Talk.objects.filter(pk=draft.pk, status=Talk.Status.DRAFT).exists()
    assert timezone.now() < draft.end


def test_an_oversized_photo_is_a_form_error_and_nothing_is_saved(
    client, draft, invite, media_root, settings
):
    from tests.seminars.invitations.test_consent import jpeg

    settings.MAX_PHOTO_BYTES = 100
    ada, _ = invite(draft)
    response = client.post(f"/speak/{ada.token}/", {**details(ada, title="Kept?"), "photo": jpeg()})
    assert response.status_code == 200
    [message] = response.context["form"].errors["photo"]
    assert message.endswith("the largest accepted is 100\xa0bytes.")
    draft.refresh_from_db()
    ada.speaker.refresh_from_db()
    assert (draft.title != "Kept?", bool(ada.speaker.photo)) == (True, False)


# An organiser edits while the speaker's page is open.


def test_a_field_the_speaker_left_alone_keeps_the_organisers_change(client, draft, invite):
    ada, _ = invite(draft)
    shown = details(ada, title="The speaker's title")
    Talk.objects.filter(pk=draft.pk).update(abstract="The organiser's abstract")

    response = client.post(f"/speak/{ada.token}/", shown)

    draft.refresh_from_db()
    assert (draft.title, draft.abstract) == ("The speaker's title", "The organiser's abstract")
    assert response.context["changed"] == ["title"]


def test_a_field_both_changed_is_shown_again_with_its_new_value_and_only_consent_is_saved(
    client, draft, invite
):
    ada, _ = invite(draft)
    shown = details(
        ada,
        title="The speaker's title",
        abstract="The speaker's abstract",
        note="See you",
        consent_recording="on",
    )
    Talk.objects.filter(pk=draft.pk).update(
        title="The organiser's title", abstract="The organiser's abstract", location="Hall B"
    )

    response = client.post(f"/speak/{ada.token}/", shown)

    form = response.context["form"]
    assert response.status_code == 200
    assert sorted(form.errors) == ["abstract", "title"]
    assert "It now reads: “The organiser's title”" in form.errors["title"][0]
    assert (form["title"].value(), form["note"].value()) == ("The speaker's title", "See you")
    draft.refresh_from_db()
    ada.refresh_from_db()
    assert (draft.title, draft.abstract, ada.note, ada.consent_recording) == (
        "The organiser's title",
        "The organiser's abstract",
        "See you",
        True,
    )
    assert "Your consent and your note are saved" in response.content.decode()

    # Saving again, having seen the organisers' version, replaces it.
    again = {key: value for key, value in form.data.items() if key != "csrfmiddlewaretoken"}
    client.post(f"/speak/{ada.token}/", again)

    draft.refresh_from_db()
    assert (draft.title, draft.abstract) == ("The speaker's title", "The speaker's abstract")


def test_line_breaks_sent_as_crlf_do_not_count_as_a_change(client, draft, invite):
    Talk.objects.filter(pk=draft.pk).update(abstract="One.\n\nTwo.")
    ada, _ = invite(draft)
    ada.refresh_from_db()
    shown = details(ada, title="The speaker's title")
    shown["abstract"] = shown["abstract"].replace("\n", "\r\n")  # as a browser sends it
    Talk.objects.filter(pk=draft.pk).update(abstract="The organiser's abstract")

    response = client.post(f"/speak/{ada.token}/", shown)

    draft.refresh_from_db()
    assert response.context["changed"] == ["title"]
    assert draft.abstract == "The organiser's abstract"


def test_an_abstract_at_the_limit_fits_when_its_line_breaks_come_as_crlf(client, draft, invite):
    ada, _ = invite(draft)
    paragraph = "x" * 49 + "\n"
    abstract = (paragraph * (ABSTRACT_MAX_LENGTH // len(paragraph)))[:-1] + "y"
    assert len(abstract) == ABSTRACT_MAX_LENGTH  # as the browser's counter shows it

    response = client.post(
        f"/speak/{ada.token}/", details(ada, abstract=abstract.replace("\n", "\r\n"))
    )

    assert not response.context["form"].errors
    draft.refresh_from_db()
    assert draft.abstract == abstract


def test_an_abstract_the_admin_stored_with_crlf_is_not_rewritten_by_an_unchanged_save(
    client, draft, invite
):
    Talk.objects.filter(pk=draft.pk).update(abstract="One.\r\n\r\nTwo.")
    ada, _ = invite(draft)
    ada.refresh_from_db()

    response = client.post(f"/speak/{ada.token}/", {**details(ada), "based_on": "junk"})

    draft.refresh_from_db()
    assert (response.context["changed"], draft.abstract) == ([], "One.\r\n\r\nTwo.")


def test_a_link_revoked_while_the_page_was_open_saves_nothing(draft, invite):
    ada, _ = invite(draft)
    form = SpeakerDetailsForm(data=details(ada, title="Too late", note="Too late"))
    assert form.is_valid()
    revoke_invitation(Invitation.objects.get(pk=ada.pk))  # by an organiser, meanwhile

    assert save_speaker_edit(ada, form.edit()) == ("gone", [])

    draft.refresh_from_db()
    ada.refresh_from_db()
    assert (draft.title != "Too late", ada.note, ada.revoked_at is not None) == (True, "", True)


def test_a_page_without_a_known_state_saves_every_difference_as_before(client, draft, invite):
    ada, _ = invite(draft)
    Talk.objects.filter(pk=draft.pk).update(abstract="The organiser's abstract")

    client.post(f"/speak/{ada.token}/", {**details(ada), "based_on": "junk"})

    draft.refresh_from_db()
    assert draft.abstract != "The organiser's abstract"
