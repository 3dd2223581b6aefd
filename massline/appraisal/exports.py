"""The monthly appraisal report as PDF and XLSX (the dashboard's own figures, from `report_figures`), and
the open-data exports: demand-level records and monthly figures as CSV or JSON, streamed so that a year
of data never sits in memory. Open data carries no text and no person: ids, times, codes.
"""

import csv
import io
import json
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from massline.cases.models import Case
from massline.lib.csvfile import neutralise
from massline.org.access import official_required

from . import metrics, selectors, services
from .choices import Dimension
from .models import MonthlyFigures

PDF_FONT = "STSong-Light"
REPORT_METRICS = (
    "response_rate",
    "on_time_rate",
    "on_time_strict_rate",
    "resolution_rate",
    "satisfaction_rate",
    "return_rate",
    "reopen_rate",
    "overdue",
    "unrated",
    "handling_mean",
    "handling_p50",
    "handling_p90",
    "accountability",
    "score",
)
DEMAND_COLUMNS = (
    "id",
    "month",
    "received_at",
    "signed_at",
    "replied_at",
    "closed_at",
    "status",
    "category",
    "unit",
    "region",
)
FIGURE_COLUMNS = ("month", "dimension", "code", "received", "counted", *REPORT_METRICS)


def display(figure, key):
    """A figure as the pages show it: a percentage with one decimal, hours with one, a count, or —."""
    if figure.value is None:
        return "—"
    metric = metrics.METRICS.get(key)
    if metric is not None and metric.is_rate:
        return f"{100 * figure.value:.1f} %"
    if key.startswith("handling"):
        return f"{figure.value:.1f}"
    if key == "score":
        return f"{figure.value:.1f}"
    return str(int(figure.value))


def report_figures(*, month, user):
    """The figures of the monthly report of `user`'s jurisdiction, exactly those the leadership dashboard
    shows them for the month: the jurisdiction's (metric, label, shown value) and the ranking rows of the
    units in it (unit, group, rank, rates, score). The centre and the administrators get every unit."""
    rules = services.rules_for(month)
    total = selectors.jurisdiction_figures(user=user, month=month, rules=rules)
    ranking = selectors.ranking_for(month)
    rows = selectors.ranking_rows(ranking) if ranking else selectors.preview_rows(month)
    units = selectors.visible_unit_ids(user)
    rows = [row for row in rows if row.unit_id in units]
    summary = [(key, str(metrics.METRICS[key].label), display(total[key], key)) for key in REPORT_METRICS]
    table = [
        {
            "unit": row.unit.label,
            "group": row.group,
            "rank": row.rank,
            "volume": row.volume,
            "response_rate": _pct(row.response_rate),
            "resolution_rate": _pct(row.resolution_rate),
            "satisfaction_rate": _pct(row.satisfaction_rate),
            "score": "—" if row.score is None else f"{row.score:.1f}",
        }
        for row in rows
    ]
    return {
        "month": month,
        "ranking": ranking,
        "summary": summary,
        "rows": table,
        "rules": rules,
        "whole": selectors.sees_everything(user, month),
    }


def _pct(value):
    return "—" if value is None else f"{100 * value:.1f} %"


RANK_HEADER = (
    "unit",
    "group",
    "rank",
    "volume",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "score",
)


def _headers():
    return [
        _("Unit"),
        _("Volume group"),
        _("Rank"),
        _("Demands counted"),
        str(metrics.METRICS["response_rate"].label),
        str(metrics.METRICS["resolution_rate"].label),
        str(metrics.METRICS["satisfaction_rate"].label),
        str(metrics.METRICS["score"].label),
    ]


def _group_label(group):
    return _("Not published (small volume)") if group == 0 else _("Group %(n)d") % {"n": group}


