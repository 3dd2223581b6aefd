"""Writes to the organisation: regions, units, memberships, officials and citizens, each audited.

Every function is keyword-only, runs in one transaction, validates with the model's `full_clean()`
(so the admin, the CSV import and the demo obey the same rules) and writes one audit event per change.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from massline.audit.services import audit_record, diff_fields, snapshot
from massline.lib.errors import DomainError
from massline.lib.masking import mask_email, mask_name, mask_phone
from massline.lib.phones import phone_key

from .choices import RegionLevel, Role, UnitKind
from .models import Citizen, Membership, Region, Unit, User
from .selectors import user_scope

REGION_FIELDS = ("code", "name", "name_en", "level", "parent", "centre_lat", "centre_lon", "boundary")
# Code, parent and level place a region in the tree; they are fixed once it exists.
REGION_FIXED = ("code", "parent", "level")
UNIT_FIELDS = ("code", "name", "name_en", "kind", "parent", "public_phone", "is_active")
UNIT_FIXED = ("code", "parent")
USER_FIELDS = ("username", "display_name", "first_name", "last_name", "email", "is_active")
CITIZEN_FIELDS = ("name", "phone", "email", "address", "user")
CITIZEN_MASKS = {
    "name": mask_name,
    "phone": mask_phone,
    "email": mask_email,
    "address": lambda v: "***" if v else "",
}


class OrgError(DomainError):
    code = "org_invalid"


def _full_clean(obj, **kwargs):
    """Model validation; a ValidationError is re-raised as an OrgError with every message joined."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise OrgError(_validation_text(exc)) from exc


def _validation_text(exc):
    if hasattr(exc, "error_dict"):
        parts = []
        for field, errors in exc.error_dict.items():
            messages = " ".join(str(m) for e in errors for m in e.messages)
            parts.append(messages if field == "__all__" else f"{field}: {messages}")
        return " ".join(parts)
    return " ".join(str(m) for m in exc.messages)


def _check_fields(changes, allowed, noun):
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise OrgError(
            _("Unknown fields for a %(noun)s: %(fields)s.") % {"noun": noun, "fields": ", ".join(unknown)}
        )


def _refuse_fixed(obj, changes, fixed):
    for name in fixed:
        if name not in changes:
            continue
        field = obj._meta.get_field(name)
        current = getattr(obj, field.attname)
        new = changes[name]
        new = getattr(new, "pk", new) if field.is_relation else new
        if current != new:
            raise OrgError(
                _(
                    "The %(field)s of an existing record cannot change, because the tree is built from it: "
                    "create a new record instead and retire the old one."
                )
                % {"field": field.verbose_name}
            )


def _apply(obj, changes, *, check=None, exclude=None):
    """Set `changes` on `obj` and validate it; if refused, the object gets its stored values back."""
    for name, value in changes.items():
        setattr(obj, name, value)
    try:
        _full_clean(obj, exclude=exclude)
        if check is not None:
            check(obj)
    except OrgError:
        obj.refresh_from_db(fields=list(changes))
        raise


def _coordinate(value):
    """A blank cell or field means no coordinate; anything else is converted and checked by full_clean()."""
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


# Regions ------------------------------------------------------------------------------------------


@transaction.atomic
def region_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Region | None = None,
    name_en: str = "",
    centre_lat: Decimal | str | None = None,
    centre_lon: Decimal | str | None = None,
    boundary: dict | None = None,
    by: User | None,
) -> Region:
    """Add a region to the tree (区划), below `parent`."""
    region = Region(
        code=code,
        name=name,
        name_en=name_en,
        level=level,
        parent=parent,
        centre_lat=_coordinate(centre_lat),
        centre_lon=_coordinate(centre_lon),
        boundary=boundary,
    )
    region.path = region.compute_path()
    _full_clean(region)
    region.save()
    audit_record(
        action="org.region.create",
        obj=region,
        actor=by,
        changes=diff_fields({}, snapshot(region, REGION_FIELDS), REGION_FIELDS),
    )
    return region


@transaction.atomic
def region_update(*, region: Region, changes: Mapping[str, Any], by: User | None) -> Region:
    """Change a region's names, centre or boundary; code, parent and level are fixed."""
    _check_fields(changes, REGION_FIELDS, pgettext("org", "region"))
    _refuse_fixed(region, changes, REGION_FIXED)
    before = snapshot(region, REGION_FIELDS)
    _apply(
        region,
        {name: _coordinate(v) if name in ("centre_lat", "centre_lon") else v for name, v in changes.items()},
    )
    diff = diff_fields(before, snapshot(region, REGION_FIELDS), REGION_FIELDS)
    if diff:
        region.save()
        audit_record(action="org.region.update", obj=region, actor=by, changes=diff)
    return region


