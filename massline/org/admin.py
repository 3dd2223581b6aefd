"""The admin site for the organisation's reference data; every save and delete goes through the services.

So an edit in the admin is validated like any other and leaves an audit event; opening a citizen's
record is logged as a read of personal data.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from massline.audit.services import audit_record, audit_record_read
from massline.lib.csvfile import csv_response
from massline.lib.errors import DomainError
from massline.lib.masking import mask_email, mask_name, mask_phone
from massline.lib.phones import phone_key

from . import csv_io, services
from .choices import UNIT_ROLES, RegionLevel
from .models import Citizen, Membership, Region, Unit, User

CITIZEN_PERSONAL_FIELDS = ["name", "phone", "email", "address"]


def _adopt(obj, saved):
    """Make the admin's unsaved instance stand for the record a service created, for the redirect after."""
    obj.pk = saved.pk
    for name in ("path", "password", "is_staff", "is_superuser"):
        if hasattr(saved, name):
            setattr(obj, name, getattr(saved, name))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _changes(form, fields):
    return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))


class CsvAdminMixin:
    """An "Export selected as CSV" action and an import page, both built on org.csv_io.

    The admin class names `csv_filename` and `csv_columns` and defines `csv_rows(queryset)` and
    `csv_import(*, data, by)`.
    """

    change_list_template = "admin/org/change_list_csv.html"

    @admin.action(description=_("Export selected as CSV"))
    def export_csv(self, request, queryset):
        return csv_response(self.csv_filename, self.csv_columns, self.csv_rows(queryset))

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [
            path("import-csv/", self.admin_site.admin_view(self.import_view), name=name),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors = []
        form = CsvImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = self.csv_import(data=form.cleaned_data["file"].read(), by=request.user)
            except csv_io.CsvImportError as exc:
                errors = exc.errors
                messages.error(request, exc.message)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Imported %(noun)s: %(result)s.")
                    % {"noun": self.opts.verbose_name_plural, "result": result},
                )
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(noun)s from CSV") % {"noun": self.opts.verbose_name_plural},
            "form": form,
            "errors": errors,
            "columns": ",".join(self.csv_columns),
        }
        return render(request, "admin/org/import_csv.html", context)


class TreeAdminMixin:
    @admin.display(description=pgettext_lazy("org", "name"), ordering="path")
    def tree_name(self, obj):
        return format_html('<span style="padding-left:{}em">{}</span>', 1.5 * obj.depth, obj.label)

    def get_readonly_fields(self, request, obj=None):
        # Paths are built from code and parent: once a record exists they are fixed.
        fixed = self.fixed_fields if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def delete_queryset(self, request, queryset):
        # Children first (a longer path sorts after its parent's), so that no delete is refused.
        for obj in sorted(queryset, key=lambda o: o.path, reverse=True):
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(CsvAdminMixin, TreeAdminMixin, admin.ModelAdmin):
    list_display = ("tree_name", "code", "level", "parent", "centre_lat", "centre_lon", "unit_count")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    ordering = ("path",)
    autocomplete_fields = ("parent",)
    fields = ("code", "name", "name_en", "level", "parent", "centre_lat", "centre_lon", "boundary")
    fixed_fields = ("code", "level", "parent")
    actions = ("export_csv",)
    list_per_page = 200
    csv_filename = "regions.csv"
    csv_columns = csv_io.REGION_COLUMNS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(unit_count=Count("units"))

    @admin.display(description=_("units serving it"), ordering="unit_count")
    def unit_count(self, obj):
        return obj.unit_count

    def csv_rows(self, queryset):
        return csv_io.region_rows(queryset.select_related("parent").order_by("path"))

    def csv_import(self, *, data, by):
        return csv_io.regions_import(data=data, by=by)

    def save_model(self, request, obj, form, change):
        if change:
            current = Region.objects.get(pk=obj.pk)
            services.region_update(
                region=current, changes=_changes(form, services.REGION_FIELDS), by=request.user
            )
        else:
            data = {name: form.cleaned_data.get(name) for name in self.fields}
            _adopt(obj, services.region_create(**data, by=request.user))

    def delete_model(self, request, obj):
        services.region_delete(region=obj, by=request.user)


