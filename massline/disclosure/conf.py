"""The numbers of the disclosure rules, each a named setting with a default (2019 Regulations).

Override any of them in settings (e.g. MASSLINE_DISCLOSURE_ANSWER_WORKING_DAYS = 15 where a province
sets a shorter limit); the value is read when used, so tests may change it with `override_settings`.
"""

from datetime import timedelta

from django.conf import settings

DEFAULTS = {
    # 第三十三条: answer within 20 working days of receipt.
    "MASSLINE_DISCLOSURE_ANSWER_WORKING_DAYS": 20,
    # 第三十三条: one extension of at most 20 working days, approved by the head of the office.
    "MASSLINE_DISCLOSURE_EXTENSION_WORKING_DAYS": 20,
    # 第三十条: the applicant corrects an unclear request within the time the office gives (7 working days).
    "MASSLINE_DISCLOSURE_CLARIFICATION_WORKING_DAYS": 7,
    # 第三十条: the office asks for a correction at most once, within 7 working days of receipt.
    "MASSLINE_DISCLOSURE_CLARIFICATION_ASK_WORKING_DAYS": 7,
    # 第三十二条: a consulted third party answers within 15 working days.
    "MASSLINE_DISCLOSURE_CONSULTATION_WORKING_DAYS": 15,
    # Share of the answering time after which the unit is warned.
    "MASSLINE_DISCLOSURE_WARNING_SHARE": 0.75,
    # Working hours between two rungs of the overdue ladder (reminder at the due time, then the unit head,
    # the supervisor, the accountability decision), as MASSLINE_ESCALATION_STEP_HOURS is for demands;
    # 7 is one working day of the default calendar (09:00-12:00, 13:30-17:30).
    "MASSLINE_DISCLOSURE_ESCALATION_STEP_WORKING_HOURS": 7.0,
    # The annual report of a year is due by 31 January of the next (第四十九条); its officers are reminded
    # on the first working day of January from this hour (local time), once a year.
    "MASSLINE_DISCLOSURE_REPORT_REMINDER_HOUR": 9,
    # Statistics: a share is published only over at least this many requests.
    "MASSLINE_DISCLOSURE_MIN_COUNT": 5,
    # Public requests per client address per hour.
    "MASSLINE_DISCLOSURE_SUBMIT_RATE": 10,
    # How often (seconds) the worker looks for warnings, overdue requests and lapsed clarifications.
    "MASSLINE_DISCLOSURE_WORKER_INTERVAL": 60.0,
}


def get(name):
    return getattr(settings, name, DEFAULTS[name])


def answer_working_days():
    return int(get("MASSLINE_DISCLOSURE_ANSWER_WORKING_DAYS"))


def extension_working_days():
    return int(get("MASSLINE_DISCLOSURE_EXTENSION_WORKING_DAYS"))


def clarification_working_days():
    return int(get("MASSLINE_DISCLOSURE_CLARIFICATION_WORKING_DAYS"))


def consultation_working_days():
    return int(get("MASSLINE_DISCLOSURE_CONSULTATION_WORKING_DAYS"))


def warning_share():
    return float(get("MASSLINE_DISCLOSURE_WARNING_SHARE"))


def min_count():
    return int(get("MASSLINE_DISCLOSURE_MIN_COUNT"))


def submit_rate():
    return int(get("MASSLINE_DISCLOSURE_SUBMIT_RATE"))


def worker_interval():
    return float(get("MASSLINE_DISCLOSURE_WORKER_INTERVAL"))


# 《政府信息公开信息处理费管理办法》(2020), charged by volume (按量计收): pages of one answer up to each
# bound cost this many yuan per page; the last band has no bound.
FEE_BANDS_DEFAULT = ((30, 0), (100, 10), (200, 20), (None, 40))


def fee_bands():
    return tuple(getattr(settings, "MASSLINE_DISCLOSURE_FEE_BANDS", FEE_BANDS_DEFAULT))


def clarification_ask_working_days():
    return int(get("MASSLINE_DISCLOSURE_CLARIFICATION_ASK_WORKING_DAYS"))


def escalation_step():
    return timedelta(hours=float(get("MASSLINE_DISCLOSURE_ESCALATION_STEP_WORKING_HOURS")))


def report_reminder_hour():
    return int(get("MASSLINE_DISCLOSURE_REPORT_REMINDER_HOUR"))
