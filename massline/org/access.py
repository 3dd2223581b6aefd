"""Who may open the staff pages of the org app (and of any app above it): officials only.

Anonymous visitors are sent to the login page; signed-in users without any role (citizens, outsiders)
get 403. Which objects an official then sees is the selectors' business (404 outside their scope).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .selectors import user_scope


def official_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_scope(request.user).is_official:
            raise PermissionDenied(
                _("These pages are for officials. Ask your administrator for a role if you work for a unit.")
            )
        return view(request, *args, **kwargs)

    return wrapper