def report_xlsx(*, month, user):
    data = report_figures(month=month, user=user)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([neutralise(_("Appraisal report %(month)s") % {"month": f"{month:%Y-%m}"})])
    sheet.append(
        [neutralise(_("Figures of the jurisdiction") if data["whole"] else _("Figures of your units"))]
    )
    for _key, label, value in data["summary"]:
        sheet.append([neutralise(label), neutralise(value)])
    ranking = book.create_sheet(_("Ranking")[:31])
    ranking.append([neutralise(h) for h in _headers()])
    for row in data["rows"]:
        values = [row[k] for k in RANK_HEADER]
        values[1] = _group_label(row["group"])
        ranking.append([v if isinstance(v, int) else neutralise("" if v is None else v) for v in values])
    glossary = book.create_sheet(_("Definitions")[:31])
    for _key, label, definition in metrics.definitions():
        glossary.append([neutralise(str(label)), neutralise(str(definition))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _p(text, style):
    return Paragraph(escape(str(text if text is not None else "")), style)


def report_pdf(*, month, user):
    """Bytes of the PDF report: the figures with their definitions, a chart of scores, the ranking."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    data = report_figures(month=month, user=user)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=21, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    status = (
        _("Published %(at)s") % {"at": f"{timezone.localtime(data['ranking'].published_at):%Y-%m-%d}"}
        if data["ranking"] is not None and data["ranking"].is_published
        else _("Not published: figures as of %(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    )
    story = [_p(_("Appraisal report %(month)s") % {"month": f"{month:%Y-%m}"}, title), _p(status, body)]
    definitions = {key: definition for key, _label, definition in metrics.definitions()}
    story.append(
        _p(_("Figures of the jurisdiction") if data["whole"] else _("Figures of your units"), heading)
    )
    summary = Table(
        [
            [_p(label, body), _p(value, body), _p(definitions[key], body)]
            for key, label, value in data["summary"]
        ],
        colWidths=[110, 60, 300],
    )
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story.append(summary)
    scored = [r for r in data["rows"] if r["score"] != "—"][:20]
    if scored:
        story.append(_p(_("Scores"), heading))
        drawing = Drawing(460, 14 * len(scored) + 30)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 150, 10, 290, 14 * len(scored)
        chart.data = [[float(r["score"]) for r in reversed(scored)]]
        chart.categoryAxis.categoryNames = [r["unit"][:24] for r in reversed(scored)]
        chart.categoryAxis.labels.fontName = PDF_FONT
        chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
        chart.bars[0].fillColor = colors.HexColor("#2f6f9f")
        drawing.add(chart)
        story.append(drawing)
    story.append(_p(_("Ranking"), heading))
    rows = [[_p(h, body) for h in _headers()]]
    for row in data["rows"]:
        values = [row[k] for k in RANK_HEADER]
        values[1] = _group_label(row["group"])
        rows.append([_p("—" if v is None else v, body) for v in values])
    ranking = Table(rows, repeatRows=1)
    ranking.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [ranking, Spacer(1, 6)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Appraisal report")).build(story)
    return buffer.getvalue()


@official_required
@require_GET
def monthly_report(request, month, fmt):
    """The monthly report of the user's jurisdiction: a unit head gets their units', the centre all."""
    if not selectors.can_report(request.user):
        raise PermissionDenied(_("The monthly appraisal report is for unit heads, supervisors and leaders."))
    month = selectors.parse_month(month)
    if fmt == "pdf":
        response = HttpResponse(report_pdf(month=month, user=request.user), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            report_xlsx(month=month, user=request.user),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(_("Choose pdf or xlsx."))
    response["Content-Disposition"] = f'attachment; filename="appraisal-{month:%Y-%m}.{fmt}"'
    return response


# --- open data ---------------------------------------------------------------------------------------------


def _iso(value):
    return value.isoformat() if value else None


def demand_records(*, month=None):
    """Demand-level open records (dicts), read in chunks from the database."""
    cases = Case.objects.order_by("pk")
    if month is not None:
        start, end = services.month_bounds(month)
        cases = cases.filter(received_at__gte=start, received_at__lt=end)
    rows = cases.values_list(
        "pk",
        "received_at",
        "signed_at",
        "replied_at",
        "closed_at",
        "status",
        "category__code",
        "lead_unit__code",
        "region__code",
    )
    for pk, received, signed, replied, closed, status, category, unit, region in rows.iterator(
        chunk_size=2000
    ):
        yield {
            "id": pk,
            "month": f"{timezone.localtime(received):%Y-%m}",
            "received_at": _iso(received),
            "signed_at": _iso(signed),
            "replied_at": _iso(replied),
            "closed_at": _iso(closed),
            "status": status,
            "category": category,
            "unit": unit,
            "region": region,
        }


def figure_records():
    """Monthly figures of the whole jurisdiction, units, regions and categories (never officials)."""
    codes = {}
    for dimension, model in selectors.LABELS.items():
        codes[dimension] = dict(model.objects.values_list("pk", "code"))
    rows = MonthlyFigures.objects.exclude(dimension=Dimension.OFFICIAL).order_by("month", "dimension", "key")
    for row in rows.iterator(chunk_size=2000):
        figures = metrics.compute(selectors._counts(row), services.rules_for(row.month))
        record = {
            "month": f"{row.month:%Y-%m}",
            "dimension": row.dimension,
            "code": codes.get(row.dimension, {}).get(row.key, "") if row.dimension != Dimension.TOTAL else "",
            "received": row.received,
            "counted": row.counted,
        }
        record.update({key: figures[key].value for key in REPORT_METRICS})
        yield record


class _Echo:
    def write(self, value):
        return value


def _stream(records, columns, fmt, filename):
    if fmt == "csv":
        writer = csv.writer(_Echo(), lineterminator="\r\n")

        def lines():
            yield writer.writerow(columns)
            for record in records:
                yield writer.writerow([neutralise("" if record[c] is None else record[c]) for c in columns])

        content_type = "text/csv; charset=utf-8"
    elif fmt == "json":

        def lines():
            yield "[\n"
            first = True
            for record in records:
                yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
                first = False
            yield "\n]\n"

        content_type = "application/json"
    else:
        raise Http404(_("Choose csv or json."))
    response = StreamingHttpResponse(lines(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@require_GET
def open_demands(request, fmt):
    month = selectors.parse_month(request.GET.get("month", ""))
    return _stream(demand_records(month=month), DEMAND_COLUMNS, fmt, "massline-demands")


@require_GET
def open_figures(request, fmt):
    return _stream(figure_records(), FIGURE_COLUMNS, fmt, "massline-figures")
