"""How alike two demands are, for the duplicate finder: text, distance, time and category, each in [0, 1].

Text is compared on hashed character 2-4-grams (no vocabulary to fit, so a demand's vector is the same
whenever it is computed, in a replay of history or on the intake form, in any language).
"""

import math

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

from . import conf
from .textmodel import normalise

_HASHER = HashingVectorizer(
    analyzer="char", ngram_range=(2, 4), n_features=2**18, alternate_sign=False, norm="l2", dtype=np.float32
)
EARTH_METRES = 6_371_000.0


def text_vectors(texts):
    return _HASHER.transform([normalise(t)[:2000] for t in texts])


def metres(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_METRES * math.asin(min(1.0, math.sqrt(h)))


def cell_of(lat, lon, size_metres=None):
    """The grid cell (about `size_metres` square) a point falls in: the finder's place index key."""
    size = size_metres or conf.duplicate_radius_metres()
    lat_step = size / 111_320.0
    # The longitude step is fixed by the latitude band so that cells line up within a band.
    band = math.floor(lat / lat_step)
    lon_step = size / (111_320.0 * max(0.05, math.cos(math.radians(band * lat_step))))
    return band, math.floor(lon / lon_step)


def neighbour_cells(lat, lon, size_metres=None):
    """The cell of the point and the eight around it (a point within one cell size is always among them)."""
    size = size_metres or conf.duplicate_radius_metres()
    band, col = cell_of(lat, lon, size)
    cells = []
    lat_step = size / 111_320.0
    for db in (-1, 0, 1):
        b = band + db
        # Recompute the column in the neighbouring band, whose longitude step differs slightly.
        lon_step = size / (111_320.0 * max(0.05, math.cos(math.radians(b * lat_step))))
        c = math.floor(lon / lon_step)
        cells.extend((b, c + dc) for dc in (-1, 0, 1))
    return cells


def score(*, text_similarity, distance_metres, age_days, same_category):
    """One number to rank candidates by; the weights are settings (MASSLINE_ROUTING_DUPLICATE_WEIGHTS)."""
    w = conf.duplicate_weights()
    near = math.exp(-distance_metres / w["distance_scale_metres"]) if distance_metres is not None else 0.0
    recent = math.exp(-age_days / w["age_scale_days"])
    return (
        w["text"] * text_similarity
        + w["distance"] * near
        + w["age"] * recent
        + w["category"] * (1.0 if same_category else 0.0)
    )
