"""``GET /happenings``: the clustered happenings (the reports of one happening grouped:
:mod:`detente.analysis.happenings`), filtered and paged, each with the ids of its reports.

Contract: JSON ``{"count", "total", "offset", "limit", "sort", "reviewed", "happenings"}``; each
happening has the columns of the ``happenings`` table (docs/analysis.md: ``happening_id``,
``pair``, ``country_a``, ``country_b``, ``cameo``, ``quad_class``, ``goldstein``, ``date``,
``num_events``, ``num_mentions``, ``num_articles``, ``num_sources``, ``sentence``, ...) and
``event_ids``, its reports (``GET /events``, ``/article/{id}`` show them). Filters, combined with
AND: ``pair`` (two codes or names, either order), ``actor`` (one side is it), ``from``/``to`` (the
happening's date, inclusive), ``root`` (CAMEO root 01..20), ``quad`` (1..4); asserted happenings
only unless ``include_all``; ``reviewed=true`` clusters the reviewed events
(:func:`detente.reviews.apply_reviews`). ``sort``: ``date`` (default), ``mentions``, ``goldstein``,
``-`` before it for descending. As ``/dyad``, the happening tables are brought up to date in memory
(``detente.api.analysis_db``, made once per copy of the store): the store file is never written.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from ..errors import ApiError, ConfigError

router = APIRouter()
SORTS = {"date": "h.date", "mentions": "h.num_mentions", "goldstein": "h.goldstein"}
HIDDEN = ("gkey",)  # the clustering's internal key


def happening_where(pair: tuple[str, str] | None = None, actor: str | None = None, start: str | None = None,
                    end: str | None = None, root: str | None = None, quad: int | None = None,
                    include_all: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``happenings h``) and parameters of the filters (codes resolved)."""
    from ..dates import parse_bound
    from ..store import normalise_root

    parts: list[str] = ["TRUE"]
    params: list[Any] = []
    if not include_all:
        parts.append("h.asserted")
    if pair:
        parts.append("((h.country_a = ? AND h.country_b = ?) OR (h.country_a = ? AND h.country_b = ?))")
        params += [pair[0], pair[1], pair[1], pair[0]]
    if actor:
        parts.append("(h.country_a = ? OR h.country_b = ?)")
        params += [actor, actor]
    if start:
        parts.append("h.date >= ?")
        params.append(parse_bound(start, what="from"))
    if end:
        parts.append("h.date <= ?")
        params.append(parse_bound(end, end=True, what="to"))
    if root:
        parts.append("h.cameo_root = ?")
        params.append(normalise_root(root))  # the code of an unknown root as the events filters give it
    if quad is not None:
        if quad not in (1, 2, 3, 4):
            raise ConfigError("E313", "quad", f"must be 1..4, got {quad!r}")
        parts.append("h.quad_class = ?")
        params.append(quad)
    return " AND ".join(parts), params


def happening_rows(con: Any, where: str, params: list[Any], sort: str = "date", offset: int = 0,
                   limit: int = 100) -> tuple[list[dict[str, Any]], int]:
    """A page of happenings (dicts, ``event_ids`` added) and how many match, on a connection whose
    happening tables are up to date."""
    if sort.lstrip("-") not in SORTS:
        raise ApiError("E722", "sort", f"cannot sort happenings by {sort!r} (one of {', '.join(SORTS)}; '-' "
                                       "before it: descending)")
    direction = "DESC" if sort.startswith("-") else "ASC"
    total = int(con.execute(f"SELECT count(*) FROM happenings h WHERE {where}", params).fetchall()[0][0])
    cur = con.execute(f"""
      SELECT h.* EXCLUDE ({', '.join(HIDDEN)}), m.event_ids FROM happenings h
      JOIN (SELECT happening_id, list(event_id ORDER BY date_lo, date_hi, event_id) AS event_ids
            FROM happening_events GROUP BY happening_id) m USING (happening_id)
      WHERE {where} ORDER BY {SORTS[sort.lstrip('-')]} {direction} NULLS LAST, h.date, h.pair, h.happening_id
      LIMIT {int(limit)} OFFSET {int(offset)}""", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()], total


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # dates
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@router.get("/happenings", summary="Happenings: the reports of one happening grouped, filtered and paged")
def happenings(
    request: Request,
    pair: Annotated[str | None, Query(description="Two codes or names, comma-separated (CHN,RUS or china,russia), "
                                                  "either order.")] = None,
    actor: Annotated[str | None, Query(description="One side is this country (a code or a name).")] = None,
    start: Annotated[str | None, Query(alias="from", description="First day: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    end: Annotated[str | None, Query(alias="to", description="Last day, inclusive (2022-09: to 30 September).")]
    = None,
    root: Annotated[str | None, Query(description="CAMEO root code 01..20.")] = None,
    quad: Annotated[int | None, Query(description="QuadClass 1..4.")] = None,
    include_all: Annotated[bool, Query(description="Also happenings reported only as negated, hypothetical or "
                                                   "denied.")] = False,
    reviewed: Annotated[bool, Query(description="Apply the analysts' reviews first (corrected events as "
                                                "corrected, wrong ones left out).")] = False,
    sort: Annotated[str, Query(description="date, mentions or goldstein; '-' before it for descending.")] = "date",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    from ..actors.lookup import actor_arg, pair_arg
    from ..api import analysis_db

    codes = pair_arg(pair, what="pair") if pair else None
    if codes is not None and len(codes) != 2:
        raise ConfigError("E312", "pair", f"give two actor codes or names, like CHN,RUS (got {pair!r})")
    where, params = happening_where(pair=(codes[0], codes[1]) if codes else None,
                                    actor=actor_arg(actor, what="actor") if actor else None, start=start, end=end,
                                    root=root, quad=quad, include_all=include_all)
    with analysis_db(request.app.state.detente.db, include_all=include_all, reviewed=reviewed) as db:
        rows, total = happening_rows(db.con, where, params, sort=sort, offset=offset, limit=limit)
    body = {"count": len(rows), "total": total, "offset": offset, "limit": limit, "sort": sort,
            "reviewed": reviewed, "happenings": rows}
    return Response(json.dumps(body, ensure_ascii=False, default=_json), media_type="application/json",
                    headers={"X-Total-Count": str(total)})


__all__ = ["SORTS", "happening_rows", "happening_where", "router"]
