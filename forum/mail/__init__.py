"""Outgoing e-mail: recorded in the transaction of its cause, delivered afterwards with retries."""
