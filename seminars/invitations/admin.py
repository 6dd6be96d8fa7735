"""Invitations in the admin: the talk's "Invite speakers" page and action, "Revoke link",
each speaker's status on the talk form and list, the recording-consent warning, every
invitation on a list of its own, and the speakers' proposals, accepted or rejected with
their old → new values."""

import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from seminars.invitations import services
from seminars.invitations.models import Invitation, Proposal
from seminars.invitations.status import statuses
from seminars.models import Material, Talk, TalkSpeaker
from seminars.scoping import OrganiserScopedAdminMixin

INVITATION_FIELDS = ("speaker_invitations",)


def invitation_links(talk: Talk):
    return (
        TalkSpeaker.objects.filter(talk=talk)
        .select_related("speaker", "talk__series")
        .prefetch_related("invitations")
        .order_by("order", "pk")
    )


def describe_result(result: services.InviteResult, talk: Talk) -> list[tuple[str, int]]:
    """Return the admin messages that say what inviting the speakers of `talk` did."""
    said = []
    if result.invited:
        names = ", ".join(str(one.speaker) for one in result.invited)
        said.append((f"“{talk}”: invitation queued for {names}.", messages.SUCCESS))
    if result.already_invited:
        names = ", ".join(str(one) for one in result.already_invited)
        said.append((f"“{talk}”: already invited: {names}.", messages.INFO))
    if result.without_address:
        names = ", ".join(str(one) for one in result.without_address)
        said.append(
            (f"“{talk}”: no email address for {names}; add one on the speaker.", messages.WARNING)
        )
    if not (result.invited or result.already_invited or result.without_address):
        said.append((f"“{talk}”: nobody to invite (no speakers, or it is over).", messages.INFO))
    return said


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "speaker invitations"
    parameter_name = "invitations"

    def lookups(self, request, model_admin):
        return (
            ("not_invited", "A speaker not invited"),
            ("waiting", "Waiting for an answer"),
            ("declined", "A speaker declined"),
            ("confirmed", "Every speaker confirmed"),
            ("proposals", "Proposals to review"),
        )

    def queryset(self, request, queryset):
        live = Invitation.objects.filter(talk_speaker__talk=OuterRef("pk"), revoked_at=None)
        links = TalkSpeaker.objects.filter(talk=OuterRef("pk"))
        uninvited = links.exclude(
            Exists(Invitation.objects.filter(talk_speaker=OuterRef("pk"), revoked_at=None))
        )
        choice = self.value()
        if choice == "not_invited":
            return queryset.filter(Exists(uninvited))
        if choice == "waiting":
            return queryset.filter(Exists(live.filter(status=Invitation.Status.INVITED)))
        if choice == "declined":
            return queryset.filter(Exists(live.filter(status=Invitation.Status.DECLINED)))
        if choice == "confirmed":
            return (
                queryset.filter(Exists(links))
                .exclude(Exists(uninvited))
                .exclude(Exists(live.exclude(status=Invitation.Status.CONFIRMED)))
            )
        if choice == "proposals":
            return queryset.filter(Exists(Proposal.objects.pending().filter(talk=OuterRef("pk"))))
        return queryset


