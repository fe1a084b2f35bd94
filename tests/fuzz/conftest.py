"""The fuzz run takes minutes: collected only when asked for with `-m fuzz` (`make fuzz`)."""

from tests.fuzz.tally import STATUSES, summary_lines


def pytest_ignore_collect(collection_path, config):
    if "fuzz" not in (config.getoption("markexpr") or ""):
        return True
    return None


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if STATUSES:
        terminalreporter.section("requests per operation, by status")
        for line in summary_lines():
            terminalreporter.write_line(line)
