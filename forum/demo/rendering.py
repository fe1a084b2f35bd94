"""Generates a slice of demo experiences with their HTML; pure, so it runs in worker processes."""

from dataclasses import dataclass
from functools import lru_cache

from forum.demo.generator import DemoExperience, generate
from forum.sanitize import render_markdown


@dataclass(frozen=True)
class RenderedExperience:
    experience: DemoExperience
    body_html: str
    reply_html: tuple[str, ...]


# Reply texts repeat a lot (few fragments), so rendering each distinct one once pays off.
_render_reply = lru_cache(maxsize=8192)(render_markdown)


def render_slice(count: int, seed: int, start: int, stop: int) -> list[RenderedExperience]:
    """Experiences `start`..`stop` of a community of `count`, with sanitized HTML."""
    return [
        RenderedExperience(
            experience,
            render_markdown(experience.body),
            tuple(_render_reply(reply.body) for reply in experience.replies),
        )
        for experience in generate(count, seed, start, stop)
    ]
