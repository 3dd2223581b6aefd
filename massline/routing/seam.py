"""Routing's side of the seam `massline.cases.routing_seam`: what cases asks, answered from the live models
and the duplicate finder. Registered in RoutingConfig.ready()."""

from massline.cases.selectors import cases_for_user
from massline.cases.selectors_public import public_cases, public_view

from . import conf, selectors
from .choices import Target
from .finder import find_similar
from .models import AutoDispatchRule
from .services import suggestion_record
from .tasks import demand_auto_dispatch


class RoutingProvider:
    def enabled(self):
        return conf.enabled()

    def demand_received(self, *, case_id):
        """Queue the auto-dispatch check of a new demand, only while some category allows auto-dispatch."""
        if AutoDispatchRule.any_on():
            demand_auto_dispatch.enqueue(case_id)

    def suggest_unit(self, *, case):
        _row, top = selectors.case_predictions(case=case)[Target.UNIT]
        return top[0]["obj"] if top else None

    def suggestions(self, *, case, user):
        """Top-3 categories and units with their confidence, recorded the first time they are shown."""
        predictions = selectors.case_predictions(case=case)
        out = {"categories": [], "units": [], "trained": False}
        for target, key in ((Target.CATEGORY, "categories"), (Target.UNIT, "units")):
            row, top = predictions[target]
            if row is None:
                continue
            out["trained"] = True
            out[key] = [{"obj": t["obj"], "p": t["p"], "percent": round(t["p"] * 100)} for t in top]
            suggestion_record(
                case=case,
                target=target,
                model=row,
                top=[{"id": t["id"], "label": str(t["obj"]), "p": t["p"]} for t in top],
            )
        return out

    def intake_suggestions(self, *, title, description, channel=""):
        _row, top = selectors.predict(
            target=Target.CATEGORY, title=title, description=description, channel=channel
        )
        return [{"obj": t["obj"], "p": t["p"], "percent": round(t["p"] * 100)} for t in top]

    def duplicates(self, *, case, user):
        found = find_similar(
            title=case.title,
            description=case.description,
            lat=case.lat,
            lon=case.lon,
            region_id=case.region_id,
            category_id=case.category_id,
            now=case.received_at,
            exclude_pk=case.pk,
            within=cases_for_user(user),
        )
        return self._cases(found, cases_for_user(user))

    def intake_duplicates(self, *, user, title, description, lat, lon, region_id=None, category_id=None):
        found = find_similar(
            title=title,
            description=description,
            lat=lat,
            lon=lon,
            region_id=region_id,
            category_id=category_id,
            within=cases_for_user(user),
        )
        return self._cases(found, cases_for_user(user))

    def public_duplicates(self, *, title, description, lat, lon, category):
        found = find_similar(
            title=title,
            description=description,
            lat=lat,
            lon=lon,
            category_id=getattr(category, "pk", None),
            within=public_cases(),
            limit=3,
        )
        cases = {c.pk: c for c in public_cases().filter(pk__in=[row["pk"] for _s, row, _d in found])}
        return [
            {**public_view(cases[row["pk"]]), "score": value, "metres": round(d) if d is not None else None}
            for value, row, d in found
            if row["pk"] in cases
        ]

    def repeated_demands(self, *, user, now=None):
        return selectors.repeated_demands(user=user, now=now)

    @staticmethod
    def _cases(found, scope):
        cases = scope.filter(pk__in=[row["pk"] for _s, row, _d in found]).select_related("category", "region")
        by_pk = {c.pk: c for c in cases}
        return [
            {"case": by_pk[row["pk"]], "score": value, "metres": round(d) if d is not None else None}
            for value, row, d in found
            if row["pk"] in by_pk
        ]
