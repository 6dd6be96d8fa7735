"""Calendar feeds: which talks (selection), the iCalendar builder (ical), views, and RSS."""