class InvitationAdminMixin:
    """TalkAdmin's invitation tools."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="seminars_talk_invite",
            ),
            path(
                "<path:object_id>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="seminars_talk_revoke",
            ),
            *super().get_urls(),
        ]

    def _talk_to_change(self, request, object_id) -> Talk:
        talk = self.get_object(request, object_id)
        if not self.has_change_permission(request, talk):
            raise PermissionDenied
        return talk

    def invite_view(self, request, object_id):
        talk = self._talk_to_change(request, object_id)
        if request.method == "POST":
            result = services.invite_speakers(talk, request.user)
            for text, level in describe_result(result, talk):
                self.message_user(request, text, level)
            if result.invited:
                self.log_change(request, talk, "Invited the speakers.")
            return HttpResponseRedirect(reverse("admin:seminars_talk_change", args=[talk.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": talk,
            "title": f"Invite the speakers of “{talk}”",
            "rows": statuses(invitation_links(talk)),
            "is_over": talk.end <= timezone.now(),
        }
        return TemplateResponse(request, "admin/seminars/talk/invite.html", context)

    def revoke_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        talk = self._talk_to_change(request, object_id)
        chosen = request.POST.get("_revoke", "")
        invitation = (
            Invitation.objects.filter(talk_speaker__talk=talk, pk=int(chosen)).first()
            if chosen.isdigit() and len(chosen) < 12
            else None
        )
        if invitation is None:
            raise Http404("No such invitation of this talk.")
        services.revoke_invitation(invitation)
        self.log_change(request, talk, f"Revoked the link of {invitation.speaker}.")
        self.message_user(
            request,
            f"The link of {invitation.speaker} no longer works; invite again for a new one.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:seminars_talk_change", args=[talk.pk]))

    @admin.action(description="Invite the speakers of the selected talks", permissions=["change"])
    def invite_speakers(self, request, queryset):
        for talk in queryset.select_related("series"):
            result = services.invite_speakers(talk, request.user)
            for text, level in describe_result(result, talk):
                self.message_user(request, text, level)
            if result.invited:
                self.log_change(request, talk, "Invited the speakers.")

    @admin.display(description="Speakers' invitations")
    def speaker_invitations(self, talk):
        if talk is None or talk.pk is None:
            return "Save the talk with its speakers, then invite them."
        rows = statuses(invitation_links(talk))
        if not rows:
            return "No speakers yet."
        revoke_url = reverse("admin:seminars_talk_revoke", args=[talk.pk])
        items = format_html_join(
            "",
            "<li>{}: <strong>{}</strong>{}{}</li>",
            (
                (
                    link.speaker.name,
                    status,
                    f" — note: {invitation.note}" if invitation and invitation.note else "",
                    format_html(
                        ' <button type="submit" formaction="{}" name="_revoke" value="{}" '
                        'class="button">Revoke link</button>',
                        revoke_url,
                        invitation.pk,
                    )
                    if invitation
                    else "",
                )
                for link, invitation, status in rows
            ),
        )
        return format_html(
            '<ul class="invitation-status">{}</ul><p><a href="{}">Invite speakers</a></p>',
            items,
            reverse("admin:seminars_talk_invite", args=[talk.pk]),
        )

    @admin.display(description="Invitations")
    def invitation_summary(self, talk):
        rows = statuses(talk.speaker_links())
        return ", ".join(f"{link.speaker.name}: {status}" for link, _, status in rows) or "—"

    def warn_about_recording_consent(self, request, talk: Talk) -> None:
        if not talk.materials.filter(kind=Material.Kind.RECORDING).exists():
            return
        withheld = services.recording_withheld(talk)
        if withheld:
            names = ", ".join(speaker.name for speaker in withheld)
            self.message_user(
                request,
                f"The recording of “{talk}” is not published: {names} did not consent to "
                "publishing it (on their speaker page).",
                messages.WARNING,
            )


def word_diff(old: str, new: str) -> str:
    """Return `old` → `new` as HTML, removed words in <del>, added ones in <ins>."""
    old_words, new_words = old.split(" "), new.split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", " ".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            parts.append(format_html("<del>{}</del>", " ".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(format_html("<ins>{}</ins>", " ".join(new_words[j1:j2])))
    return format_html_join(" ", "{}", ((part,) for part in parts))


FIELD_LABELS = {
    "title": "Title",
    "abstract": "Abstract",
    "bio": "Bio",
    "affiliation": "Affiliation at the talk",
    "photo": "Photo",
}


class LinkFilter(admin.SimpleListFilter):
    title = "link"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return (("works", "Works"), ("revoked", "Revoked"), ("over", "Talk over"))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "works":
            return queryset.live(now)
        if self.value() == "revoked":
            return queryset.exclude(revoked_at=None)
        if self.value() == "over":
            return queryset.filter(revoked_at=None, talk_speaker__talk__end__lte=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(OrganiserScopedAdminMixin, admin.ModelAdmin):
    """Every invitation of the organiser's series, to read (the talk form invites and revokes
    one by one; "Revoke" here does it for many). The link itself is never shown: it is the
    speaker's key."""

    list_display = (
        "speaker",
        "talk_link",
        "talk_start",
        "status",
        "invited_at",
        "responded_at",
        "consent_recording",
        "consent_publish_recording",
        "link",
        "note_start",
    )
    list_filter = (
        "status",
        LinkFilter,
        ("talk_speaker__talk__series", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("talk_speaker__speaker__name", "talk_speaker__talk__title")
    list_select_related = ("talk_speaker__speaker", "talk_speaker__talk__series")
    fields = (
        "speaker",
        "talk_link",
        "talk_start",
        "status",
        "invited_at",
        "invited_by",
        "responded_at",
        "revoked_at",
        "consent_recording",
        "consent_publish_recording",
        "note",
    )
    readonly_fields = fields
    actions = ("revoke_links",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # what was said stays; revoking kills the link

    def has_revoke_permission(self, request):
        return request.user.has_perm("seminars.change_talk")

    @admin.display(description="Speaker", ordering="talk_speaker__speaker__name")
    def speaker(self, invitation):
        return invitation.talk_speaker.speaker.name

    @admin.display(description="Talk", ordering="talk_speaker__talk__title")
    def talk_link(self, invitation):
        talk = invitation.talk_speaker.talk
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:seminars_talk_change", args=[talk.pk]), talk
        )

    @admin.display(description="Starts", ordering="talk_speaker__talk__start")
    def talk_start(self, invitation):
        talk = invitation.talk_speaker.talk
        return talk.start.astimezone(talk.series.zoneinfo).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="Link")
    def link(self, invitation):
        if invitation.revoked_at is not None:
            return "revoked"
        if invitation.talk_speaker.talk.end <= timezone.now():
            return "talk over"
        return "works"

    @admin.display(description="Note to the organisers")
    def note_start(self, invitation):
        return Truncator(invitation.note).chars(80) or "—"

    @admin.action(
        description="Revoke the links of the selected invitations", permissions=["revoke"]
    )
    def revoke_links(self, request, queryset):
        revoked = 0
        for invitation in queryset.filter(revoked_at=None).select_related(
            "talk_speaker__speaker", "talk_speaker__talk"
        ):
            services.revoke_invitation(invitation)
            self.log_change(request, invitation.talk, f"Revoked the link of {invitation.speaker}.")
            revoked += 1
        self.message_user(
            request,
            f"Revoked {revoked} link(s); invite again from the talk for a new one."
            if revoked
            else "Nothing to revoke: the selected links were already revoked.",
            messages.SUCCESS if revoked else messages.INFO,
        )


@admin.register(Proposal)
class ProposalAdmin(OrganiserScopedAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "speaker", "status", "created", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("talk", "invitation__talk_speaker__speaker", "decided_by")
    readonly_fields = ("talk", "speaker", "changes", "status", "created", "decided_by")
    fields = readonly_fields
    change_form_template = "admin/seminars/proposal/change_form.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="seminars_proposal_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Speaker")
    def speaker(self, proposal):
        return proposal.invitation.talk_speaker.speaker.name

    @admin.display(description="Changes (old → new)")
    def changes(self, proposal):
        # "Now" is the field as it is today (an organiser may have edited it since the
        # speaker proposed); a pending proposal marks its changes against that.
        pending = proposal.status == Proposal.Status.PENDING
        current = services.current_values(proposal.invitation.talk_speaker) if pending else {}
        rows = []
        for name, old in proposal.original.items():
            now = current.get(name, old)
            if name == "photo":
                new = (
                    format_html(
                        '<img src="{}" alt="The proposed photo" width="160">', proposal.photo.url
                    )
                    if proposal.photo
                    else "(decided; the proposed photo is no longer kept)"
                )
                rows.append((FIELD_LABELS[name], "a photo" if now else "—", new))
                continue
            note = " (edited since the speaker proposed)" if now != old else ""
            rows.append(
                (FIELD_LABELS[name] + note, now or "—", word_diff(now, getattr(proposal, name)))
            )
        return format_html(
            '<table class="proposal-diff"><thead><tr><th scope="col">Field</th>'
            '<th scope="col">Now</th><th scope="col">Proposed (changes marked)</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            format_html_join("", '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>', rows),
        )

    def decide_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        proposal = self.get_object(request, object_id)
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        if proposal.status != Proposal.Status.PENDING:
            self.message_user(request, "This proposal was already decided.", messages.WARNING)
        elif request.POST.get("decision") == "accept":
            services.accept_proposal(proposal, request.user)
            self.message_user(request, f"Accepted: “{proposal.talk}” is updated.", messages.SUCCESS)
        elif request.POST.get("decision") == "reject":
            services.reject_proposal(proposal, request.user)
            self.message_user(request, "Rejected: nothing was changed.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:seminars_proposal_change", args=[proposal.pk]))
