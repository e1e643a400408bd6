"""Quebec's statutory holidays: the one home of which days they are (admin closures and the demo)."""

from __future__ import annotations

import datetime as dt


def statutory_holidays(year: int) -> list[tuple[dt.date, str]]:
    """(day, French name) of Quebec's statutory holidays in ``year``, in order (python-holidays, CA-QC)."""
    import holidays as pyholidays

    return sorted((day, str(label)) for day, label in
                  pyholidays.country_holidays("CA", subdiv="QC", years=year, language="fr").items())
