"""Organisers' tools: admin scoping per series, CSV import and export, term planning."""