@transaction.atomic
def region_delete(*, region: Region, by: User | None) -> None:
    """Remove a region that nothing refers to any more."""
    before = snapshot(region, REGION_FIELDS)
    pk, label = region.pk, str(region)
    try:
        region.delete()
    except ProtectedError as exc:
        raise OrgError(
            _(
                "The region %(region)s still has sub-regions or officials' jurisdictions: "
                "move or remove them first."
            )
            % {"region": label}
        ) from exc
    audit_record(
        action="org.region.delete",
        actor=by,
        object_type="org.region",
        object_id=pk,
        object_repr=label,
        changes=diff_fields(before, {}, REGION_FIELDS),
    )


# Units --------------------------------------------------------------------------------------------


def _set_regions(unit, regions):
    before = sorted(unit.regions.values_list("code", flat=True))
    unit.regions.set(regions)
    after = sorted(region.code for region in regions)
    return {"regions": [before, after]} if before != after else {}


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    name_en: str = "",
    regions: Iterable[Region] = (),
    public_phone: str = "",
    is_active: bool = True,
    by: User | None,
) -> Unit:
    """Add a handling unit (承办单位) and the regions it serves."""
    unit = Unit(
        code=code,
        name=name,
        name_en=name_en,
        kind=kind,
        parent=parent,
        public_phone=public_phone,
        is_active=is_active,
    )
    unit.path = unit.compute_path()
    _full_clean(unit)
    if parent is not None and parent.kind == UnitKind.OFFICE:
        raise OrgError(_("An office cannot contain other units: choose its department as the parent."))
    unit.save()
    changes = diff_fields({}, snapshot(unit, UNIT_FIELDS), UNIT_FIELDS)
    changes.update(_set_regions(unit, list(regions)))
    audit_record(action="org.unit.create", obj=unit, actor=by, changes=changes)
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    changes: Mapping[str, Any] | None = None,
    regions: Iterable[Region] | None = None,
    by: User | None,
) -> Unit:
    """Change a unit's names, kind, phone or activity, and (if `regions` is given) the regions it serves."""
    changes = dict(changes or {})
    _check_fields(changes, UNIT_FIELDS, pgettext("org", "unit"))
    _refuse_fixed(unit, changes, UNIT_FIXED)
    if changes.get("kind") == UnitKind.OFFICE and unit.children.exists():
        raise OrgError(_("A unit with sub-units cannot become an office: move its sub-units first."))
    before = snapshot(unit, UNIT_FIELDS)
    _apply(unit, changes)
    diff = diff_fields(before, snapshot(unit, UNIT_FIELDS), UNIT_FIELDS)
    if diff:
        unit.save()
    if regions is not None:
        diff.update(_set_regions(unit, list(regions)))
    if diff:
        audit_record(action="org.unit.update", obj=unit, actor=by, changes=diff)
    return unit


@transaction.atomic
def unit_delete(*, unit: Unit, by: User | None) -> None:
    """Remove a unit that has no members and no sub-units (otherwise deactivate it)."""
    before = snapshot(unit, UNIT_FIELDS)
    pk, label = unit.pk, str(unit)
    try:
        unit.delete()
    except ProtectedError as exc:
        raise OrgError(
            _("The unit %(unit)s still has members or sub-units: mark it inactive instead of deleting it.")
            % {"unit": label}
        ) from exc
    audit_record(
        action="org.unit.delete",
        actor=by,
        object_type="org.unit",
        object_id=pk,
        object_repr=label,
        changes=diff_fields(before, {}, UNIT_FIELDS),
    )


# Memberships and officials ------------------------------------------------------------------------


def _sync_admin_flags(user, role):
    """The administrator role carries the admin site with full rights (is_staff, is_superuser); other roles
    leave those flags alone, so a superuser created with `createsuperuser` keeps them."""
    if role != Role.ADMINISTRATOR:
        return {}
    flags = ("is_staff", "is_superuser")
    is_admin = user.memberships.filter(role=Role.ADMINISTRATOR).exists()
    before = snapshot(user, flags)
    user.is_staff = user.is_superuser = is_admin
    after = snapshot(user, flags)
    if before != after:
        user.save(update_fields=list(flags))
    return diff_fields(before, after, flags)


