"""The errors the deadlines app raises; each message is translated and says what to do."""

from django.utils.translation import gettext as _

from massline.lib.errors import DomainError


class CalendarYearUnknown(DomainError):
    """A computation reached a year for which not even the statutory holidays can be computed (outside
    the range of the `holidays` package). Years merely without a notice are counted provisionally
    (statutory.py); this error is for dates no demand should carry.
    """

    code = "calendar_year_unknown"

    def __init__(self, year, calendar_label=""):
        self.year = year
        self.calendar_label = calendar_label
        values = {"year": year, "calendar": calendar_label}
        if calendar_label:
            message = _(
                "The working calendar “%(calendar)s” has no holidays for %(year)d, so time limits that "
                "reach into %(year)d cannot be counted. Enter the State Council's holiday notice for "
                "%(year)d in the admin (Deadlines › Holiday years) or load it with "
                "`massline deadlines load-year FILE`."
            )
        else:
            message = _(
                "There are no holidays for %(year)d, so time limits that reach into %(year)d cannot be "
                "counted. Enter the State Council's holiday notice for %(year)d in the admin "
                "(Deadlines › Holiday years) or load it with `massline deadlines load-year FILE`."
            )
        super().__init__(message % values)


class ClockStateError(DomainError):
    """A clock cannot make this transition in its present state."""

    code = "clock_state"
