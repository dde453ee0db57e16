"""A person's relatives as a small graph, laid out here and drawn as inline SVG by a template.

The layout is a star: the person in the middle, each relative on a circle around them with the
relation on the edge. Drawing a star needs no graph library; a real force layout would only
matter for networks of many people, which the person page does not show.
"""

from __future__ import annotations

import math

WIDTH, HEIGHT = 640, 420
MAX_NODES = 16


def layout(person: dict) -> dict | None:
    """``{"width", "height", "center": node, "nodes": [node], "more": n}`` for ``get_person``'s relations.

    A node is ``{"id", "label", "sub", "x", "y", "relation", "lx", "ly"}`` (``lx``/``ly``: where the
    edge's label goes). None when the person has no relatives.
    """
    seen: dict[tuple[str, str], dict] = {}
    for rel in person.get("relations") or []:
        key = (rel["id"], rel["relation"])
        if key not in seen:
            seen[key] = rel
    rels = list(seen.values())
    if not rels:
        return None
    shown = rels[:MAX_NODES]
    cx, cy = WIDTH / 2, HEIGHT / 2
    rx, ry = WIDTH / 2 - 90, HEIGHT / 2 - 50
    nodes = []
    for k, rel in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * k / len(shown)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        nodes.append(
            {
                "id": rel["id"],
                "label": _short(rel.get("name") or "(no name)"),
                "sub": rel.get("id_number") or "",
                "relation": rel["relation"],
                "x": round(x, 1),
                "y": round(y, 1),
                "lx": round(cx + (x - cx) * 0.5, 1),
                "ly": round(cy + (y - cy) * 0.5, 1),
            }
        )
    center = {
        "id": person["id"],
        "label": _short(person.get("name") or "(no name)"),
        "sub": person.get("id_number") or "",
        "x": cx,
        "y": cy,
    }
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "center": center,
        "nodes": nodes,
        "more": len(rels) - len(shown),
    }


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
