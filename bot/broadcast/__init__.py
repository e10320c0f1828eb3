"""Organiser broadcasts: audiences, announcements, the durable outbox and per-platform pacing."""
