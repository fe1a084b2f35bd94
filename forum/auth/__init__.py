"""Accounts: registration, sign-in, API tokens and the member profile."""
