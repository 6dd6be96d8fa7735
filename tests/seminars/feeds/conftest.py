import pytest
import time_machine

from tests.clock import BEFORE_DST_ENDS


@pytest.fixture
def clock():
    """Freeze the clock at BEFORE_DST_ENDS: the calendar tests' talks (WeeklyTalkFactory)
    straddle the end of daylight-saving time. Move it with clock.shift() or .move_to()."""
    with time_machine.travel(BEFORE_DST_ENDS, tick=False) as traveller:
        yield traveller
