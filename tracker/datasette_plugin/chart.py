"""A bar chart of counts over time as inline SVG, drawn on the server (no script)."""

from __future__ import annotations

import markupsafe

WIDTH, HEIGHT, AXIS, TOP = 640, 120, 18, 18
MAX_STEP = 40  # a few periods make narrow bars on the left, not a few wide slabs
MAX_MONTHS = 72  # longer spans are drawn by year


def month_range(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last, both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def buckets(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(period, count) for every month between the first and last, or every year if that is long."""
    months = sorted(m for m in counts if is_month(m))
    if not months:
        return []
    periods = month_range(months[0], months[-1])
    if len(periods) <= MAX_MONTHS:
        return [(m, counts.get(m, 0)) for m in periods]
    years: dict[str, int] = {}
    for m in months:
        years[m[:4]] = years.get(m[:4], 0) + counts[m]
    first, last = int(months[0][:4]), int(months[-1][:4])
    return [(str(y), years.get(str(y), 0)) for y in range(first, last + 1)]


def is_month(value) -> bool:
    return (isinstance(value, str) and len(value) == 7 and value[4] == "-"
            and value[:4].isdigit() and value[5:].isdigit() and "01" <= value[5:] <= "12")


def bars_svg(periods: list[tuple[str, int]], label: str = "statements") -> markupsafe.Markup:
    """An SVG of one bar per period, its count in a tooltip, the first and last period labelled."""
    if not periods:
        return markupsafe.Markup("")
    top = max(count for _, count in periods) or 1
    step = min(WIDTH / len(periods), MAX_STEP)
    right = step * len(periods)
    gap = min(2.0, step * 0.2)
    parts = [f'<svg class="tracker-chart" viewBox="0 0 {WIDTH} {TOP + HEIGHT + AXIS}" role="img" '
             f'width="100%" aria-label="{label} over time">']
    for i, (period, count) in enumerate(periods):
        h = round(HEIGHT * count / top, 1) if count else 0
        title = markupsafe.escape(f"{period}: {count} {label}")
        parts.append(f'<rect class="bar" data-period="{markupsafe.escape(period)}" data-count="{count}" '
                     f'x="{i * step + gap / 2:.1f}" y="{TOP + HEIGHT - h}" width="{max(step - gap, 0.5):.1f}" '
                     f'height="{h}"><title>{title}</title></rect>')
    parts.append(f'<line x1="0" y1="{TOP + HEIGHT + 0.5}" x2="{right}" y2="{TOP + HEIGHT + 0.5}" class="axis"/>')
    labels = [(0, periods[0][0], "start")]
    if len(periods) > 1:
        labels.append((max(right, 120), periods[-1][0], "end"))
    for x, text, anchor in labels:
        parts.append(f'<text x="{x}" y="{TOP + HEIGHT + AXIS - 4}" text-anchor="{anchor}">'
                     f'{markupsafe.escape(text)}</text>')
    per = "a month" if is_month(periods[0][0]) else "a year"
    parts.append(f'<text x="0" y="12" text-anchor="start">highest bar: {top} {per}</text>')
    parts.append("</svg>")
    return markupsafe.Markup("".join(parts))
