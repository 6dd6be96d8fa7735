"""Organisers' tools: CSV import and export, term planning and the agenda, the dashboard."""
