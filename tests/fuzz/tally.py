"""What the fuzz run sent and got, per operation, for the summary at the end of the run."""

from collections import Counter, defaultdict

STATUSES: dict[str, Counter] = defaultdict(Counter)


def record(operation: str, status: int) -> None:
    STATUSES[operation][status] += 1


def summary_lines() -> list[str]:
    """One line per operation: calls made, then the count of each status."""
    lines = []
    for operation, counts in sorted(STATUSES.items(), key=lambda item: item[0].split()[::-1]):
        statuses = " ".join(f"{status}×{count}" for status, count in sorted(counts.items()))
        lines.append(f"{sum(counts.values()):5d}  {operation:58s} {statuses}")
    return lines
