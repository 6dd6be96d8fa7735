"""/speak/<token>/: an invited speaker's own page, reached only through their personal link.

The link opens this one page, for one speaker of one talk; an unknown, revoked or expired
token answers 404 with a page that says so and nothing about any talk. A GET never changes
anything (mail scanners follow links): answers and edits are POSTs, with CSRF protection.
"""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from seminars.invitations import services
from seminars.invitations.forms import SpeakerDetailsForm
from seminars.invitations.models import Invitation
from speakers.markdown import render_markdown

SAVED_MESSAGES = {
    "applied": "Saved: the talk's page shows your changes.",
    "proposed": "Saved: the talk is already public, so the organisers will review your "
    "changes before they appear.",
    "unchanged": "Saved your answers to the organisers; the talk's details are unchanged.",
}


def link_invalid(request):
    """The answer to a link that is wrong, expired or revoked: it names no talk."""
    return TemplateResponse(request, "seminars/speak_link_invalid.html", {}, status=404)


@method_decorator(never_cache, name="dispatch")
class SpeakView(FormView):
    form_class = SpeakerDetailsForm
    template_name = "seminars/speak.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = Invitation.objects.for_token(kwargs["token"], timezone.now())
        if self.invitation is None:
            return link_invalid(request)
        response = super().dispatch(request, *args, **kwargs)
        # The token is in the address: never send it on to another site ("no-referrer" would
        # also make browsers send "Origin: null" with the page's own forms, which CSRF refuses).
        response["Referrer-Policy"] = "same-origin"
        return response

    def get_initial(self):
        return SpeakerDetailsForm.initial_for(self.invitation)

    def post(self, request, *args, **kwargs):
        answer = request.POST.get("answer")
        if answer in ("confirm", "decline"):
            services.answer_invitation(self.invitation, confirmed=answer == "confirm")
            # The details form stays as stored: this POST did not carry it.
            form = self.form_class(initial=self.get_initial())
            return self.render_to_response(self.get_context_data(form=form, answered=answer))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if "preview" in self.request.POST:
            preview = render_markdown(form.cleaned_data["abstract"])
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        edit = form.edit()
        outcome, changed = services.save_speaker_edit(self.invitation, edit)
        if outcome == "gone":
            return link_invalid(self.request)
        if outcome == "conflict":
            return self.render_to_response(
                self.get_context_data(form=self.merged_form(form, edit, changed), conflict=True)
            )
        self.invitation.refresh_from_db()
        fresh = self.get_form_class()(initial=SpeakerDetailsForm.initial_for(self.invitation))
        return self.render_to_response(
            self.get_context_data(
                form=fresh,
                saved=SAVED_MESSAGES[outcome],
                changed=changed,
            )
        )

    def merged_form(self, form, edit, conflicts: list[str]) -> SpeakerDetailsForm:
        """Return the form again after a conflict: the speaker's own changes kept, what
        someone else changed meanwhile in the other fields shown as it now is, and each
        conflicting field marked with the value it has now."""
        initial = SpeakerDetailsForm.initial_for(self.invitation)
        edited, _ = services.edited_since_shown(self.invitation.talk_speaker, edit)
        data = form.data.copy()
        for name in services.TEXT_FIELDS:
            if name not in edited:
                data[name] = initial[name]
        data["based_on"] = initial["based_on"]
        merged = SpeakerDetailsForm(data=data)
        merged.is_valid()
        for name in conflicts:
            now = initial[name] or "(empty)"
            merged.add_error(
                name,
                "The organisers changed this while your page was open. It now reads: "
                f"“{now}”. Save again to replace it with your text below, or edit it.",
            )
        if form.cleaned_data.get("photo"):
            merged.add_error("photo", "Your photo was not saved: choose it again.")
        return merged

    def get_context_data(self, **kwargs):
        link = self.invitation.talk_speaker
        others = (
            link.talk.talk_speakers.exclude(pk=link.pk)
            .select_related("speaker")
            .order_by("order", "pk")
        )
        return super().get_context_data(
            invitation=self.invitation,
            talk=link.talk,
            speaker=link.speaker,
            other_speakers=[other.speaker.name for other in others],
            pending=self.invitation.proposals.pending().count(),
            **kwargs,
        )
