"""Public pages of integrity tip-offs: submit anonymously, come back with the receipt code.

No session is used for the reporter: after the receipt code, the page carries a short-lived encrypted
token in its forms. Uploads stay in memory (never in a temporary file in clear), requests larger than
the allowed files are refused before they are read, and nothing the reporter wrote is logged.
"""

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from massline.audit.middleware import client_ip
from massline.lib.errors import DomainError
from massline.lib.forms import bound_data
from massline.lib.ratelimit import count_hit

from . import conf, crypto, pow, services
from .forms import ReceiptForm, ReporterEvidenceForm, ReporterReplyForm, TipForm


class _MemoryOnly(MemoryFileUploadHandler):
    """Keep every upload in memory: the request size was checked before parsing."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = True


def _max_request_bytes():
    return conf.attachment_max_count() * conf.attachment_max_bytes() + 2 * 1024 * 1024


def _too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > _max_request_bytes()


def _limited(request, bucket, limit):
    # The address is counted under its keyed hash: the shared cache never holds it in clear.
    who = crypto.keyed_hash("rate", client_ip(request) or "unknown")
    return count_hit(f"integrity:{bucket}:{who}", window=3600) > limit


def _refusal(request, message, status):
    return render(request, "integrity/refused.html", {"message": message}, status=status)


def _uploads(request):
    return [(f.name, f.read()) for f in request.FILES.getlist("files")]


def _pow_context():
    return {"pow_challenge": pow.challenge_new(), "pow_bits": conf.pow_bits()}


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "POST":
        if _too_large(request):
            return _refusal(request, _("The files are too large together: send fewer or smaller files."), 413)
        request.upload_handlers = [_MemoryOnly(request)]
    return _submit(request)


@csrf_protect
def _submit(request):
    form = TipForm(*bound_data(request, files=True))
    if request.method == "POST":
        if _limited(request, "submit", conf.submit_rate()):
            return _refusal(
                request, _("Too many tip-offs from your network in the last hour: try again later."), 429
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                pow.challenge_check(data["pow_challenge"], data["pow_solution"])
                identity = (
                    services.Identity(
                        name=data["name"],
                        phone=data["phone"],
                        email=data["email"],
                        id_number=data["id_number"],
                    )
                    if data["identify"]
                    else None
                )
                tip, receipt = services.tip_submit(
                    unit=data["unit"],
                    official=data["official"],
                    position=data["position"],
                    what=data["what"],
                    when=data["when"],
                    where=data["where"],
                    identity=identity,
                    uploads=_uploads(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return render(
                    request, "integrity/receipt_shown.html", {"receipt": crypto.format_receipt(receipt)}
                )
    return render(
        request,
        "integrity/submit.html",
        {"form": form, **_pow_context()},
        status=400 if form.errors else 200,
    )


def _reporter_page(request, tip, content_key, *, status=200, reply_form=None, evidence_form=None, notice=""):
    token = services.reporter_token(tip, content_key)
    view = services.reporter_view(tip=tip, content_key=content_key)
    return render(
        request,
        "integrity/reporter.html",
        {
            "view": view,
            "tip": tip,
            "reply_form": reply_form or ReporterReplyForm(initial={"token": token}),
            "evidence_form": evidence_form or ReporterEvidenceForm(initial={"token": token}),
            "token": token,
            "notice": notice,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def receipt(request):
    form = ReceiptForm(*bound_data(request))
    if request.method == "POST":
        if _limited(request, "receipt", conf.receipt_rate()):
            return _refusal(
                request, _("Too many receipt codes tried from your network: try again in an hour."), 429
            )
        if form.is_valid():
            try:
                pow.challenge_check(form.cleaned_data["pow_challenge"], form.cleaned_data["pow_solution"])
                tip, content_key = services.reporter_open(receipt=form.cleaned_data["receipt"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                return _reporter_page(request, tip, content_key)
    return render(
        request,
        "integrity/receipt.html",
        {"form": form, **_pow_context()},
        status=400 if form.errors else 200,
    )


@never_cache
@require_POST
def reporter_reply(request):
    form = ReporterReplyForm(request.POST)
    try:
        tip, content_key = services.reporter_from_token(request.POST.get("token", ""))
    except DomainError as exc:
        return _refusal(request, exc.message, 400)
    if form.is_valid():
        try:
            services.reporter_reply(tip=tip, content_key=content_key, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _reporter_page(request, tip, content_key, status=400, reply_form=form)
    return _reporter_page(request, tip, content_key, notice=_("Your message was sent."))


@never_cache
@csrf_exempt
@require_POST
def reporter_evidence(request):
    if _too_large(request):
        return _refusal(request, _("The files are too large together: send fewer or smaller files."), 413)
    request.upload_handlers = [_MemoryOnly(request)]
    return _reporter_evidence(request)


@csrf_protect
def _reporter_evidence(request):
    try:
        tip, content_key = services.reporter_from_token(request.POST.get("token", ""))
    except DomainError as exc:
        return _refusal(request, exc.message, 400)
    form = ReporterEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = services.reporter_add_evidence(
                tip=tip, content_key=content_key, uploads=_uploads(request)
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            return _reporter_page(request, tip, content_key, status=400, evidence_form=form)
        return _reporter_page(
            request, tip, content_key, notice=_("%(n)s file(s) added to your tip-off.") % {"n": count}
        )
    return _reporter_page(request, tip, content_key, status=400, evidence_form=form)
