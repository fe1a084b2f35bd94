"""The invented demo community: a deterministic generator, a bulk loader and its service."""
