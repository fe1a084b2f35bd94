"""A real SMTP server for tests and for make load-fault (bench/load_fault_mail.py): aiosmtpd
on a free loopback port, collecting what arrives."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """aiosmtpd handler: every message received, parsed, in arrival order."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server, to kill a worker mid-batch
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, delay: float = 0.0):
        self.port = free_port()
        self.collector = Collector(delay)
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.collector.lock:
            return list(self.collector.messages)

    @property
    def settings(self) -> dict:
        """The app settings that send to this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port}

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once at least `count` arrived (fails the test after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.02)
        raise AssertionError(f"{len(self.messages)} messages arrived, expected {count}")

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def parts(message: EmailMessage) -> tuple[str, str | None]:
    """The plain-text and HTML bodies of a message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    return text.get_content(), html.get_content() if html is not None else None
