#!/usr/bin/env python3
"""Latency percentile plot, as SVG, of one or more HdrHistogram percentile files (.hgrm).

    bench/plot.py --out plot.svg --title "1000 subscribers, 100 events/s" project=a.hgrm nchan=b.hgrm ...

x axis: the "nines" (log scale of 1/(1-percentile): 0 %, 90 %, 99 %, 99.9 % ...), y axis: latency on a log scale
(values in the files are microseconds, as `fanout loadgen --hgrm` writes them). One line per LABEL=FILE, the first
drawn last (on top); the legend gives p50, p99, p99.9 and max of each. Python standard library only.
"""
import argparse
import math
import re
import sys
from xml.sax.saxutils import escape

WIDTH, PLOT_HEIGHT = 820, 300
LEFT, RIGHT, TOP = 78, 48, 56
COLOURS = ["#1f5fbf", "#e06c00", "#2a9d3f", "#b8322a", "#7a4fbf", "#6b6b6b"]
POINT = re.compile(r"^\s*([0-9.]+)\s+([0-9.]+)\s+(\d+)(?:\s+([0-9.]+|Infinity))?\s*$")
MAX_LINE = re.compile(r"Max\s*=\s*([0-9.]+)")


def read_hgrm(path):
    """(percentile, value) points with percentile < 1, the max and the count of a .hgrm file."""
    points, maximum, count = [], None, 0
    with open(path) as f:
        for line in f:
            m = POINT.match(line)
            if m:
                value, percentile, count = float(m.group(1)), float(m.group(2)), int(m.group(3))
                if percentile < 1.0:
                    points.append((percentile, value))
                else:
                    maximum = value
                continue
            m = MAX_LINE.search(line)
            if m:
                maximum = float(m.group(1))
    if not points:
        raise ValueError(f"{path}: no percentile lines (not a .hgrm file?)")
    return points, maximum if maximum is not None else points[-1][1], count


def value_at(points, percentile):
    for p, v in points:
        if p >= percentile:
            return v
    return points[-1][1]


def nines(percentile):
    return math.log10(1.0 / (1.0 - percentile))


def duration(us):
    if us >= 1_000_000:
        return f"{us / 1_000_000:.3g} s"
    if us >= 1000:
        return f"{us / 1000:.3g} ms"
    return f"{us:.3g} µs"


def render(series, title, subtitle):
    max_nines = max(nines(pts[-1][0]) for _, pts, _, _ in series)
    x_max = max(2, math.ceil(max_nines - 1e-9))
    lo = min(v for _, pts, _, _ in series for _, v in pts if v > 0)
    hi = max(mx for _, _, mx, _ in series)
    y_lo, y_hi = math.floor(math.log10(max(lo, 1e-3))), math.ceil(math.log10(max(hi, lo * 10)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    height = TOP + plot_h + 64 + 18 * len(series)

    def x(n):
        return LEFT + plot_w * n / x_max

    def y(us):
        return TOP + plot_h * (1 - (math.log10(max(us, 10 ** y_lo)) - y_lo) / (y_hi - y_lo))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>']
    if subtitle:
        out.append(f'<text x="{LEFT}" y="40" fill="#555">{escape(subtitle)}</text>')
    for k in range(y_lo, y_hi + 1):
        for m in (1, 2, 5):
            us = m * 10 ** k
            if us > 10 ** y_hi:
                break
            yy = y(us)
            major = m == 1
            out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
                       f'stroke="{"#ccc" if major else "#eee"}"/>')
            if major or y_hi - y_lo <= 3:
                out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{duration(us)}</text>')
    for n in range(0, x_max + 1):
        xx = x(n)
        label = "0%" if n == 0 else f"{100 - 100 / 10 ** n:.{max(0, n - 2)}f}%"
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#ccc"/>')
        out.append(f'<text x="{xx:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{label}</text>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{TOP + plot_h + 34}" text-anchor="middle" fill="#555">'
               f'percentile (log scale of 1/(1-p))</text>')
    out.append(f'<text transform="translate(16,{TOP + plot_h / 2}) rotate(-90)" text-anchor="middle" fill="#555">'
               f'publish to delivery latency (log scale)</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#888"/>')
    for i in reversed(range(len(series))):
        label, pts, _, _ = series[i]
        coords = " ".join(f"{x(nines(p)):.1f},{y(v):.1f}" for p, v in pts)
        out.append(f'<polyline class="series" data-label="{escape(label)}" fill="none" '
                   f'stroke="{COLOURS[i % len(COLOURS)]}" stroke-width="2" points="{coords}"/>')
    for i, (label, pts, mx, count) in enumerate(series):
        ly = TOP + plot_h + 58 + 18 * i
        colour = COLOURS[i % len(COLOURS)]
        out.append(f'<line x1="{LEFT}" x2="{LEFT + 24}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="3"/>')
        text = (f"{label}: p50 {duration(value_at(pts, 0.5))}, p99 {duration(value_at(pts, 0.99))}, "
                f"p99.9 {duration(value_at(pts, 0.999))}, max {duration(mx)} ({count:,} deliveries)")
        out.append(f'<text class="legend" x="{LEFT + 32}" y="{ly}">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="SVG file to write")
    parser.add_argument("--title", default="latency by percentile")
    parser.add_argument("--subtitle", default="")
    parser.add_argument("series", nargs="+", help="LABEL=FILE.hgrm")
    args = parser.parse_args()
    series = []
    for spec in args.series:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            parser.error(f"'{spec}': want LABEL=FILE.hgrm")
        try:
            pts, mx, count = read_hgrm(path)
        except (OSError, ValueError) as e:
            parser.error(str(e))
        series.append((label, pts, mx, count))
    if len(series) > len(COLOURS):
        parser.error(f"at most {len(COLOURS)} series")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(render(series, args.title, args.subtitle))


if __name__ == "__main__":
    sys.exit(main())
