"""A shared location as a coarse country, for the hand-off only; the point itself is never kept.

The nearest town in GeoNames' offline list (reverse_geocode, no network)
decides the country, which is right also in border towns such as Udon Thani
or Vientiane, where a box around each country would not be.
"""

from __future__ import annotations

from typing import Dict

COUNTRY_CODES: Dict[str, str] = {
    "LA": "laos",
    "TH": "thailand",
    "CN": "china",
    "VN": "vietnam",
    "MY": "malaysia",
    "JP": "japan",
    "KH": "cambodia",
    "MM": "myanmar",
}


def country_at(latitude: float, longitude: float) -> str:
    import reverse_geocode

    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "other"
    code = reverse_geocode.get((latitude, longitude)).get("country_code")
    return COUNTRY_CODES.get(code, "other")
