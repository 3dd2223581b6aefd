"""The days off a year has before its State Council notice is entered: the provisional calendar.

A year's exact arrangement (which weekdays are bridged, which weekends become make-up working days)
is only known from the State Council's notice (国务院办公厅关于部分节假日安排的通知), usually published
in November. Until an administrator enters it, time limits are still counted, on what the national
rules fix by themselves:

- 《全国年节及纪念日放假办法》 as revised in 2024 (国务院令第795号), article 2: New Year's Day 1 day,
  the Spring Festival 4 days (the eve and the first three days of the first lunar month), Qingming 1,
  Labour Day 2 (1 and 2 May), the Dragon Boat Festival 1, the Mid-Autumn Festival 1, National Day 3
  (1 to 3 October);
- article 6 of the same rules: a holiday for all citizens that falls on a Saturday or Sunday is made
  up on a working day (补假);
- every Saturday and Sunday off.

The lunar and solar-term dates come from the `holidays` package (its `China` calendar), not from
arithmetic of our own. Where that package already carries the notice for the year (its substituted
days off and weekend working days), those are used too: they are still provisional for Massline until
an administrator enters the notice, but closer to it.
"""

from functools import cache

import holidays


@cache
def provisional_days(year):
    """{date: (is_working_day, name)} for the days of `year` that differ from Monday to Friday.

    Raises ValueError when the rules cannot be applied to that year (outside the package's range).
    """
    try:
        calendar = holidays.China(years=year, language="zh_CN")
    except (NotImplementedError, KeyError) as exc:
        raise ValueError(f"no statutory holidays are known for {year}") from exc
    days = {day: (False, str(name)) for day, name in calendar.items() if day.year == year}
    if not days:
        raise ValueError(f"no statutory holidays are known for {year}")
    for day in getattr(calendar, "weekend_workdays", ()):
        if day.year == year:
            days[day] = (True, "调休上班")
    return days
