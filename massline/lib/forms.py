"""Helpers shared by the forms of every app."""


def bound_data(request, *, files=False):
    """The arguments binding a form to a POST (also an empty one), or none on a GET.

    `Form(request.POST or None)` leaves the form unbound on a POST without fields: the view answered
    400 with no error on it, or 200 as if nothing were sent. Bound, the form says what is missing.
    """
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)
