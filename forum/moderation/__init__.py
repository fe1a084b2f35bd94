"""Moderation: the review queue, decisions, flags, suspensions, roles and the audit log."""
