"""Inline SVG charts, generated in Python: no JavaScript, no network, every label escaped.

Colours are the Okabe–Ito palette (distinguishable with colour-vision deficiencies); lines
also differ by marker shape, so a chart still reads in greyscale.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "diamond", "triangle")
DASHES = ("", "6 3", "2 3", "8 3 2 3")
FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"'


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _marker(kind: str, x: float, y: float, fill: str, tip: str) -> str:
    title = f"<title>{escape(tip)}</title>"
    if kind == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{fill}">{title}</rect>'
    if kind == "diamond":
        pts = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} {x - 6:.1f},{y:.1f}"
        return f'<polygon points="{pts}" fill="{fill}">{title}</polygon>'
    if kind == "triangle":
        pts = f"{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}"
        return f'<polygon points="{pts}" fill="{fill}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}">{title}</circle>'


def _legend_item(x: float, y: float, index: int, label: str) -> str:
    c = color(index)
    dash = DASHES[index % len(DASHES)]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 28:.1f}" y2="{y:.1f}" stroke="{c}" '
        f'stroke-width="2.5"{dash_attr}/>'
        + _marker(MARKERS[index % len(MARKERS)], x + 14, y, c, label)
        + f'<text x="{x + 36:.1f}" y="{y + 4.5:.1f}" font-size="13" {FONT}>{escape(label)}</text>'
    )


def line_chart(
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 620,
    height: int = 360,
    css_class: str = "chart",
) -> str:
    """One line per series over categorical x values; y is a share in [0, 1] drawn as 0–100 %.

    ``None`` values leave a gap. Legend below the plot, one entry per series.
    """
    legend_rows = (len(series) + 1) // 2
    left, right, top, bottom = 64, 20, 36, 56 + 22 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_h < 120:
        height += 120 - plot_h
        plot_h = 120
    parts = [
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2:.1f}" y="22" text-anchor="middle" font-size="15" '
        f'font-weight="600" {FONT}>{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        y = top + plot_h * (1 - tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{"#999" if tick == 0 else "#e3e3e3"}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333" {FONT}>{tick}</text>'
        )
    n = max(len(categories), 1)
    step = plot_w / n

    def x_of(i: int) -> float:
        return left + step * (i + 0.5)

    for i, cat in enumerate(categories):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{top + plot_h + 20:.1f}" text-anchor="middle" '
            f'font-size="13" fill="#333" {FONT}>{escape(cat)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 42:.1f}" text-anchor="middle" '
        f'font-size="13" {FONT}>{escape(x_label)}</text>'
        f'<text transform="translate(18 {top + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="13" {FONT}>{escape(y_label)}</text>'
    )
    for index, (label, values) in enumerate(series):
        c = color(index)
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        for i, v in enumerate(values):
            if v is None:
                segment = []
                segments.append(segment)
                continue
            segment.append(f"{x_of(i):.1f},{top + plot_h * (1 - v):.1f}")
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{c}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
        kind = MARKERS[index % len(MARKERS)]
        for i, v in enumerate(values):
            if v is not None:
                tip = f"{label}, {x_label} {categories[i]}: {100 * v:.1f}%"
                parts.append(_marker(kind, x_of(i), top + plot_h * (1 - v), c, tip))
    ly = top + plot_h + 64
    for index, (label, _) in enumerate(series):
        col, row = index % 2, index // 2
        parts.append(_legend_item(left + col * (plot_w / 2), ly + row * 22, index, label))
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    categories: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    value_label: str,
    width: int = 900,
    css_class: str = "chart",
) -> str:
    """Horizontal bars: one group per category, one bar per series, values in [0, 1] as %."""
    bar_h, gap = 14, 12
    group_h = bar_h * max(len(series), 1) + gap
    label_w = min(220, 16 + 7 * max((len(c) for c in categories), default=4))
    left, right, top = label_w, 60, 40
    legend_rows = (len(series) + 2) // 3
    bottom = 50 + 22 * legend_rows
    plot_w = width - left - right
    plot_h = group_h * max(len(categories), 1)
    height = top + plot_h + bottom
    parts = [
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2:.1f}" y="22" text-anchor="middle" font-size="15" '
        f'font-weight="600" {FONT}>{escape(title)}</text>',
    ]
    for tick in range(0, 101, 20):
        x = left + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" '
            f'stroke="{"#999" if tick == 0 else "#e3e3e3"}"/>'
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="12" '
            f'fill="#333" {FONT}>{tick}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 36}" text-anchor="middle" '
        f'font-size="13" {FONT}>{escape(value_label)}</text>'
    )
    for g, cat in enumerate(categories):
        y0 = top + g * group_h + gap / 2
        parts.append(
            f'<text x="{left - 8}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" '
            f'text-anchor="end" font-size="13" fill="#222" {FONT}>{escape(cat)}</text>'
        )
        for s, (label, values) in enumerate(series):
            v = values[g]
            y = y0 + s * bar_h
            if v is None:
                continue
            w = plot_w * v
            parts.append(
                f'<rect x="{left}" y="{y:.1f}" width="{max(w, 1):.1f}" height="{bar_h - 2}" '
                f'fill="{color(s)}"><title>{escape(f"{label}, {cat}: {100 * v:.1f}%")}</title></rect>'
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4:.1f}" font-size="11" '
                f'fill="#333" {FONT}>{100 * v:.0f}%</text>'
            )
    ly = top + plot_h + 56
    for index, (label, _) in enumerate(series):
        col, row = index % 3, index // 3
        x = left + col * (plot_w / 3)
        y = ly + row * 22
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 6:.1f}" width="14" height="12" fill="{color(index)}"/>'
            f'<text x="{x + 20:.1f}" y="{y + 4.5:.1f}" font-size="13" {FONT}>{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def heat_color(value: float) -> tuple[str, str]:
    """(background, text colour) for an accuracy in [0, 1]: red (low) via white to blue (high)."""
    v = min(max(value, 0.0), 1.0)
    low, mid, high = (202, 0, 32), (247, 247, 247), (5, 113, 176)
    if v < 0.5:
        t, a, b = v / 0.5, low, mid
    else:
        t, a, b = (v - 0.5) / 0.5, mid, high
    rgb = tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    text = "#fff" if v < 0.2 or v > 0.8 else "#111"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


__all__ = ["color", "grouped_bars", "heat_color", "line_chart"]
