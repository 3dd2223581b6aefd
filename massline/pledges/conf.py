"""The numbers the pledges rules turn on, each a named setting with a default.

Override any of them in settings (e.g. MASSLINE_PLEDGE_MILESTONE_WARN_SHARE = 0.9); the value is read
when used, so tests may change it with `override_settings`.
"""

import datetime as dt

from django.conf import settings

DEFAULTS = {
    # A milestone is warned when this share of its working time is used (like demands' warnings).
    "MASSLINE_PLEDGE_MILESTONE_WARN_SHARE": 0.8,
    # Working hours between the rungs of an overdue milestone's ladder (reminder at the due time, then the
    # unit head, then the supervisors), as MASSLINE_ESCALATION_STEP_HOURS is for demands; 7 is one working
    # day of the default calendar.
    "MASSLINE_PLEDGE_ESCALATION_STEP_WORKING_HOURS": 7.0,
    # The default progress (%) of each delivery status (Decidim's "status with a progress").
    "MASSLINE_PLEDGE_STATUS_PROGRESS": {
        "not_started": 0,
        "preparing": 10,
        "under_way": 50,
        "acceptance": 90,
        "done": 100,
        "carried_over": 0,
    },
    # Equal shares' add-one completion raises each voter's share by this much money per step.
    "MASSLINE_PLEDGE_EQUAL_SHARES_INCREMENT": 1,
    # Which categories of demands count toward a theme's "asked for most": words found in a category's
    # name or its parents' (Chinese and English names).
    "MASSLINE_PLEDGE_THEME_KEYWORDS": {
        "employment": ["就业", "劳动", "工资", "招聘", "employment", "labour", "job"],
        "pension": ["养老", "社会保障", "社保", "退休", "pension", "elderly", "senior"],
        "schooling": ["教育", "学校", "入学", "school", "education"],
        "medical": ["医疗", "卫生", "医院", "medical", "health", "hospital"],
        "housing": ["住房", "房屋", "物业", "小区", "housing", "building"],
        "water": ["自来水", "供水", "饮水", "水质", "water"],
    },
    # How many top categories are shown beside each theme on the nomination form.
    "MASSLINE_PLEDGE_DEMANDS_PER_THEME": 3,
    "MASSLINE_PLEDGE_TEXT_MAX_LENGTH": 3000,
    # Public writes (nominations, ballots, ratings, follows) per client address per hour.
    "MASSLINE_PLEDGE_WRITE_RATE": 30,
    "MASSLINE_PLEDGE_PHOTO_MAX_MB": 10,
    # How often (seconds) the worker opens and closes phases by the calendar and checks milestones.
    "MASSLINE_PLEDGE_WORKER_INTERVAL": 300.0,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def milestone_warn_share():
    return float(get("MASSLINE_PLEDGE_MILESTONE_WARN_SHARE"))


def escalation_step():
    return dt.timedelta(hours=float(get("MASSLINE_PLEDGE_ESCALATION_STEP_WORKING_HOURS")))


def status_progress(status):
    return int(get("MASSLINE_PLEDGE_STATUS_PROGRESS").get(str(status), 0))


def equal_shares_increment():
    return get("MASSLINE_PLEDGE_EQUAL_SHARES_INCREMENT")


def theme_keywords():
    return get("MASSLINE_PLEDGE_THEME_KEYWORDS")


def demands_per_theme():
    return int(get("MASSLINE_PLEDGE_DEMANDS_PER_THEME"))


def text_max_length():
    return int(get("MASSLINE_PLEDGE_TEXT_MAX_LENGTH"))


def write_rate():
    return int(get("MASSLINE_PLEDGE_WRITE_RATE"))


def photo_max_mb():
    return int(get("MASSLINE_PLEDGE_PHOTO_MAX_MB"))


def worker_interval():
    return float(get("MASSLINE_PLEDGE_WORKER_INTERVAL"))
