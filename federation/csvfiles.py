"""The one CSV writer: every CSV export is written and answered here.

UTF-8 with a byte order mark, so that Excel (Japanese Excel too) opens the
file as UTF-8 rather than Shift_JIS; CRLF line ends; and formula-safe text
cells: a spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a
formula, so such a cell gets a leading single quote. Numbers are written as
they are (a negative number is not a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell as text a spreadsheet shows as text: a leading single quote
    before what would start a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole CSV file: the header row, then the rows, every cell csv_safe."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return out.getvalue()


def csv_response(body: str, filename: str) -> Response:
    """A CSV file as a download."""
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def header_of(text: str) -> list[str]:
    """The first row of an uploaded CSV text (a leading BOM ignored)."""
    return next(csv.reader(io.StringIO(text.lstrip(BOM))), [])
