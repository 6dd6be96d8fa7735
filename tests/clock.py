"""The instants at which the tests freeze the clock."""

import datetime
import zoneinfo

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")

# The suite's present: a Wednesday morning in New York. The demo then has talks on the five
# Tuesdays before (3 Nov to 1 Dec 2026) and on the five after (8 Dec 2026 to 5 Jan 2027).
NOW = datetime.datetime(2026, 12, 2, 15, 0, tzinfo=datetime.UTC)

# The present of the calendar tests (tests/seminars/feeds/), whose talks straddle the end of
# daylight-saving time: a Tuesday before the autumn changes of 2026 (Europe: 25 Oct, US: 1 Nov).
BEFORE_DST_ENDS = datetime.datetime(2026, 10, 20, 9, 0, tzinfo=datetime.UTC)
