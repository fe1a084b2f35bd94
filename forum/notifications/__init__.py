"""Notifications: what a member hears back (in the app and by e-mail), watching, preferences."""
