"""Notifications: what members hear back (in the app, by e-mail), watching, mail choices."""
