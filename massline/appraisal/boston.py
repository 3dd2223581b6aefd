"""Massline's on-time share against the City of Boston's own figures for its 2015 cases (`OnTime_Status`).

The cases importer loads each row with the city's target time as the reply due time and the city's flag
as `was_late`; Massline then decides on-time from the times alone, with its strict definition (closed
by the due time, of the closed plus the open already overdue at the end of the data), in one aggregate
per department. Rows counted differently are counted and explained: open rows not yet past a target at the
end of the data (no target, or a later one: ONTIME for the city, outside Massline's denominator), rows
without a target, and rows where the times and the city's flag disagree.
"""

from django.db.models import Count, F, Max, Q

from massline.cases.models import Case
from massline.cases.services.imports import SOURCES, import_cases


def _share(part, whole):
    return None if not whole else part / whole


def reproduce_boston2015(path, *, limit=None):
    summary = import_cases(path, fmt="boston2015", limit=limit)
    cases = Case.objects.filter(source=SOURCES["boston2015"])
    # The end of the data stands for "now" of the city's export: an open case past its target is overdue.
    end = cases.aggregate(end=Max("received_at"))["end"]
    closed = Q(closed_at__isnull=False)
    has_target = Q(due_reply_at__isnull=False)
    ours_on_time = closed & (~has_target | Q(closed_at__lte=F("due_reply_at")))
    ours_late = (closed & has_target & Q(closed_at__gt=F("due_reply_at"))) | (
        ~closed & has_target & Q(due_reply_at__lt=end)
    )
    rows = (
        cases.values("lead_unit__name")
        .order_by("lead_unit__name")
        .annotate(
            rows=Count("id"),
            massline_on_time=Count("id", filter=ours_on_time),
            massline_late=Count("id", filter=ours_late),
            city_on_time=Count("id", filter=Q(was_late=False)),
            city_overdue=Count("id", filter=Q(was_late=True)),
            no_target=Count("id", filter=~has_target),
            open_not_due=Count("id", filter=~closed & ~(has_target & Q(due_reply_at__lt=end))),
            disagree=Count("id", filter=(ours_on_time & Q(was_late=True)) | (ours_late & Q(was_late=False))),
        )
    )
    departments = []
    totals = dict.fromkeys(
        (
            "rows",
            "massline_on_time",
            "massline_late",
            "city_on_time",
            "city_overdue",
            "no_target",
            "open_not_due",
            "disagree",
        ),
        0,
    )
    for row in rows:
        for key in totals:
            totals[key] += row[key]
        departments.append(
            {
                "department": row["lead_unit__name"] or "",
                "rows": row["rows"],
                "massline_on_time_share": _share(
                    row["massline_on_time"], row["massline_on_time"] + row["massline_late"]
                ),
                "city_on_time_share": _share(row["city_on_time"], row["city_on_time"] + row["city_overdue"]),
                "no_target": row["no_target"],
                "open_not_due": row["open_not_due"],
                "counted_differently": row["disagree"],
            }
        )
    return {
        "file": summary.file,
        "rows_read": summary.read,
        "rows_loaded": summary.loaded + summary.existing,
        "rows_rejected": dict(summary.rejected),
        "massline_on_time_share": _share(
            totals["massline_on_time"], totals["massline_on_time"] + totals["massline_late"]
        ),
        "city_on_time_share": _share(totals["city_on_time"], totals["city_on_time"] + totals["city_overdue"]),
        "no_target": totals["no_target"],
        "open_not_due": totals["open_not_due"],
        "counted_differently": totals["disagree"],
        "still_open_at_end": cases.filter(closed_at__isnull=True).count(),
        "departments": departments,
    }
