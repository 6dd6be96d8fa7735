"""The read-only JSON API and the embeds: query parsing (listing), serialisers, views."""
