"""Who may use each URL of disclosure (see massline/lib/access_policy.py): the request form, the
register, the statistics and the reports for everyone; the tracking page and what it offers (correct,
mark unsatisfactory, download the answer's documents) for whoever holds the tracking code, the
applicant's key, not an account. The staff queue by scope: readers whose scope covers unit A see its
requests, only unit A's handlers and head (and the administrator) take the steps; others get 404."""

from massline.lib.access_policy import EVERYONE, OFFICIALS, Rule
from massline.lib.testing import sample_pdf

HANDLERS = frozenset({"officer_a", "unit_head_a", "admin_user"})
READERS = HANDLERS | {"supervisor", "inspector"}


def _public(kwargs=None, method="GET"):
    return Rule(EVERYONE, method=method, kwargs=kwargs)


RULES = {
    "disclosure:register": _public(),
    "disclosure:submit": _public(),
    "disclosure:track_lookup": _public(),
    "disclosure:track": _public("request_code"),
    "disclosure:correct": _public("request_code", method="POST"),
    "disclosure:unsatisfied": _public("request_code", method="POST"),
    "disclosure:document": _public("document"),
    "disclosure:register_detail": _public("request_code"),
    "disclosure:statistics": _public(),
    "disclosure:report_pdf": _public(),
    "disclosure:report_xlsx": _public(),
    "disclosure_staff:list": Rule(OFFICIALS),
    # Any official may record a request received at a counter, for an agency in their scope.
    "disclosure_staff:create": Rule(OFFICIALS),
    "disclosure_staff:detail": Rule(READERS, kwargs="request"),
    "disclosure_staff:forward": Rule(HANDLERS, method="POST", kwargs="request"),
    "disclosure_staff:step": Rule(HANDLERS, method="POST", kwargs="request_step"),
}


def samples(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from massline.disclosure import services
    from massline.disclosure.choices import AnswerType
    from massline.disclosure.models import AnswerDocument

    item = services.request_submit(
        unit=world.org.unit_a,
        description="The 2025 budget of the road maintenance fund.",
        applicant_name="张三",
        id_document="110101199001011234",
        phone="13911112222",
    )
    services.request_answer(
        request=item,
        answer_type=AnswerType.DISCLOSED,
        text="The budget is attached.",
        documents=[("budget.pdf", SimpleUploadedFile("budget.pdf", sample_pdf()))],
        by=world.users["officer_a"],
    )
    document = AnswerDocument.objects.get(request=item)
    return {
        "request": {"pk": item.pk},
        "request_step": {"pk": item.pk, "step": "answer"},
        "request_code": {"code": item.tracking_code},
        "document": {"code": item.tracking_code, "document_id": document.pk},
    }
