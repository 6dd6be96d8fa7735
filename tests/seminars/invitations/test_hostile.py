"""What a speaker writes is inert on every output: pages, feeds, API, embeds, the admin and
the organisers' mail."""

import pytest
from django.urls import reverse

from seminars.invitations.models import Proposal
from seminars.services import publish_talk
from tests.seminars.invitations.test_speak import details
from tests.smtp import drain_mail_queue

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(2)>'


def live_markup(body: str) -> list[str]:
    """Return the live script or handler markup that reached `body`."""
    return [
        bad for bad in ("<script>alert", "<img src=x onerror", "onerror=alert(2)>") if bad in body
    ]


def test_hostile_text_in_every_field_is_inert_everywhere(
    client, staff_client, draft, invite, smtp_server
):
    ada, _ = invite(draft)
    hostile = {
        "title": f"Engines {ATTRIBUTE}",
        "abstract": f"An [x](javascript:alert(3)) abstract {SCRIPT} {ATTRIBUTE}",
        "affiliation": f"Royal {ATTRIBUTE}",
        "bio": f"Bio {SCRIPT} {ATTRIBUTE}",
        "note": f"Note {SCRIPT}",
    }
    page = client.post(f"/speak/{ada.token}/", details(ada, **hostile))
    assert live_markup(page.content.decode()) == []
    draft.refresh_from_db()
    assert draft.title == hostile["title"]  # kept as written, escaped when shown
    publish_talk(draft)
    outputs = {
        "talk": client.get(draft.get_absolute_url()),
        "speaker": client.get(ada.speaker.get_absolute_url()),
        "home": client.get("/"),
        "rss": client.get("/feed/"),
        "embed": client.get("/embed/upcoming/"),
        "admin talk": staff_client.get(reverse("admin:seminars_talk_change", args=[draft.pk])),
    }
    assert {name: response.status_code for name, response in outputs.items()} == dict.fromkeys(
        outputs, 200
    )
    leaks = {name: live_markup(r.content.decode()) for name, r in outputs.items()}
    assert leaks == {name: [] for name in outputs}
    assert "javascript:" not in outputs["talk"].content.decode()
    # The API gives the text as written, as JSON data, and the abstract as sanitised HTML.
    api = client.get(f"/api/talks/{draft.slug}/")
    assert api["Content-Type"].startswith("application/json")
    assert (api.json()["title"], live_markup(api.json()["abstract_html"])) == (hostile["title"], [])

    client.post(f"/speak/{ada.token}/", {"answer": "decline"})
    drain_mail_queue()
    [notice] = smtp_server.to("olga@example.org")
    html = notice.get_body(preferencelist=("html",)).get_content()
    assert live_markup(html) == []
    assert "&lt;script&gt;" in html


def test_hostile_proposal_is_inert_in_the_admin_diff(client, staff_client, published, invite):
    [dijkstra] = invite(published)
    client.post(f"/speak/{dijkstra.token}/", details(dijkstra, title=f"T {ATTRIBUTE}", bio=SCRIPT))
    proposal = Proposal.objects.get()
    page = staff_client.get(reverse("admin:seminars_proposal_change", args=[proposal.pk]))
    assert page.status_code == 200
    assert live_markup(page.content.decode()) == []
