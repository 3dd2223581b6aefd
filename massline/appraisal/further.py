"""Figures other apps keep about the units' work over a year, read through the seam
`massline.cases.seams.FURTHER_FIGURES` (appraisal never imports pledges or disclosure): the people's
year-end rating of each unit's practical projects, the disclosure requests it answered on time.

Each is shown as its share with a Wilson 95 % interval (as every public rate of appraisal), the count
it is taken over and the source's whole counts, per unit and for the whole jurisdiction (the sums).
"""

from dataclasses import dataclass

from massline.cases import seams
from massline.org.models import Unit

from .metrics import wilson


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int
    minimum: int

    @property
    def shown(self):
        return self.denominator > 0 and self.denominator >= self.minimum

    @property
    def value(self):
        return self.numerator / self.denominator if self.shown else None

    @property
    def low(self):
        return wilson(self.numerator, self.denominator)[0] if self.shown else None

    @property
    def high(self):
        return wilson(self.numerator, self.denominator)[1] if self.shown else None


@dataclass(frozen=True)
class Row:
    unit: object  # an org.Unit, or None for the whole jurisdiction
    share: Share
    counts: tuple


@dataclass(frozen=True)
class Table:
    """One source's figures of a year: a row per unit (in `units` when given) and the jurisdiction's."""

    key: str
    label: object
    share_label: object
    denominator_label: object
    definition: object
    count_labels: tuple
    year: int
    minimum: int
    rows: list
    total: Row

    def row_for(self, unit_id):
        return next((row for row in self.rows if row.unit.pk == unit_id), None)


def _minimum(source):
    return int(source.min_count() if callable(source.min_count) else source.min_count)


def _sum(figures, width):
    return tuple(sum(f.counts[i] for f in figures) for i in range(width))


def tables(*, year, unit_ids=None, public=False):
    """A Table per registered source for `year`; `unit_ids` limits the unit rows (the jurisdiction's
    row always counts every unit); `public` keeps only the sources whose app publishes them."""
    found = []
    for source in seams.further_figures(public=public):
        figures = list(source.read(year=year))
        minimum = _minimum(source)
        width = len(source.count_labels)
        units = Unit.objects.in_bulk([f.unit_id for f in figures])
        rows = [
            Row(units[f.unit_id], Share(f.numerator, f.denominator, minimum), tuple(f.counts))
            for f in figures
            if f.unit_id in units and (unit_ids is None or f.unit_id in unit_ids)
        ]
        rows.sort(key=lambda row: row.unit.path)
        total = Row(
            None,
            Share(sum(f.numerator for f in figures), sum(f.denominator for f in figures), minimum),
            _sum(figures, width),
        )
        found.append(
            Table(
                key=source.key,
                label=source.label,
                share_label=source.share_label,
                denominator_label=source.denominator_label,
                definition=source.definition,
                count_labels=tuple(source.count_labels),
                year=year,
                minimum=minimum,
                rows=rows,
                total=total,
            )
        )
    return found


def definitions(*, public=False):
    """(key, label, definition) of every registered source, for the pages' definitions box."""
    return [(s.key, s.label, s.definition) for s in seams.further_figures(public=public)]
