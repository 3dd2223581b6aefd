"""The adoption report as XLSX and PDF: every opinion with its answer, the figures, groups, the decision.

No author's personal data appears (opinions are numbered, never named); every text cell is neutralised
against formula injection.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from massline.lib.csvfile import neutralise

from .choices import Decision
from .selectors import group_view, report_figures, report_rows

PDF_FONT = "STSong-Light"


def figures_rows(consultation):
    figures = report_figures(consultation=consultation)
    rows = [
        (_("Opinions"), figures["opinions"]),
        (_("Moderated opinions"), figures["moderated"]),
        (_("Participants"), figures["participants"]),
        (_("Statements"), figures["statements"]),
        (_("Stance votes"), figures["votes"]),
    ]
    rows += [(label, figures["by_decision"].get(value, 0)) for value, label in Decision.choices]
    return rows


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def report_xlsx(*, consultation):
    """Bytes of an XLSX workbook: sheet "Report" (summary), "Opinions", "Groups"."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]

    def put(ws, row):
        cells = []
        for value in row:
            if isinstance(value, int | float):
                cells.append(value)
            else:
                cells.append(neutralise(value))
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text

    put(sheet, [_("Consultation"), consultation.title])
    put(sheet, [_("Responsible unit"), consultation.unit.label])
    put(sheet, [_("Open from"), _local(consultation.opens_at)])
    put(sheet, [pgettext("consultation", "Closed"), _local(consultation.closed_at)])
    if consultation.early_close_reason:
        put(sheet, [_("Reason for closing early"), consultation.early_close_reason])
    put(sheet, [_("Every opinion answered"), _local(consultation.answered_at)])
    put(sheet, [_("Report published"), _local(consultation.report_published_at)])
    put(sheet, [_("Decision taken"), consultation.decision])
    for label, value in figures_rows(consultation):
        put(sheet, [label, value])

    opinions = book.create_sheet(_("Opinions")[:31])
    put(
        opinions,
        [
            _("Opinion no."),
            _("Section"),
            _("Opinion"),
            _("Likes"),
            pgettext("adoption", "Decision"),
            _("Reason"),
            pgettext("consultation", "Topic"),
            _("Moderated"),
        ],
    )
    for row in report_rows(consultation=consultation):
        put(
            opinions,
            [
                row["number"],
                row["section"],
                row["body"],
                row["likes"],
                row["decision"],
                row["reason"],
                row["topic"],
                row["moderation_reason"],
            ],
        )

    groups = book.create_sheet(_("Groups")[:31])
    put(
        groups,
        [_("Group"), _("Participants"), _("Representative statement"), _("Stance"), _("Share in group")],
    )
    view = group_view(consultation=consultation)
    if view:
        for group in view["groups"]:
            for item in group["repness"] or [{"text": "", "direction": "", "pa": ""}]:
                put(
                    groups,
                    [
                        group["number"],
                        group["size"],
                        item["text"],
                        _("agree")
                        if item["direction"] == "agree"
                        else _("disagree")
                        if item["direction"]
                        else "",
                        item["pa"],
                    ],
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _paragraph(text, style):
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def report_pdf(*, consultation):
    """Bytes of a PDF of the report (Chinese set in the built-in CID font STSong-Light)."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=21, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    story = [
        _paragraph(_("Adoption report: %(title)s") % {"title": consultation.title}, title),
        _paragraph(_("Responsible unit: %(unit)s") % {"unit": consultation.unit.label}, body),
        _paragraph(
            _(
                "Open %(start)s – closed %(end)s; every opinion answered %(answered)s; "
                "report published %(published)s."
            )
            % {
                "start": _local(consultation.opens_at),
                "end": _local(consultation.closed_at),
                "answered": _local(consultation.answered_at),
                "published": _local(consultation.report_published_at),
            },
            body,
        ),
    ]
    if consultation.early_close_reason:
        story.append(
            _paragraph(_("Closed early because: %(r)s") % {"r": consultation.early_close_reason}, body)
        )
    story += [_paragraph(_("Decision taken"), heading), _paragraph(consultation.decision, body)]
    story.append(_paragraph(_("Figures"), heading))
    figures = Table(
        [[_paragraph(label, small), _paragraph(value, small)] for label, value in figures_rows(consultation)]
    )
    figures.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story.append(figures)
    view = group_view(consultation=consultation)
    if view and view["groups"]:
        story.append(_paragraph(_("Opinion groups"), heading))
        for group in view["groups"]:
            story.append(
                _paragraph(
                    _("Group %(n)d (%(size)d participants)") % {"n": group["number"], "size": group["size"]},
                    body,
                )
            )
            for item in group["repness"]:
                stance = _("agree") if item["direction"] == "agree" else _("disagree")
                story.append(_paragraph(f"· {item['text']} ({stance} {round(item['pa'] * 100)}%)", small))
    story.append(_paragraph(_("Every opinion and its answer"), heading))
    header = [_("No."), _("Opinion"), pgettext("adoption", "Decision"), _("Reason")]
    table_rows = [[_paragraph(h, small) for h in header]]
    for row in report_rows(consultation=consultation):
        text = row["body"] or _("Moderated: %(reason)s") % {"reason": row["moderation_reason"]}
        if row["section"]:
            text = f"[{row['section']}] {text}"
        table_rows.append(
            [
                _paragraph(row["number"], small),
                _paragraph(text, small),
                _paragraph(row["decision"], small),
                _paragraph(row["reason"], small),
            ]
        )
    table = Table(table_rows, colWidths=[14 * mm, 80 * mm, 26 * mm, 60 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=consultation.title, leftMargin=15 * mm, rightMargin=15 * mm
    ).build(story)
    return buffer.getvalue()
