"""Server-drawn SVG: a diverging stacked bar per exercise, and an interval strip.

No inline styles (the CSP forbids them): shapes carry classes that static/style.css colours.
Markup is built from constant templates whose values `Markup.format` escapes, so templates
may insert the result as it is.
"""

from markupsafe import Markup

WIDTH, HEIGHT = 600, 40
CENTRE = WIDTH / 2
BAR_TOP, BAR_HEIGHT = 6, 28
STRIP_HEIGHT = 20
# Outwards from the centre: the bad outcomes grow left, the good ones right.
LEFT = ("worse", "much_worse")
RIGHT = ("helped", "helped_a_lot")

_SVG = Markup(
    '<svg class="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" focusable="false">{}</svg>'
)
_RECT = Markup('<rect class="{}" x="{:.2f}" y="{}" width="{:.2f}" height="{}"></rect>')
_LINE = Markup('<line class="{}" x1="{:.2f}" y1="{}" x2="{:.2f}" y2="{}"></line>')
_CIRCLE = Markup('<circle class="{}" cx="{:.2f}" cy="{}" r="{}"></circle>')
_SWATCH = Markup(
    '<svg class="swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
    '<rect class="{}" x="0" y="0" width="16" height="16"></rect></svg>'
)


def outcome_class(outcome: str) -> str:
    """The CSS class that colours an outcome: bar-helped-a-lot, bar-no-change, ..."""
    return "bar-" + outcome.replace("_", "-")


def _vertical(css_class: str, x: float, height: int) -> Markup:
    return _LINE.format(css_class, x, 0, x, height)


def diverging_bar(outcomes: dict[str, int], label: str) -> Markup:
    """Much worse … helped a lot as one bar, "no change" straddling the centre line.

    Each half of the width stands for all of the reports, so a bar can never overflow and
    the bars of different exercises share one scale (shares, not counts).
    """
    reports = sum(outcomes.values())
    scale = CENTRE / reports if reports else 0
    half_unchanged = outcomes.get("no_change", 0) * scale / 2
    segments = [("no_change", CENTRE - half_unchanged, 2 * half_unchanged)]
    edge = CENTRE - half_unchanged
    for outcome in LEFT:
        width = outcomes.get(outcome, 0) * scale
        edge -= width
        segments.append((outcome, edge, width))
    edge = CENTRE + half_unchanged
    for outcome in RIGHT:
        width = outcomes.get(outcome, 0) * scale
        segments.append((outcome, edge, width))
        edge += width
    # Guides at half and all of the reports on each side; the centre line goes on top.
    shapes = [_vertical("bar-guide", x, HEIGHT) for x in (0, CENTRE / 2, CENTRE * 1.5, WIDTH)]
    shapes += [
        _RECT.format(outcome_class(outcome), x, BAR_TOP, width, BAR_HEIGHT)
        for outcome, x, width in segments
        if width > 0
    ]
    shapes.append(_vertical("bar-centre", CENTRE, HEIGHT))
    return _SVG.format("insight-bar", WIDTH, HEIGHT, label, Markup("").join(shapes))


def interval_strip(share: float, interval: list[float], baseline: float, label: str) -> Markup:
    """0 to 100 % helped: the group's share as a dot on its 95 % interval, everyone's as a tick."""
    low, high = (WIDTH * bound for bound in interval)
    middle = STRIP_HEIGHT // 2
    shapes = [
        _LINE.format("strip-axis", 0, middle, WIDTH, middle),
        _RECT.format("strip-interval", low, middle - 5, max(high - low, 1), 10),
        _vertical("strip-baseline", WIDTH * baseline, STRIP_HEIGHT),
        _CIRCLE.format("strip-share", WIDTH * share, middle, 6),
    ]
    return _SVG.format("insight-strip", WIDTH, STRIP_HEIGHT, label, Markup("").join(shapes))


def swatch(outcome: str) -> Markup:
    """A small square in an outcome's colour, for the legend (decorative: the text says it)."""
    return _SWATCH.format(outcome_class(outcome))
