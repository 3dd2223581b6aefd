"""The opinion map: participants as points in the 2-D projection, coloured by group, drawn as inline SVG.

Positions and colours are SVG attributes (cx, cy, fill), never `style=`, so the page keeps its strict CSP.
"""

from django.utils.translation import gettext as _

# Colour-blind-safe palette (Okabe–Ito), one colour per group.
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
WIDTH, HEIGHT, MARGIN = 480, 320, 16
LABEL_HALF_WIDTH = 40


def opinion_map(view):
    """Points and group labels scaled into the SVG's box, from a `selectors.group_view` result."""
    participants = view["result"].data.get("participants", {})
    coords = [(values[1], values[2], values[0]) for values in participants.values()]
    if not coords:
        return None
    xs = [x for x, _y, _g in coords]
    ys = [y for _x, y, _g in coords]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    # A flat extent (everyone voted alike) is drawn in the middle rather than in a corner.
    sx = (WIDTH - 2 * MARGIN) / (x1 - x0) if x1 > x0 else 0.0
    sy = (HEIGHT - 2 * MARGIN) / (y1 - y0) if y1 > y0 else 0.0

    def place(x, y):
        px = MARGIN + (x - x0) * sx if sx else WIDTH / 2
        py = HEIGHT - MARGIN - (y - y0) * sy if sy else HEIGHT / 2
        return round(px, 1), round(py, 1)

    points = []
    for x, y, group in coords:
        cx, cy = place(x, y)
        points.append({"cx": cx, "cy": cy, "fill": GROUP_COLOURS[group % len(GROUP_COLOURS)]})
    labels = []
    for group in view["groups"]:
        cx, cy = place(*group["centre"])
        labels.append(
            {
                # Kept inside the frame so a label at the edge is not cut off.
                "x": min(max(cx, LABEL_HALF_WIDTH), WIDTH - LABEL_HALF_WIDTH),
                "y": min(max(cy - 8, 20), HEIGHT - 8),
                "text": _("Group %(n)d") % {"n": group["number"]},
                "fill": GROUP_COLOURS[group["id"] % len(GROUP_COLOURS)],
                "size": group["size"],
            }
        )
    return {"width": WIDTH, "height": HEIGHT, "points": points, "labels": labels}
