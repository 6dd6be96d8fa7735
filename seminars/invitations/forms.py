"""The speaker's page: one form for the talk's and the speaker's details, consent and a note."""

from django import forms
from django.core import signing

from seminars.invitations.models import (
    ABSTRACT_MAX_LENGTH,
    BIO_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Invitation,
)
from seminars.invitations.services import (
    SpeakerEdit,
    current_values,
    fingerprints,
    normalised,
    unix_line_breaks,
)
from speakers.fields import PhotoFormField, validate_one_line

# What the page showed, signed so that a changed value reads as "unknown", not as a base.
BASED_ON_SALT = "seminars.invitations.based_on"


class MultilineField(forms.CharField):
    """Text whose line breaks count as one character each, as the browser counted them."""

    def to_python(self, value):
        return unix_line_breaks(super().to_python(value))


class SpeakerDetailsForm(forms.Form):
    label_suffix = ""

    title = forms.CharField(
        label="Title of the talk", max_length=300, validators=[validate_one_line]
    )
    abstract = MultilineField(
        label="Abstract",
        required=False,
        max_length=ABSTRACT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: *emphasis*, **bold**, [a link](https://example.org), blank lines "
        f"between paragraphs. At most {ABSTRACT_MAX_LENGTH} characters.",
    )
    affiliation = forms.CharField(
        label="Your affiliation at the time of the talk",
        max_length=200,
        required=False,
        validators=[validate_one_line],
    )
    bio = MultilineField(
        label="Your short bio",
        required=False,
        max_length=BIO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Markdown, at most {BIO_MAX_LENGTH} characters.",
    )
    photo = PhotoFormField(
        label="A new photo of you",
        required=False,
        help_text="A JPEG, PNG or WebP image; it is stored resized and without its metadata.",
    )
    consent_photo = forms.BooleanField(
        label="My photo may be published on this site, its feeds and its API", required=False
    )
    consent_recording = forms.BooleanField(label="The talk may be recorded", required=False)
    consent_publish_recording = forms.BooleanField(
        label="The recording may be published", required=False
    )
    note = MultilineField(
        label="A note to the organisers (not published)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The text fields as the page showed them (services.fingerprints), so that a save keeps
    # what an organiser changed in the meantime in the fields the speaker left alone.
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, invitation: Invitation) -> dict:
        values = current_values(invitation.talk_speaker)
        values.pop("photo")
        return {
            **values,
            "based_on": signing.dumps(fingerprints(values), salt=BASED_ON_SALT),
            "consent_photo": invitation.speaker.photo_consent is True,
            "consent_recording": invitation.consent_recording is True,
            "consent_publish_recording": invitation.consent_publish_recording is True,
            "note": invitation.note,
        }

    def edit(self) -> SpeakerEdit:
        data = self.cleaned_data
        return SpeakerEdit(
            title=normalised("title", data["title"]),
            abstract=normalised("abstract", data["abstract"]),
            bio=normalised("bio", data["bio"]),
            affiliation=normalised("affiliation", data["affiliation"]),
            photo=data["photo"] or None,
            consent_photo=data["consent_photo"],
            consent_recording=data["consent_recording"],
            consent_publish_recording=data["consent_publish_recording"],
            note=normalised("note", data["note"]),
            based_on=self.shown_fingerprints(),
        )

    def shown_fingerprints(self) -> dict[str, str] | None:
        try:
            shown = signing.loads(self.cleaned_data["based_on"], salt=BASED_ON_SALT)
        except signing.BadSignature:
            return None
        return shown if isinstance(shown, dict) else None
