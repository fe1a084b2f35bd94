"""The home page: what the forum is, and the newest published experiences."""
