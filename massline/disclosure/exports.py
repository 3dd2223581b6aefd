"""The annual report (政府信息公开工作年度报告) as PDF and XLSX: its tables come from `stats.report_tables`.

Nothing personal appears: figures per agency only. Text cells are neutralised against formula injection.
"""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from massline.lib.csvfile import neutralise

from .stats import report_due, report_tables

PDF_FONT = "STSong-Light"


def _title(year):
    return _("Annual report on government information disclosure on request, %(year)s") % {"year": year}


def report_xlsx(*, year, units=None):
    """Bytes of an XLSX workbook: one sheet per table of the report."""
    book = Workbook()
    book.remove(book.active)
    for index, (title, header, rows) in enumerate(report_tables(year=year, units=units), start=1):
        sheet = book.create_sheet(f"{index}. {title}"[:31])
        for row in [[str(h) for h in header], *rows]:
            sheet.append(
                [value if isinstance(value, int | float) else neutralise(str(value)) for value in row]
            )
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _paragraph(text, style):
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def report_pdf(*, year, units=None):
    """Bytes of a PDF of the report (Chinese set in the built-in CID font STSong-Light)."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=20, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    story = [
        _paragraph(_title(year), title),
        _paragraph(
            _("Published by %(due)s. Shares are shown with their 95%% confidence interval.")
            % {"due": report_due(year).isoformat()},
            body,
        ),
    ]
    for title_text, header, rows in report_tables(year=year, units=units):
        story.append(_paragraph(title_text, heading))
        data = [[_paragraph(h, small) for h in header]] + [
            [_paragraph(v, small) for v in row] for row in rows
        ]
        if not rows:
            data.append([_paragraph(_("No requests this year."), small)] + [""] * (len(header) - 1))
        table = Table(data, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=_title(year), leftMargin=12 * mm, rightMargin=12 * mm
    ).build(story)
    return buffer.getvalue()
