"""The forms of the email sign-up and of the page that manages a subscription."""

from django import forms

from seminars.mail.models import Subscriber
from seminars.models import EventType, Series


class ChoicesForm(forms.Form):
    """What to follow (everything, or series and event types) and how often."""

    everything = forms.BooleanField(label="Every talk", required=False)
    series = forms.ModelMultipleChoiceField(
        queryset=Series.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    event_types = forms.ModelMultipleChoiceField(
        label="Types of event",
        queryset=EventType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Subscriber.Frequency,
        initial=Subscriber.Frequency.TALK,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = Series.objects.with_public_talks()
        self.fields["event_types"].queryset = EventType.objects.with_public_talks()

    def clean(self):
        data = super().clean()
        if not (data.get("everything") or data.get("series") or data.get("event_types")):
            raise forms.ValidationError(
                "Choose what to follow: every talk, or at least one series or type of event."
            )
        return data


class SignupForm(ChoicesForm):
    # EmailField refuses line breaks, so no header can be slipped in through the address.
    email = forms.EmailField(label="Your email address", max_length=254)

    field_order = ("email", "everything", "series", "event_types", "frequency")
