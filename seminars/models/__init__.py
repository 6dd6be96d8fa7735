"""The seminars' models: this package only re-exports them, so that `seminars.models.X` stays
the one name code, migrations and the admin use."""

# Speaker invitations (and the edits speakers propose) and the audience's email subscriptions
# live beside the code that uses them; imported here so that Django registers them with the app
# and `seminars.models.Invitation` and the rest stay their names.
from seminars.invitations.models import Invitation, Proposal  # noqa: F401
from seminars.mail.models import Delivery, SeriesAudience, Subscriber, ToldState  # noqa: F401
from seminars.models.announcements import Announcement, AnnouncementQuerySet  # noqa: F401
from seminars.models.content_version import ContentVersion, ContentVersionQuerySet  # noqa: F401
from seminars.models.talks import (  # noqa: F401
    EARLIEST_TALK_MOMENT,
    LATEST_TALK_MOMENT,
    MAX_ANNOUNCE_DAYS_BEFORE,
    SPEAKERS_IN_ORDER,
    TALK_YEARS,
    TALK_YEARS_MESSAGE,
    UPLOADABLE_KINDS,
    AnnouncementKind,
    Audience,
    EventType,
    EventTypeQuerySet,
    Material,
    MaterialKind,
    MaterialQuerySet,
    OnlineLinkVisibility,
    Series,
    SeriesQuerySet,
    Talk,
    TalkQuerySet,
    TalkSpeaker,
    Venue,
    VenueQuerySet,
    default_announce_time,
    default_timezone,
    in_zone,
    material_file_name,
    online_url_for_public,
    online_url_public_from,
    place_key,
    room_key,
    validate_talk_moment,
    validate_timezone,
)
