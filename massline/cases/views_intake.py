"""The operator's intake desk (受理台): phone, walk-in and letter demands entered fast, the caller's
earlier demands found by their number, and consultations answered directly from the knowledge base.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from massline.audit.services import audit_record
from massline.lib.errors import DomainError
from massline.lib.masking import mask_phone
from massline.org.choices import Role
from massline.org.selectors import user_scope

from . import routing_seam
from .choices import CaseStatus
from .forms import IntakeForm
from .knowledge import knowledge_search
from .models import Case, KnowledgeArticle
from .services.intake import case_answer_directly, case_submit, normalise_phone

INTAKE_ROLES = (Role.OPERATOR, Role.DISPATCHER)
CALLER_HISTORY = 10
# Below this many characters of title and description there is nothing to suggest from.
SUGGEST_MIN_CHARS = 4


def operator_required(view):
    """Anonymous → login; anyone but the centre's operators, dispatchers and administrators → 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_scope(request.user).has_role(*INTAKE_ROLES):
            raise PermissionDenied(
                _(
                    "The intake desk is for the centre's operators and dispatchers. "
                    "Ask your administrator for the role."
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


def _put_error(form, exc):
    field = getattr(exc, "field", None)
    form.add_error(field if field in form.fields else None, str(exc.message))


def _submit(request, form):
    """Create the demand, and answer it at once when the operator chose a knowledge-base answer; both or
    neither happen."""
    article = None
    if answer_with := request.POST.get("answer_with"):
        article = KnowledgeArticle.objects.filter(pk=answer_with if answer_with.isdigit() else 0).first()
        if article is None:
            form.add_error(None, _("That knowledge-base answer no longer exists: search again."))
            return None
    with transaction.atomic():
        case = case_submit(**form.submit_kwargs(), by=request.user)
        if article is not None and case.status == CaseStatus.RECEIVED:
            case_answer_directly(case=case, article=article, by=request.user)
    return case


@operator_required
@require_http_methods(["GET", "POST"])
def desk(request):
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = _submit(request, form)
            except DomainError as exc:
                _put_error(form, exc)
            else:
                if case is not None:
                    if case.status == CaseStatus.REPLIED:
                        text = _("Demand %(code)s answered from the knowledge base; the caller can rate it.")
                    else:
                        text = _("Demand %(code)s received; it waits in the dispatcher's queue.")
                    messages.success(request, text % {"code": case.tracking_code})
                    return redirect("cases_intake:desk")
        status = 400
    else:
        form = IntakeForm()
        status = 200
    return render(request, "cases/intake/desk.html", {"form": form}, status=status)


@operator_required
@require_GET
def caller(request):
    """The caller's earlier demands, found by the phone number the operator typed (htmx partial)."""
    phone = normalise_phone(request.GET.get("citizen_phone", ""))
    cases = []
    if sum(ch.isdigit() for ch in phone) >= 5:
        cases = list(
            Case.objects.filter(citizen__phone=phone)
            .select_related("category", "lead_unit")
            .order_by("-received_at")[:CALLER_HISTORY]
        )
        if cases:
            audit_record(
                action="personal_data.lookup",
                actor=request.user,
                object_type="cases.case",
                details={"by": "phone", "phone": mask_phone(phone), "found": len(cases)},
            )
    return render(request, "cases/intake/_caller.html", {"cases": cases, "phone": phone})


@operator_required
@require_GET
def knowledge(request):
    """Knowledge-base answers matching the search box, or else the demand's title and description."""
    query = request.GET.get("q", "").strip()
    if not query:
        query = " ".join(request.GET.get(name, "") for name in ("title", "description")).strip()
    hits = knowledge_search(query[:1000], limit=8) if query else []
    return render(request, "cases/intake/_knowledge.html", {"hits": hits, "query": query})


def _coordinate(value, low, high):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@operator_required
@require_GET
def suggest(request):
    """Routing's category suggestions and the earlier demands this one may repeat, for the demand being typed
    (htmx partial; empty when routing is off or the text is too short to say anything)."""
    title = request.GET.get("title", "").strip()[:200]
    description = request.GET.get("description", "").strip()[:4000]
    categories, duplicates = [], []
    if len(title) + len(description) >= SUGGEST_MIN_CHARS:
        categories = routing_seam.intake_suggestions(
            title=title, description=description, channel=request.GET.get("channel", "")[:20]
        )
        category = request.GET.get("category", "")
        duplicates = routing_seam.intake_duplicates(
            user=request.user,
            title=title,
            description=description,
            lat=_coordinate(request.GET.get("lat"), -90, 90),
            lon=_coordinate(request.GET.get("lon"), -180, 180),
            category_id=int(category) if category.isdigit() else None,
        )
    return render(
        request,
        "cases/intake/_suggest.html",
        {"categories": categories, "duplicates": duplicates, "asked": bool(title or description)},
    )
