"""Checks run inside pages: axe-core, keyboard-only operation, phone layout and target sizes."""

from pathlib import Path

from playwright.sync_api import Page

BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.2 AA (2.5.8) asks for 24 CSS px; the project aims for 44 where it can.
MINIMUM_TARGET = 24


def axe_violations(page: Page, axe_script: Path) -> list[str]:
    """Serious and critical axe-core violations on the page, one line per offending element."""
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"][:5]:
            lines.append(
                f"{violation['impact']} {violation['id']}: {violation['help']} at "
                f"{' '.join(node['target'])}: {node.get('failureSummary', '')[:300]}"
            )
    return lines


# --- the keyboard alone: Tab, Shift+Tab, Space, Enter, and arrows inside radio groups/selects

FOCUS_STATE = """(selector) => {
  const element = document.activeElement;
  if (!element || !element.matches(selector)) return null;
  const style = getComputedStyle(element);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {visible: outlined || style.boxShadow !== 'none'};
}"""


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the focus is on `selector`; the focus must be visible when it gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE, selector)
        if state:
            assert state["visible"], f"the keyboard focus on {selector} cannot be seen"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def skip_to_content(page: Page) -> None:
    """The first Tab reaches the skip link; Enter moves the focus to the main content."""
    tab_to(page, "a.skip-link")
    page.keyboard.press("Enter")
    # The browser moves the focus once it has followed the link, not always before Enter
    # returns (seen on a loaded machine): wait for it, a few seconds at most.
    page.wait_for_function("() => document.activeElement.id === 'main'", timeout=5000)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def choose_radio(page: Page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow through it (the standard keys) to `value`."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    for _ in range(12):
        if page.evaluate("() => document.activeElement.value") == value:
            if not page.evaluate("() => document.activeElement.checked"):
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {name}={value}")


def choose_option(page: Page, selector: str, value: str) -> None:
    """Tab to a <select>, then arrow down to the option with `value`."""
    tab_to(page, selector)
    for _ in range(20):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {value} in {selector}")


def tick(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked"), f"{selector} did not tick"


def press_button(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


# --- phones

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 8)
    .map((element) => `${element.tagName.toLowerCase()}.${element.className}`
      + ` right=${Math.round(element.getBoundingClientRect().right)}`);
}"""

# Links, buttons and fields too small to hit, by WCAG 2.5.8: a target under the minimum passes
# when a circle of that diameter centred on it touches no other target (nor another small
# target's circle), and a link inside a sentence is exempt. A radio button or checkbox counts
# with the label wrapped around it.
SMALL_TARGETS = """(minimum) => {
  const selector = 'header a, header button, main a, main button, main input:not([type=hidden]),'
    + ' main select, main textarea, main summary';
  const boxes = [];
  for (const element of document.querySelectorAll(selector)) {
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || element.matches('.skip-link')) continue;
    const box = (element.closest('label') || element).getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    let inline = false;
    if (element.tagName === 'A' && style.display === 'inline') {
      const block = element.parentElement.closest('p, li, dd, td, label');
      inline = !!block && block.textContent.trim().length > element.textContent.trim().length;
    }
    const small = box.width < minimum || box.height < minimum;
    boxes.push({element, box, inline, small});
  }
  const centre = (b) => [b.left + b.width / 2, b.top + b.height / 2];
  const distanceToBox = ([x, y], b) => Math.hypot(
    Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
  const found = [];
  for (const target of boxes) {
    if (!target.small || target.inline) continue;
    const c = centre(target.box);
    const crowded = boxes.some((other) => other !== target
      && other.box !== target.box
      && (distanceToBox(c, other.box) < minimum / 2
          || (other.small && Math.hypot(c[0] - centre(other.box)[0],
                                        c[1] - centre(other.box)[1]) < minimum)));
    if (crowded) {
      const e = target.element;
      const name = (e.textContent || e.name || e.id || '').trim().replace(/\\s+/g, ' ');
      found.push(`${e.tagName.toLowerCase()} "${name.slice(0, 40)}" ${Math.round(target.box.width)}`
        + `x${Math.round(target.box.height)}`);
    }
  }
  return found;
}"""


def horizontal_overflow(page: Page) -> list[str]:
    """Why the page scrolls sideways, if it does (the elements that stick out)."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport_width = page.viewport_size["width"]
    if scroll_width <= viewport_width:
        return []
    return [f"scrollWidth {scroll_width} > {viewport_width}", *page.evaluate(OVERFLOWING)]


def small_targets(page: Page, minimum: int = MINIMUM_TARGET) -> list[str]:
    return page.evaluate(SMALL_TARGETS, minimum)
