"""How the maps look: layer colours, the PCN palette, the choropleth's classes, the attribution.

Constants only (never data), shared by the page (`map_page.py`) and the PNG/SVG (`map_image.py`),
so both draw the same map.
"""

from __future__ import annotations

PLACE_LINE = "#330072"  # the Place's colour in the diagrams
NEIGHBOURHOOD_LINE = "#00A9CE"
AREA_FILL = "#F0F4F5"
AREA_LINE = "#D8DDE0"
CONTEXT_FILL = "#FAFAFA"  # Areas outside the Places drawn (a PCN's patients living there)
NOT_COTERMINOUS = "#DA291C"
NO_POINT = "#768692"

# PCNs, in turn (neighbours in one Place get different colours): 20 colours that stay apart on
# a light map, from the choropleth's blues and from the red ring of "not coterminous".
PCN_COLOURS = (
    "#3CB44B", "#F58231", "#911EB4", "#008080", "#9A6324", "#F032E6", "#808000", "#000075",
    "#BFA900", "#469990", "#E6A0C4", "#4363D8", "#7B3F00", "#2F4F4F", "#6B8E23", "#A9A9A9",
    "#00CED1", "#8B4513", "#9370DB", "#556B2F",
)
NO_PCN_COLOUR = "#AEB7BD"

# A PCN's footprint: the share of its registered patients living in each Area.
SHARE_BREAKS = (0.005, 0.01, 0.02, 0.04)  # classes: up to 0.5 %, 0.5-1 %, 1-2 %, 2-4 %, 4 % and over
SHARE_COLOURS = ("#DEEBF7", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")


def share_class(share: float) -> int:
    """The choropleth class (0-4) of a share above 0."""
    return sum(share >= b for b in SHARE_BREAKS)


def share_labels() -> list[str]:
    edges = [0.0, *SHARE_BREAKS]
    labels = [f"{a:.1%} to {b:.1%}" if a else f"under {b:.1%}" for a, b in zip(edges, SHARE_BREAKS)]
    return [*labels, f"{SHARE_BREAKS[-1]:.0%} and over"]


ATTRIBUTION_BOUNDARIES = ("Boundaries: Office for National Statistics, licensed under the Open Government Licence "
                          "v3.0. Contains OS data © Crown copyright and database right.")
ATTRIBUTION_POSTCODES = ("Practice points from postcodes: contains Royal Mail data © Royal Mail copyright and "
                         "database right; contains National Statistics data © Crown copyright and database right.")

__all__ = [
    "AREA_FILL", "AREA_LINE", "ATTRIBUTION_BOUNDARIES", "ATTRIBUTION_POSTCODES", "CONTEXT_FILL", "NEIGHBOURHOOD_LINE",
    "NOT_COTERMINOUS", "NO_PCN_COLOUR", "NO_POINT", "PCN_COLOURS", "PLACE_LINE", "SHARE_BREAKS", "SHARE_COLOURS",
    "share_class", "share_labels",
]