class MembershipForm(forms.ModelForm):
    """Checks what the grant service would refuse, so that the admin shows it on the form."""

    class Meta:
        model = Membership
        fields = ("user", "role", "unit", "region")

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and data.get("user") and data.get("role"):
            try:
                services.membership_check(
                    user=data["user"], role=data["role"], unit=data.get("unit"), region=data.get("region")
                )
            except DomainError as exc:
                raise ValidationError(exc.message) from exc
        return data


class MembershipInlineBase(admin.TabularInline):
    """Memberships are granted or revoked, never edited: existing rows are read-only."""

    model = Membership
    form = MembershipForm
    extra = 0
    readonly_fields = ("created_at",)

    def has_change_permission(self, request, obj=None):
        return False


class UnitMembershipInline(MembershipInlineBase):
    fk_name = "unit"
    fields = ("user", "role", "created_at")
    autocomplete_fields = ("user",)
    verbose_name = pgettext_lazy("org", "member")
    verbose_name_plural = _("members (unit roles: operator, dispatcher, handler, unit head)")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [("", "---------")] + [
                (value, label) for value, label in db_field.choices if value in UNIT_ROLES
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class UserMembershipInline(MembershipInlineBase):
    fk_name = "user"
    fields = ("role", "unit", "region", "created_at")
    autocomplete_fields = ("unit", "region")


class MembershipSavingMixin:
    """Saves membership inlines through membership_grant / membership_revoke."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_revoke(membership=membership, by=request.user)
        for membership in formset.new_objects:
            saved = services.membership_grant(
                user=membership.user,
                role=membership.role,
                unit=membership.unit,
                region=membership.region,
                by=request.user,
            )
            membership.pk = saved.pk


@admin.register(Unit)
class UnitAdmin(MembershipSavingMixin, CsvAdminMixin, TreeAdminMixin, admin.ModelAdmin):
    list_display = ("tree_name", "code", "kind", "parent", "is_active", "region_count", "member_count")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_en")
    ordering = ("path",)
    autocomplete_fields = ("parent",)
    filter_horizontal = ("regions",)
    fields = ("code", "name", "name_en", "kind", "parent", "public_phone", "is_active", "regions")
    fixed_fields = ("code", "parent")
    inlines = (UnitMembershipInline,)
    actions = ("export_csv",)
    list_per_page = 200
    csv_filename = "units.csv"
    csv_columns = csv_io.UNIT_COLUMNS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(
                region_count=Count("regions", distinct=True), member_count=Count("memberships", distinct=True)
            )
        )

    @admin.display(description=_("regions served"), ordering="region_count")
    def region_count(self, obj):
        return obj.region_count

    @admin.display(description=pgettext_lazy("org", "members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def csv_rows(self, queryset):
        return csv_io.unit_rows(
            queryset.select_related("parent").prefetch_related("regions").order_by("path")
        )

    def csv_import(self, *, data, by):
        return csv_io.units_import(data=data, by=by)

    def save_model(self, request, obj, form, change):
        regions = list(form.cleaned_data.get("regions") or [])
        if change:
            current = Unit.objects.get(pk=obj.pk)
            services.unit_update(
                unit=current, changes=_changes(form, services.UNIT_FIELDS), regions=regions, by=request.user
            )
        else:
            data = {name: form.cleaned_data.get(name) for name in self.fields if name != "regions"}
            _adopt(obj, services.unit_create(**data, regions=regions, by=request.user))

    def save_related(self, request, form, formsets, change):
        # The regions served were set by the service in save_model; only the inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.unit_delete(unit=obj, by=request.user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "role", "unit", "region", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "unit__name", "unit__code", "region__name")
    autocomplete_fields = ("user", "unit", "region")
    list_select_related = ("user", "unit", "region")

    def has_change_permission(self, request, obj=None):
        # A membership is granted or revoked; to change a role, revoke it and grant the new one.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.membership_grant(
            user=data["user"],
            role=data["role"],
            unit=data.get("unit"),
            region=data.get("region"),
            by=request.user,
        )
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.membership_revoke(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "unit", "region"):
            services.membership_revoke(membership=membership, by=request.user)


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(MembershipSavingMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("username", "display_name", "roles", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role")
    search_fields = ("username", "display_name", "first_name", "last_name")
    ordering = ("username",)
    filter_horizontal = ()
    inlines = (UserMembershipInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (pgettext_lazy("org", "Identity"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (
            pgettext_lazy("org", "Access"),
            {
                "fields": ("is_active", "is_staff", "is_superuser"),
                "description": _(
                    "Access to this admin site comes with the Administrator role: grant or revoke it below."
                ),
            },
        ),
        (pgettext_lazy("org", "Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("memberships")

    def get_inlines(self, request, obj):
        # Roles are added once the account exists (the add page redirects to the change page).
        return self.inlines if obj is not None else ()

    @admin.display(description=pgettext_lazy("org", "roles"))
    def roles(self, obj):
        return ", ".join(sorted({m.get_role_display() for m in obj.memberships.all()})) or "—"

    def save_model(self, request, obj, form, change):
        if change:
            current = User.objects.get(pk=obj.pk)
            services.user_update(user=current, changes=_changes(form, services.USER_FIELDS), by=request.user)
        else:
            data = form.cleaned_data
            password = data.get("password1") if data.get("set_usable_password", True) else None
            saved = services.user_create(
                username=data["username"],
                password=password,
                display_name=data.get("display_name", ""),
                by=request.user,
            )
            _adopt(obj, saved)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            audit_record(
                action="org.user.password_set",
                obj=user,
                actor=request.user,
                details={"via": "admin", "usable": user.has_usable_password()},
            )
        return response


class CitizenForm(forms.ModelForm):
    class Meta:
        model = Citizen
        fields = ("name", "phone", "email", "address", "user", "residence")
        help_texts = {
            "residence": _(
                "Choose where the citizen lives once you have checked it (household register, ID card): "
                "saving records the verification with your name and the time."
            )
        }

    def clean(self):
        data = super().clean()
        probe = Citizen(**{name: data.get(name) or "" for name in ("name", "phone", "email", "address")})
        probe.user = data.get("user")
        try:
            services.citizen_check(probe)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        residence = data.get("residence")
        if residence is not None and residence.level == RegionLevel.COUNTY:
            self.add_error(
                "residence",
                _("Verify the residence down to a township, village or grid, not only the county."),
            )
        return data


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    """Lists show masked contacts only; opening a record is logged as a read of personal data."""

    form = CitizenForm
    list_display = ("__str__", "masked_name", "masked_phone", "masked_email", "has_account", "created_at")
    # Exact matches only: an administrator finds a citizen by a number they already have, not by browsing.
    search_fields = ("=phone", "=email")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
    readonly_fields = ("residence_verified_at", "created_at")
    fields = ("name", "phone", "email", "address", "user", "residence", "residence_verified_at", "created_at")

    def get_search_results(self, request, queryset, search_term):
        """A number is looked up as stored (E.164), however the administrator typed it."""
        term = search_term.strip()
        if term and "@" not in term and any(ch.isdigit() for ch in term):
            return queryset.filter(phone=phone_key(term)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=pgettext_lazy("org", "name"))
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description=pgettext_lazy("org", "phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=pgettext_lazy("org", "e-mail"))
    def masked_email(self, obj):
        return mask_email(obj.email)

    @admin.display(description=pgettext_lazy("org", "account"), boolean=True)
    def has_account(self, obj):
        return obj.user_id is not None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            audit_record_read(obj=obj, actor=request.user, fields=CITIZEN_PERSONAL_FIELDS, purpose="admin")
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def save_model(self, request, obj, form, change):
        if change:
            current = Citizen.objects.get(pk=obj.pk)
            services.citizen_update(
                citizen=current, changes=_changes(form, services.CITIZEN_FIELDS), by=request.user
            )
        else:
            data = {name: form.cleaned_data.get(name) or "" for name in ("name", "phone", "email", "address")}
            current = services.citizen_create(**data, user=form.cleaned_data.get("user"), by=request.user)
            _adopt(obj, current)
        residence = form.cleaned_data.get("residence")
        if residence is not None and residence.pk != current.residence_id:
            services.citizen_verify_residence(citizen=current, residence=residence, by=request.user)
            _adopt(obj, current)

    def delete_model(self, request, obj):
        services.citizen_delete(citizen=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for citizen in queryset:
            services.citizen_delete(citizen=citizen, by=request.user)