def membership_check(
    *, user: User, role: str, unit: Unit | None = None, region: Region | None = None
) -> None:
    """Refuse a role for an account that cannot hold it (the admin's forms call this to show the reason)."""
    if role not in Role.values:
        raise OrgError(
            _("Unknown role “%(role)s”: choose one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if not user.is_active:
        raise OrgError(
            _("The account %(user)s is inactive: reactivate it before giving it a role.") % {"user": user}
        )
    if user.pk and Citizen.objects.filter(user=user).exists():
        raise OrgError(
            _(
                "The account %(user)s belongs to a citizen: officials need their own staff account, "
                "so create one for them."
            )
            % {"user": user}
        )
    if unit is not None and not unit.is_active:
        raise OrgError(
            _("The unit %(unit)s is inactive: reactivate it or choose another unit.") % {"unit": unit}
        )


@transaction.atomic
def membership_grant(
    *, user: User, role: str, unit: Unit | None = None, region: Region | None = None, by: User | None
) -> Membership:
    """Give `user` a role: in a unit (operator, dispatcher, handler, unit head), over a region
    (supervisor 督办, discipline inspector 纪检, mediator, analyst), or everywhere (administrator)."""
    membership_check(user=user, role=role, unit=unit, region=region)
    membership = Membership(user=user, role=role, unit=unit, region=region)
    _full_clean(membership)
    membership.save()
    changes = {
        "role": [None, role],
        "unit": [None, unit.code if unit else None],
        "region": [None, region.code if region else None],
    }
    changes.update(_sync_admin_flags(user, role))
    user.__dict__.pop("_massline_scope", None)
    audit_record(
        action="org.membership.grant", obj=membership, actor=by, changes=changes, details={"user_id": user.pk}
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, by: User | None) -> None:
    """Take a role away from an official."""
    user = membership.user
    pk, label = membership.pk, str(membership)
    changes = {
        "role": [membership.role, None],
        "unit": [membership.unit.code if membership.unit_id else None, None],
        "region": [membership.region.code if membership.region_id else None, None],
    }
    role = membership.role
    membership.delete()
    changes.update(_sync_admin_flags(user, role))
    user.__dict__.pop("_massline_scope", None)
    audit_record(
        action="org.membership.revoke",
        actor=by,
        object_type="org.membership",
        object_id=pk,
        object_repr=label,
        changes=changes,
        details={"user_id": user.pk},
    )


@dataclass(frozen=True)
class Grant:
    """One role to give a new official: `unit` for unit roles, `region` for regional roles."""

    role: str
    unit: Unit | None = None
    region: Region | None = None


def _validate_password(password, user):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise OrgError(
            _("Choose another password: %(reasons)s") % {"reasons": " ".join(exc.messages)}
        ) from exc


def _set_password(user, password, password_hash):
    if password is not None and password_hash is not None:
        raise OrgError(_("Give a password or a password hash, not both."))
    if password_hash is not None:
        try:
            identify_hasher(password_hash)
        except ValueError as exc:
            raise OrgError(_("The password hash is not in a format this site can check.")) from exc
        user.password = password_hash
    elif password is not None:
        _validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    display_name: str = "",
    email: str = "",
    by: User | None,
) -> User:
    """Create an account (a citizen's or, with roles added, an official's).

    `password` must pass the password rules and is stored with argon2; `password_hash` is a password
    already hashed by Django (accounts moved from elsewhere, or demo accounts sharing one published
    password); with neither, the account cannot log in until a password is set.
    """
    user = User(username=username, display_name=display_name, email=email)
    _full_clean(user, exclude=["password"])
    _set_password(user, password, password_hash)
    user.save()
    audit_record(
        action="org.user.create",
        obj=user,
        actor=by,
        changes=diff_fields({}, snapshot(user, USER_FIELDS), USER_FIELDS),
        details={"password": "set" if user.has_usable_password() else "unusable"},
    )
    return user


@transaction.atomic
def official_create(
    *,
    username: str,
    password: str | None = None,
    grants: Iterable[Grant] = (),
    display_name: str = "",
    email: str = "",
    by: User | None,
) -> User:
    """Create a staff account with its roles (see `membership_grant`)."""
    user = user_create(username=username, password=password, display_name=display_name, email=email, by=by)
    for grant in grants:
        membership_grant(user=user, role=grant.role, unit=grant.unit, region=grant.region, by=by)
    return user


@transaction.atomic
def user_update(*, user: User, changes: Mapping[str, Any], by: User | None) -> User:
    """Change an account's names, e-mail or activity (not its password, not its roles)."""
    _check_fields(changes, USER_FIELDS, pgettext("org", "user"))
    before = snapshot(user, USER_FIELDS)
    _apply(user, changes, exclude=["password"])
    diff = diff_fields(before, snapshot(user, USER_FIELDS), USER_FIELDS)
    if diff:
        user.save()
        audit_record(action="org.user.update", obj=user, actor=by, changes=diff)
    return user


@transaction.atomic
def user_password_set(
    *, user: User, password: str | None = None, password_hash: str | None = None, by: User | None
) -> User:
    """Set an account's password (checked against the password rules, stored with argon2), or a
    password already hashed (see `user_create`); with neither, the account can no longer log in."""
    _set_password(user, password, password_hash)
    user.save(update_fields=["password"])
    audit_record(
        action="org.user.password_set", obj=user, actor=by, details={"usable": user.has_usable_password()}
    )
    return user


# Citizens -----------------------------------------------------------------------------------------


def _masked_diff(before, after):
    """Which contact fields changed, with masked values only: the audit trail keeps no contact in clear."""
    diff = diff_fields(before, after, CITIZEN_FIELDS)
    return {
        name: [CITIZEN_MASKS[name](old or ""), CITIZEN_MASKS[name](new or "")]
        if name in CITIZEN_MASKS
        else [old, new]
        for name, (old, new) in diff.items()
    }


def citizen_check(citizen: Citizen) -> None:
    """Refuse a citizen record with nothing to reach the citizen by, or tied to an official's account."""
    if not (citizen.name or citizen.phone or citizen.email or citizen.user_id):
        raise OrgError(_("A citizen needs at least a name, a phone number, an e-mail address or an account."))
    if citizen.user_id and Membership.objects.filter(user_id=citizen.user_id).exists():
        raise OrgError(
            _("This account belongs to an official: a citizen record needs a citizen's own account, or none.")
        )


@transaction.atomic
def citizen_create(
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    user: User | None = None,
    by: User | None,
) -> Citizen:
    """Store a citizen's contact details once (never shown on a public page); the phone in E.164."""
    citizen = Citizen(
        name=name.strip(), phone=phone_key(phone), email=email.strip(), address=address.strip(), user=user
    )
    _full_clean(citizen)
    citizen_check(citizen)
    citizen.save()
    audit_record(
        action="org.citizen.create",
        obj=citizen,
        actor=by,
        changes=_masked_diff({}, snapshot(citizen, CITIZEN_FIELDS)),
    )
    return citizen


@transaction.atomic
def citizen_update(*, citizen: Citizen, changes: Mapping[str, Any], by: User | None) -> Citizen:
    """Correct a citizen's contact details; the audit event records which fields changed, masked."""
    _check_fields(changes, CITIZEN_FIELDS, pgettext("org", "citizen"))
    before = snapshot(citizen, CITIZEN_FIELDS)
    changes = {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}
    if "phone" in changes:
        changes["phone"] = phone_key(changes["phone"])
    _apply(citizen, changes, check=citizen_check)
    diff = _masked_diff(before, snapshot(citizen, CITIZEN_FIELDS))
    if diff:
        citizen.save()
        audit_record(action="org.citizen.update", obj=citizen, actor=by, changes=diff)
    return citizen


@transaction.atomic
def citizen_erase(*, citizen: Citizen, reason: str, by: User | None) -> Citizen:
    """Erase a citizen's contact details but keep the record their demands point to (retention, or the
    citizen's own request); the audit event names the fields and the reason, never the old values."""
    fields = [name for name in ("name", "phone", "email", "address") if getattr(citizen, name)]
    for name in fields:
        setattr(citizen, name, "")
    citizen.save(update_fields=fields or None)
    audit_record(
        action="org.citizen.erase",
        obj=citizen,
        actor=by,
        changes={},
        details={"fields": fields, "reason": reason},
    )
    return citizen


@transaction.atomic
def citizen_delete(*, citizen: Citizen, by: User | None) -> None:
    """Erase a citizen's contact details (the audit event keeps only that it happened)."""
    pk, label = citizen.pk, str(citizen)
    citizen.delete()
    audit_record(
        action="org.citizen.delete", actor=by, object_type="org.citizen", object_id=pk, object_repr=label
    )


@transaction.atomic
def citizen_verify_residence(*, citizen: Citizen, residence: Region, by: User) -> Citizen:
    """Record that an official checked where the citizen lives (居民身份核验), e.g. from the household
    register at a service counter; consultations for verified residents of a region rely on it."""
    if by is None or not user_scope(by).is_official:
        raise OrgError(_("Only an official can verify a citizen's residence."))
    if residence.level == RegionLevel.COUNTY:
        raise OrgError(_("Verify the residence down to a township, village or grid, not only the county."))
    before = {"residence": citizen.residence_id, "residence_verified_at": citizen.residence_verified_at}
    citizen.residence = residence
    citizen.residence_verified_at = timezone.now()
    citizen.save(update_fields=["residence", "residence_verified_at"])
    audit_record(
        action="org.citizen.verify_residence",
        obj=citizen,
        actor=by,
        changes={
            "residence": [before["residence"], residence.pk],
            "residence_verified_at": [before["residence_verified_at"], citizen.residence_verified_at],
        },
    )
    return citizen
