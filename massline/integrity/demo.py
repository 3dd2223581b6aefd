"""Integrity tip-offs in the demo: keys for two discipline inspectors of the county (the demo password)
and one anonymous tip-off about the housing bureau, whose receipt code the demo prints.

Idempotent: keys are made once per inspector, the tip-off only while there is none.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from massline.org import services as org_services
from massline.org.choices import Role
from massline.org.demo import DEMO_PASSWORD
from massline.org.models import Region, Unit

from . import crypto, services
from .models import InspectorKey, Tip

INSPECTORS = [("inspector", "冯涛"), ("inspector_2", "秦岚")]
UNIT_CODE = "zjj"


def _inspector(username, display_name, county):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = org_services.official_create(
            username=username,
            password=DEMO_PASSWORD,
            grants=[org_services.Grant(role=Role.DISCIPLINE_INSPECTOR, region=county)],
            display_name=display_name,
            by=None,
        )
    return user


def load_demo(report):
    """The hook `massline demo` calls."""
    county = Region.objects.filter(parent__isnull=True).order_by("path").first()
    unit = Unit.objects.filter(code=UNIT_CODE).first()
    if county is None or unit is None:
        return
    made = 0
    for username, display_name in INSPECTORS:
        user = _inspector(username, display_name, county)
        if not InspectorKey.objects.filter(user=user).exists() and user.check_password(DEMO_PASSWORD):
            services.inspector_key_setup(user=user, password=DEMO_PASSWORD)
            made += 1
        if username != "inspector":
            report.login(username=username, role=Role.DISCIPLINE_INSPECTOR.label, scope=county.label)
    if Tip.objects.exists():
        report.note(
            _("Integrity: %(n)s tip-off(s) on file; inspector keys open with the demo password.")
            % {"n": Tip.objects.count()}
        )
        return
    _tip, receipt = services.tip_submit(
        unit=unit,
        official="某科长",
        position="工程科科长",
        what="老旧小区改造项目验收时，施工单位宴请工程科人员，并赠送购物卡。",
        when="2026年10月",
        where="县城某酒店",
    )
    report.note(
        _("Integrity: %(keys)s inspector key(s) made; a demo tip-off's receipt code is %(code)s.")
        % {"keys": made, "code": crypto.format_receipt(receipt)}
    )
