"""Experiences: structured accounts of exercise, their revisions, replies and "me too" marks."""
