"""context: when, where, how much, and who says so — for the events the coder finds.

- :func:`detente.context.event_dates.resolve_date` (doc, token_i, published) -> DateInfo
- :func:`detente.context.event_places.resolve_location` (doc, token_i, countries) -> Location | None
- :func:`detente.context.quantities.extract_quantities` (doc, article_id, country_of) -> list[Quantity]
- :func:`detente.context.accounts.find_accounts` (article_id, events, doc) -> list[Account]

Per-document work (time expressions, place mentions) is cached on the Doc under
``doc._.detente_dates`` / ``doc._.detente_places``; the GeoNames index is built once per process
(:func:`detente.context.gazetteer.gazetteer`, cached on disk).
"""

from .accounts import find_accounts
from .event_dates import DateInfo, resolve_date
from .event_places import resolve_location
from .quantities import extract_quantities

__all__ = ["DateInfo", "extract_quantities", "find_accounts", "resolve_date", "resolve_location"]
