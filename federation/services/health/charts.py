"""Charts drawn on the server as SVG with pygal: nothing is loaded from
outside (pygal's tooltip script is switched off), the text is real SVG text
in the page's Japanese-capable fonts, and each chart comes with the same
numbers as a table for screen readers (the templates render `rows`).

The SVG is shown as an <img> from a data: URL, so its own stylesheet applies
inside the image while the page keeps `style-src 'self'`."""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pygal
from pygal.style import Style

FONTS = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', 'IPAexGothic', sans-serif"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#111111",
    foreground_subtle="#666666",
    font_family=FONTS,
    label_font_size=16,
    major_label_font_size=16,
    value_font_size=15,
    title_font_size=19,
    legend_font_size=16,
    value_label_font_size=15,
    colors=("#1f5fa8", "#d9822b", "#2e8b57", "#a83279", "#6b6b6b"),
)


@dataclass
class Chart:
    """A chart's numbers, and its SVG drawn on first use. Drawing is most of
    a dashboard's time and the same numbers draw the same picture, so the
    template caches the rendered figure by `key` (every input of the
    drawing) and reads `src` only on a miss."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    key: tuple
    draw: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def src(self) -> str:
        """The data: URL of the SVG."""
        svg = self.draw()
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _finish(build, kind: str, title: str, headers: list[str], rows: list[list], inputs: tuple) -> Chart:
    return Chart(
        title=title,
        headers=headers,
        rows=[[str(c) if c is not None else "—" for c in r] for r in rows],
        key=(kind, title, inputs),
        draw=lambda: build().render(is_unicode=True),
    )


def _integer_axis(values) -> dict:
    """Counts get whole-number ticks (pygal would draw 0.2, 0.4... for small counts)."""
    numbers = [v for v in values if v is not None]
    top = max(numbers, default=0)
    if numbers and all(float(v).is_integer() for v in numbers):
        step = max(1, math.ceil(top / 5))
        return {"y_labels": list(range(0, int(top) + step + 1, step))}
    return {}


def _config(cls, title: str, values=(), **extra):
    return cls(
        title=title,
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        width=600,
        height=340,
        show_legend=extra.pop("show_legend", False),
        print_values=False,
        legend_at_bottom=True,
        margin=12,
        truncate_label=-1,
        truncate_legend=-1,
        **_integer_axis(values),
        **extra,
    )


def bar(title: str, labels: list[str], values: list[int | float | None], value_header: str) -> Chart:
    def build():
        chart = _config(pygal.Bar, title, values)
        chart.x_labels = labels
        chart.add(value_header, values)
        return chart

    rows = [[lab, v] for lab, v in zip(labels, values, strict=True)]
    return _finish(
        build, "bar", title, ["", value_header], rows, (tuple(labels), tuple(values), value_header)
    )


def line(title: str, labels: list[str], series: dict[str, list[int | float | None]]) -> Chart:
    def build():
        chart = _config(
            pygal.Line,
            title,
            [v for vs in series.values() for v in vs],
            show_legend=len(series) > 1,
            x_label_rotation=35,
            allow_interruptions=True,
        )
        chart.x_labels = labels
        for name, values in series.items():
            chart.add(name, values)
        return chart

    headers = [""] + list(series)
    rows = [[lab] + [series[name][i] for name in series] for i, lab in enumerate(labels)]
    inputs = (tuple(labels), tuple((name, tuple(values)) for name, values in series.items()))
    return _finish(build, "line", title, headers, rows, inputs)
