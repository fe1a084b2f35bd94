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


# Demo texts repeat at the paragraph level (replies often whole), so each distinct one is
# rendered once. Blank-line-separated Markdown blocks render independently, so a body's HTML
# is its paragraphs' HTML joined (tests check this against render_markdown of whole bodies).
_render_block = lru_cache(maxsize=65536)(render_markdown)


def body_html(body: str) -> str:
    """render_markdown(body) for a generated body, reusing paragraphs already rendered."""
    return "".join(_render_block(paragraph) for paragraph in body.split("\n\n"))


def render_slice(count: int, seed: int, start: int, stop: int) -> list[RenderedExperience]:
    """Experiences `start`..`stop` of a community of `count`, with sanitized HTML."""
    return [
        RenderedExperience(
            experience,
            body_html(experience.body),
            tuple(_render_block(reply.body) for reply in experience.replies),
        )
        for experience in generate(count, seed, start, stop)
    ]
