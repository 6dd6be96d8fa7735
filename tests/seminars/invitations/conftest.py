import pytest
from django.contrib.auth import get_user_model

from seminars.invitations.services import invite_speakers
from seminars.models import Series, Talk, TalkSpeaker
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory


@pytest.fixture
def organiser(db):
    user = get_user_model().objects.create(
        username="olga", email="olga@example.org", is_staff=True, is_superuser=True
    )
    return user


@pytest.fixture
def series(db, organiser) -> Series:
    series = SeriesFactory()
    series.organisers.add(organiser)
    return series


def talk_with_speakers(series, status, *names) -> Talk:
    talk = TalkFactory(series=series, status=status, abstract="")
    for order, name in enumerate(names):
        speaker = SpeakerFactory(name=name, email=f"{name.split()[0].lower()}@example.org")
        TalkSpeaker.objects.create(talk=talk, speaker=speaker, order=order)
    return talk


@pytest.fixture
def draft(series, now) -> Talk:
    return talk_with_speakers(series, Talk.Status.DRAFT, "Ada Lovelace", "Grace Hopper")


@pytest.fixture
def published(series, now) -> Talk:
    return talk_with_speakers(series, Talk.Status.PUBLISHED, "Edsger Dijkstra")


@pytest.fixture
def invite(organiser, now):
    """Invite the speakers of a talk; return their invitations in speaker order."""

    def make(talk):
        return invite_speakers(talk, organiser, now).invited

    return make
