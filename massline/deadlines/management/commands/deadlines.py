"""`massline deadlines load-year|check|due`: enter a year's holidays from a file, see which years are
known, and compute a due time from the command line."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from massline.deadlines import calendar as cal
from massline.deadlines.choices import DataSource, DayKind, TimeUnit
from massline.deadlines.files import parse_year_file
from massline.deadlines.models import HolidayYear, WorkCalendar
from massline.deadlines.selectors import calendar_warnings
from massline.deadlines.services import holiday_year_load
from massline.lib.errors import DomainError


def _calendar(code):
    if code is None:
        return None
    calendar = WorkCalendar.objects.filter(code=code).first()
    if calendar is None:
        codes = ", ".join(WorkCalendar.objects.values_list("code", flat=True))
        raise CommandError(
            _("There is no working calendar with the code %(code)s: use one of %(codes)s.")
            % {"code": code, "codes": codes}
        )
    return calendar


def _years(years):
    """[2004, 2005, 2006, 2027] -> "2004–2006, 2027"."""
    runs = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


class Command(BaseCommand):
    help = _(
        "Working calendars: `load-year FILE` enters a year's holidays and make-up working days, `check` "
        "lists the known years and warns about a coming year without holidays, `due` computes a due time."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load-year", help=_("Enter a year's holiday notice from a CSV or JSON file."))
        load.add_argument("file", help=_("CSV (date,kind,name) or JSON file; see docs/deadlines.md."))
        load.add_argument(
            "--calendar", metavar="CODE", help=_("Only for this calendar (default: for every calendar).")
        )
        load.add_argument(
            "--year", type=int, help=_("The year of the notice (default: read from the dates).")
        )
        load.add_argument("--notice", default="", help=_("The notice's document number or title."))
        load.add_argument(
            "--allow-example",
            action="store_true",
            help=_("Load a file marked as an example (for trying Massline out, never in production)."),
        )
        check = sub.add_parser("check", help=_("List the known years and warn about a coming unknown year."))
        check.add_argument(
            "--warn-days", type=int, default=None, help=_("Warn this many days before a year begins.")
        )
        check.add_argument(
            "--today", type=date.fromisoformat, default=None, help=_("Check as if on this date.")
        )
        check.add_argument(
            "--fail-on-warning", action="store_true", help=_("Exit with status 1 when there is a warning.")
        )
        due = sub.add_parser("due", help=_("Print when a time limit starting at START falls due."))
        due.add_argument(
            "start", help=_("“now”, or a time such as 2026-09-30T10:00 (local time if no offset).")
        )
        due.add_argument("amount", help=_("How much time, e.g. 7 or 0.5."))
        due.add_argument("unit", choices=TimeUnit.values, help=_("The unit of the amount."))
        due.add_argument(
            "--calendar", metavar="CODE", help=_("The calendar (default: the default calendar).")
        )

    def handle(self, *args, **options):
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _load_year(self, options):
        calendar = _calendar(options["calendar"])
        notice = parse_year_file(
            options["file"], year=options["year"], allow_example=options["allow_example"]
        )
        holiday_year_load(
            calendar=calendar,
            year=notice.year,
            days=notice.days,
            source=DataSource.FILE,
            by=None,
            notice=options["notice"] or notice.notice,
        )
        values = {
            "year": notice.year,
            "scope": calendar.label if calendar else _("every calendar"),
            "holidays": sum(1 for _d, kind, _n in notice.days if kind == DayKind.HOLIDAY),
            "workdays": sum(1 for _d, kind, _n in notice.days if kind == DayKind.WORKDAY),
        }
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Loaded %(year)d for %(scope)s: %(holidays)d day(s) off, "
                    "%(workdays)d make-up working day(s)."
                )
                % values
            )
        )

    def _check(self, options):
        today = options["today"] or timezone.localdate()
        self.stdout.write(
            _("Holidays in the chinese-calendar package: %(first)d–%(last)d.")
            % {"first": cal.PACKAGE_FIRST_YEAR, "last": cal.PACKAGE_LAST_YEAR}
        )
        entered = list(HolidayYear.objects.filter(calendar__isnull=True).values_list("year", flat=True))
        for calendar in WorkCalendar.objects.filter(is_active=True):
            own = HolidayYear.objects.filter(calendar=calendar).values_list("year", flat=True)
            self.stdout.write(
                _(
                    "%(calendar)s%(default)s: known years %(known)s; "
                    "entered for every calendar: %(entered)s; "
                    "entered for this calendar: %(own)s; first year without holidays: %(unknown)d."
                )
                % {
                    "calendar": calendar.label,
                    "default": _(" (default)") if calendar.is_default else "",
                    "known": _years(cal.known_years(calendar)),
                    "entered": _years(entered) or "-",
                    "own": _years(own) or "-",
                    "unknown": cal.first_unknown_year(calendar, from_year=today.year),
                }
            )
        warnings = calendar_warnings(today=today, warn_days=options["warn_days"])
        for warning in warnings:
            label = _("ERROR") if warning.level == "error" else _("WARNING")
            self.stdout.write(
                self.style.WARNING(_("%(label)s: %(message)s") % {"label": label, "message": warning})
            )
        if warnings and options["fail_on_warning"]:
            raise CommandError(_("A year without holidays is near: see the warning above."), returncode=1)

    def _due(self, options):
        text = options["start"].strip()
        if text.lower() == "now":
            start = timezone.now()
        else:
            try:
                start = datetime.fromisoformat(text)
            except ValueError:
                raise CommandError(
                    _("%(value)s is not a time: write it like 2026-09-30T10:00 or “now”.") % {"value": text}
                ) from None
            if timezone.is_naive(start):
                start = timezone.make_aware(start)
        try:
            amount = Decimal(options["amount"])
        except InvalidOperation:
            raise CommandError(
                _("%(value)s is not an amount: write a number such as 7 or 0.5.")
                % {"value": options["amount"]}
            ) from None
        calendar = _calendar(options["calendar"])
        due = cal.due_at(start, amount, options["unit"], calendar)
        line = f"{due.isoformat()}  {date_format(due, 'l')} {timezone.get_default_timezone_name()}"
        if cal.provisional_between(start, due, options["unit"], calendar):
            line += "  " + _(
                "(provisional: counted on the statutory holidays of a year whose notice is not entered)"
            )
        self.stdout.write(line)
