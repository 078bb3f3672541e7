"""Charts drawn on the server as SVG with pygal: nothing is loaded from
outside (pygal's tooltip script is switched off), the text is real SVG text
in the page's Japanese-capable fonts, and each chart comes with the same
numbers as a table for screen readers (the templates render `rows`).

The SVG is shown as an <img> from a data: URL, so its own stylesheet applies
inside the image while the page keeps `style-src 'self'`."""
from __future__ import annotations

import base64
from dataclasses import dataclass

import pygal
from pygal.style import Style

FONTS = ("'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', "
         "'IPAexGothic', sans-serif")
STYLE = Style(background="#ffffff", plot_background="#ffffff", foreground="#222222",
              foreground_strong="#111111", foreground_subtle="#666666", font_family=FONTS,
              label_font_size=13, major_label_font_size=13, value_font_size=12,
              title_font_size=15, legend_font_size=13, value_label_font_size=12,
              colors=("#1f5fa8", "#d9822b", "#2e8b57", "#a83279", "#6b6b6b"))


@dataclass
class Chart:
    title: str
    src: str  # data: URL of the SVG
    headers: list[str]
    rows: list[list[str]]


def _finish(chart, title: str, headers: list[str], rows: list[list]) -> Chart:
    svg = chart.render(is_unicode=True)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(title=title, src=src, headers=headers,
                 rows=[[str(c) if c is not None else "—" for c in r] for r in rows])


def _config(cls, title: str, **extra):
    return cls(title=title, style=STYLE, js=[], disable_xml_declaration=True, width=640,
               height=320, show_legend=extra.pop("show_legend", False), print_values=False,
               legend_at_bottom=True, margin=16, **extra)


def bar(title: str, labels: list[str], values: list[int | float | None],
        value_header: str) -> Chart:
    chart = _config(pygal.Bar, title)
    chart.x_labels = labels
    chart.add(value_header, values)
    return _finish(chart, title, ["", value_header], [[lab, v] for lab, v in zip(labels, values)])


def line(title: str, labels: list[str], series: dict[str, list[int | float | None]]) -> Chart:
    chart = _config(pygal.Line, title, show_legend=len(series) > 1, x_label_rotation=0,
                    show_minor_x_labels=True)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    headers = [""] + list(series)
    rows = [[lab] + [series[name][i] for name in series] for i, lab in enumerate(labels)]
    return _finish(chart, title, headers, rows)
