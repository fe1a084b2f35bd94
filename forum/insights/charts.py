"""Server-drawn SVG: a diverging stacked bar per exercise, and an interval strip.

No inline styles (the CSP forbids them): shapes carry classes that static/style.css colours.
Shapes are built from numbers and this module's own class names only; the one text that
comes from outside, the accessible label, is escaped. (Plain string formatting here:
`Markup.format` escaping every number made the charts most of an insights page's time.)
"""

from markupsafe import Markup, escape

WIDTH, HEIGHT = 600, 40
CENTRE = WIDTH / 2
BAR_TOP, BAR_HEIGHT = 6, 28
STRIP_HEIGHT = 20
# Outwards from the centre: the bad outcomes grow left, the good ones right.
LEFT = ("worse", "much_worse")
RIGHT = ("helped", "helped_a_lot")

_SWATCH = Markup(
    '<svg class="swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
    '<rect class="{}" x="0" y="0" width="16" height="16"></rect></svg>'
)


def _svg(css_class: str, height: int, label: str, shapes: list[str]) -> Markup:
    # Safe: the shapes hold numbers and class names from this module; the label is escaped.
    return Markup(  # noqa: S704
        f'<svg class="{css_class}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" focusable="false">{"".join(shapes)}</svg>'
    )


def _rect(css_class: str, x: float, y: int, width: float, height: int) -> str:
    return (
        f'<rect class="{css_class}" x="{x:.2f}" y="{y}" width="{width:.2f}" '
        f'height="{height}"></rect>'
    )


def _line(css_class: str, x1: float, y1: int, x2: float, y2: int) -> str:
    return f'<line class="{css_class}" x1="{x1:.2f}" y1="{y1}" x2="{x2:.2f}" y2="{y2}"></line>'


def outcome_class(outcome: str) -> str:
    """The CSS class that colours an outcome: bar-helped-a-lot, bar-no-change, ..."""
    return "bar-" + outcome.replace("_", "-")


def _vertical(css_class: str, x: float, height: int) -> str:
    return _line(css_class, x, 0, x, height)


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
        _rect(outcome_class(outcome), x, BAR_TOP, width, BAR_HEIGHT)
        for outcome, x, width in segments
        if width > 0
    ]
    shapes.append(_vertical("bar-centre", CENTRE, HEIGHT))
    return _svg("insight-bar", HEIGHT, label, shapes)


def interval_strip(
    share: float, interval: list[float], baseline: float | None, label: str
) -> Markup:
    """0 to 100 % helped: the group's share as a dot on its 95 % interval, and the share of
    everyone outside the group as a tick (none when too few are outside to show)."""
    low, high = (WIDTH * bound for bound in interval)
    middle = STRIP_HEIGHT // 2
    shapes = [
        _line("strip-axis", 0, middle, WIDTH, middle),
        _rect("strip-interval", low, middle - 5, max(high - low, 1), 10),
    ]
    if baseline is not None:
        shapes.append(_vertical("strip-baseline", WIDTH * baseline, STRIP_HEIGHT))
    shapes.append(
        f'<circle class="strip-share" cx="{WIDTH * share:.2f}" cy="{middle}" r="6"></circle>'
    )
    return _svg("insight-strip", STRIP_HEIGHT, label, shapes)


def swatch(outcome: str) -> Markup:
    """A small square in an outcome's colour, for the legend (decorative: the text says it)."""
    return _SWATCH.format(outcome_class(outcome))
