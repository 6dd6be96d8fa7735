"""How the forms (the admin's above all) write and read dates and times, for every English.

ISO dates (2026-12-08, never 08/12/2026, which Americans and Britons read differently) and
24-hour times. The first format of each list is the one a form shows and the admin's
calendar writes; the others are also accepted.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
