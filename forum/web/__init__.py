"""Web plumbing shared by every feature: home page, form input, error pages, template context."""
