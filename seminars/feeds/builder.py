"""The feed builder of /subscribe/: a GET form whose fields are a feed's filters."""

from django import forms
from django.urls import reverse

from seminars.feeds.selection import SubscribeLinks, subscribe_links
from seminars.filters import (
    FilterQuery,
    TalkFilters,
    public_event_types,
    public_series,
    public_speakers,
)


class FeedBuilderForm(forms.Form):
    """Choose series, event types and speakers; each field is named as the feed's query
    parameter (`?series=&tag=&speaker=`), so the form's query string is the feed's.

    A new filter of FilterQuery (a venue) is one more field here and one more entry in
    QUERY_FIELDS.
    """

    # Form field (and query parameter) → FilterQuery attribute.
    QUERY_FIELDS = {"series": "series", "tag": "tags", "speaker": "speakers"}

    series = forms.ModelMultipleChoiceField(
        queryset=public_series().order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Series",
    )
    tag = forms.ModelMultipleChoiceField(
        queryset=public_event_types().order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Types of event",
    )
    speaker = forms.ModelMultipleChoiceField(
        queryset=public_speakers().order_by("name", "pk"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Speakers",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated per request: the public choices change with the content.
        self.fields["series"].queryset = public_series().order_by("name")
        self.fields["tag"].queryset = public_event_types().order_by("name")
        self.fields["speaker"].queryset = public_speakers().order_by("name", "pk")

    def feed_query(self) -> FilterQuery:
        """Return the chosen filters (call after is_valid())."""
        return FilterQuery(
            **{
                attribute: tuple(sorted(obj.slug for obj in self.cleaned_data[name]))
                for name, attribute in self.QUERY_FIELDS.items()
            }
        )

    def links(self) -> SubscribeLinks | None:
        """Return the subscribe links of the chosen combination, or None if nothing is
        chosen (call after is_valid())."""
        query = self.feed_query()
        if not query.pairs():
            return None
        name = TalkFilters.resolve(query).name()
        return subscribe_links(f"{reverse('seminars:calendar')}?{query.key()}", name)
