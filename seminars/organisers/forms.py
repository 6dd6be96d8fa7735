import datetime

from django import forms

from seminars.models import TALK_YEARS

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
LONGEST_TERM = datetime.timedelta(days=2 * 366)
# The days talks may fall on (seminars.models.TALK_YEARS); others would only overflow date
# arithmetic.
EARLIEST_DAY = datetime.date(TALK_YEARS.start, 1, 1)
LATEST_DAY = datetime.date(TALK_YEARS.stop - 1, 12, 31)


def validate_plausible_day(day: datetime.date) -> None:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise forms.ValidationError(
            "Choose a date between %(earliest)s and %(latest)s.",
            params={"earliest": EARLIEST_DAY.isoformat(), "latest": LATEST_DAY.isoformat()},
            code="implausible_date",
        )


class PlanTermForm(forms.Form):
    """What the term planner asks: which weekday and time, from when to when, how often."""

    first_day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_day],
    )
    last_day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_plausible_day],
    )
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the series' timezone.",
    )
    every_weeks = forms.IntegerField(
        min_value=1, max_value=8, initial=1, label="Every how many weeks"
    )
    skip_dates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Dates to skip",
        help_text="Holidays: dates as YYYY-MM-DD, separated by spaces, commas or new lines.",
    )

    def clean_skip_dates(self) -> set[datetime.date]:
        dates = set()
        for word in self.cleaned_data["skip_dates"].replace(",", " ").split():
            try:
                day = datetime.date.fromisoformat(word)
            except ValueError as error:
                raise forms.ValidationError(
                    "“%(word)s” is not a date like 2027-01-19.",
                    params={"word": word[:40]},
                    code="bad_date",
                ) from error
            dates.add(day)
        return dates

    def clean(self):
        cleaned_data = super().clean()
        first_day, last_day = cleaned_data.get("first_day"), cleaned_data.get("last_day")
        if first_day and last_day:
            if last_day < first_day:
                self.add_error("last_day", "The last day must not be before the first day.")
            elif last_day - first_day > LONGEST_TERM:
                self.add_error("last_day", "Plan at most two years at a time.")
        return cleaned_data


class AgendaForm(forms.Form):
    """The weeks the agenda shows."""

    first_day = forms.DateField(required=False, validators=[validate_plausible_day])
    weeks = forms.IntegerField(required=False, min_value=1, max_value=104)
