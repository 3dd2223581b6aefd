"""The annual report of a programme as XLSX and PDF: every project's promise, money, progress and rating.

The same rows feed the report page, so the files show the page's figures. No personal data appears;
every text cell is neutralised against formula injection.
"""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from massline.lib.csvfile import neutralise

from .choices import Satisfaction
from .selectors import projects_with_progress

PDF_FONT = "STSong-Light"


def _share(value):
    return "" if value is None else f"{round(value * 100)}%"


def report_rows(programme):
    rows = []
    for number, project in enumerate(projects_with_progress(programme=programme), start=1):
        rows.append(
            {
                "number": number,
                "project": project,
                "theme": project.get_theme_display(),
                "title": project.title,
                "promise": project.promise,
                "unit": project.owner_unit.label,
                "budget": project.budget,
                "spent": project.spent,
                "status": project.get_status_display(),
                "progress": int(project.progress),
                "rated": project.rated,
                "satisfied": project.rating_counts.get(Satisfaction.SATISFIED, 0),
                "basic": project.rating_counts.get(Satisfaction.BASIC, 0),
                "unsatisfied": project.rating_counts.get(Satisfaction.UNSATISFIED, 0),
                "satisfied_share": _share(project.satisfied_share),
                "carry_reason": project.carry_reason,
            }
        )
    return rows


def totals(rows):
    rated = sum(r["rated"] for r in rows)
    good = sum(r["satisfied"] + r["basic"] for r in rows)
    return {
        "projects": len(rows),
        "budget": sum((r["budget"] for r in rows), Decimal(0)),
        "spent": sum((r["spent"] for r in rows), Decimal(0)),
        "progress": round(sum(r["progress"] for r in rows) / len(rows)) if rows else 0,
        "rated": rated,
        "satisfied_share": _share(good / rated if rated else None),
    }


def _headers():
    return [
        _("No."),
        _("Theme"),
        _("Project"),
        _("The promise"),
        _("Owner unit"),
        _("Budget (yuan)"),
        _("Spent so far (yuan)"),
        _("Status"),
        _("Progress (%)"),
        _("Ratings"),
        _("Satisfied"),
        _("Basically satisfied"),
        pgettext("pledges", "Unsatisfied"),
        _("Satisfied or basically"),
        _("Why it is carried into next year"),
    ]


def _values(row):
    return [
        row["number"],
        row["theme"],
        row["title"],
        row["promise"],
        row["unit"],
        float(row["budget"]),
        float(row["spent"]),
        row["status"],
        row["progress"],
        row["rated"],
        row["satisfied"],
        row["basic"],
        row["unsatisfied"],
        row["satisfied_share"],
        row["carry_reason"],
    ]


def report_xlsx(*, programme):
    """Bytes of an XLSX workbook: sheet "Report" (summary) and "Projects"."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]

    def put(ws, row):
        ws.append([v if isinstance(v, int | float) else neutralise(str(v)) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"

    rows = report_rows(programme)
    total = totals(rows)
    put(sheet, [_("Programme"), programme.title])
    put(sheet, [_("Year"), programme.year])
    put(sheet, [_("Jurisdiction"), programme.region.label])
    put(sheet, [_("Year's budget (yuan)"), float(programme.budget)])
    put(sheet, [_("Projects"), total["projects"]])
    put(sheet, [_("Budget of the projects (yuan)"), float(total["budget"])])
    put(sheet, [_("Spent so far (yuan)"), float(total["spent"])])
    put(sheet, [_("Average progress (%)"), total["progress"]])
    put(sheet, [_("Ratings"), total["rated"]])
    put(sheet, [_("Satisfied or basically"), total["satisfied_share"]])
    projects = book.create_sheet(_("Projects")[:31])
    put(projects, _headers())
    for row in rows:
        put(projects, _values(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _p(text, style):
    return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)


def report_pdf(*, programme):
    """Bytes of a PDF of the annual report (Chinese set in the built-in CID font STSong-Light)."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=21, spaceAfter=6)
    rows = report_rows(programme)
    total = totals(rows)
    story = [
        _p(_("Annual report: %(title)s") % {"title": programme.title}, title),
        _p(
            _(
                "%(region)s · %(year)d · year's budget %(budget)s yuan · %(n)d projects, budget "
                "%(pbudget)s yuan, "
                "spent %(spent)s yuan · average progress %(progress)d%% · %(rated)d ratings, "
                "satisfied or basically %(share)s"
            )
            % {
                "region": programme.region.label,
                "year": programme.year,
                "budget": programme.budget,
                "n": total["projects"],
                "pbudget": total["budget"],
                "spent": total["spent"],
                "progress": total["progress"],
                "rated": total["rated"],
                "share": total["satisfied_share"] or "—",
            },
            body,
        ),
    ]
    headers = [
        _("No."),
        _("Project"),
        _("The promise"),
        _("Owner unit"),
        _("Budget (yuan)"),
        _("Spent so far (yuan)"),
        _("Status"),
        _("Progress (%)"),
        _("Ratings"),
        _("Satisfied or basically"),
    ]
    table = [[_p(h, small) for h in headers]]
    for r in rows:
        promise = r["promise"] + (f"\n({r['carry_reason']})" if r["carry_reason"] else "")
        table.append(
            [
                _p(v, small)
                for v in (
                    r["number"],
                    r["title"],
                    promise,
                    r["unit"],
                    r["budget"],
                    r["spent"],
                    r["status"],
                    r["progress"],
                    r["rated"],
                    r["satisfied_share"],
                )
            ]
        )
    grid = Table(
        table,
        repeatRows=1,
        colWidths=[10 * mm, 38 * mm, 70 * mm, 30 * mm, 22 * mm, 22 * mm, 22 * mm, 14 * mm, 14 * mm, 18 * mm],
    )
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    story.append(grid)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=landscape(A4), title=programme.title, leftMargin=12 * mm, rightMargin=12 * mm
    ).build(story)
    return buffer.getvalue()
