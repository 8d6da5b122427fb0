"""One happening, many reports: cluster events that report the same thing.

Contract: ``cluster_happenings(con, only_new=False, include_all=False, dyad_counts=True) -> ClusterSummary``
(and, for exports, ``happening_sizes(con) -> pyarrow.Table``, the same clustering in memory)
reads the store's ``events`` (and, when present, ``articles``) tables and (re)writes two
tables:

``happenings``
    one row per happening: happening_id, gkey, pair ("CHN-RUS"), country_a, country_b
    (a < b), family, cameo, cameo_root, quad_class, goldstein (of the representative
    event), date, date_precision, date_lo, date_hi (the window every member overlaps),
    location_country, num_events, num_mentions (distinct sentences), num_articles,
    num_sources (distinct outlets), first_seen (earliest publication), rep_event_id,
    sentence, article_id (of the representative), has_ab / has_ba (an event goes from
    country_a to country_b / back), asserted, historical.
``happening_events``
    one row per clustered event: event_id, happening_id, gkey, date_lo, date_hi,
    location_country, seed (the event that opened the happening), reason (why it was merged).

Which events can merge (all of it):

* the same unordered pair of countries (source_country, target_country); for a domestic pair
  (both sides of one country) also the same two actors (name, else code);
* a compatible CAMEO root: the same root, or the same family in :data:`ROOT_FAMILIES`;
* overlapping date windows (:func:`date_window`): a day-precision date d covers
  [d-1, d+1] (two such dates merge when at most 2 days apart); a day-precision date taken
  from the publication date covers [d-4, d+1] (the report may come days later); a month
  date covers its month, a year date its year. A happening keeps the intersection of its
  members' windows, so every member overlaps every other;
* compatible locations: the same location country, or either unknown;
* the same factuality: asserted events (``Event.counts``) never merge with negated,
  hypothetical or denied ones. By default only asserted events are clustered
  (``include_all=True`` clusters the others too, into happenings with ``asserted=false``).
  Historical events are kept: they are happenings on their own (old) date.

Events without a date or without a country on both sides are not clustered.

The sweep: events of one group (pair, root family, factuality) sorted by (window start,
window end, event_id); an event joins the first open happening whose window still overlaps
its own and whose location is compatible, else opens a new one. The happening id is a hash
of the opening (earliest) event's id. ``only_new=True`` re-clusters only the stretches of
the groups (segments, see :func:`_mark_segments`) where events were added, changed or
removed, and gives the same tables as a full rebuild.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import time
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from .common import connection, counting_sql, fetch_one, require_events, table_exists
from .dyadcounts import TABLE as DYAD_TABLE
from .dyadcounts import persistent, update_dyad_counts

# CAMEO roots that may report the same happening. Any root not listed is its own family.
ROOT_FAMILIES: dict[str, tuple[str, ...]] = {
    "03+05": ("03", "05"),  # express intent to cooperate / diplomatic cooperation: agree, sign
    "16+17": ("16", "17"),  # reduce relations / coerce: sanctions, expulsions, embargoes
    "18+19+20": ("18", "19", "20"),  # assault / fight / mass violence
}
# 04 (consult) is one family by itself: its variants 040-046 (meet, visit, host,
# negotiate, telephone) share the root and therefore merge.

DAY_HALF = 1  # day-precision window: [d-1, d+1] -> two dates merge when <= 2 days apart
PUB_BEFORE, PUB_AFTER = 4, 1  # publication-basis window: [d-4, d+1]

_EPOCH = _dt.date(1970, 1, 1)


@dataclass
class ClusterSummary:
    events: int  # events clustered (in the groups processed)
    happenings: int  # happenings written (in the groups processed)
    groups: int  # groups (pair, family, factuality) processed
    total_events: int  # all clustered events in the tables afterwards
    total_happenings: int
    rebuilt: bool  # True for a full rebuild
    seconds: float

    def text(self) -> str:
        mode = "rebuilt" if self.rebuilt else "updated"
        ratio = self.total_events / self.total_happenings if self.total_happenings else 0.0
        return (f"happenings {mode}: {self.events:,} events in {self.groups:,} groups -> "
                f"{self.happenings:,} happenings; in total {self.total_events:,} events in "
                f"{self.total_happenings:,} happenings ({ratio:.2f} reports each), "
                f"{self.seconds:.1f} s")


def family_sql(col: str = "cameo_root") -> str:
    whens = " ".join(f"WHEN {col} IN ({', '.join(repr(r) for r in roots)}) THEN '{fam}'"
                     for fam, roots in ROOT_FAMILIES.items())
    return f"CASE {whens} ELSE {col} END"


def date_window(date: _dt.date, precision: str, basis: str) -> tuple[_dt.date, _dt.date]:
    """The days a reported date may stand for (see the module docstring)."""
    if precision == "year":
        return _dt.date(date.year, 1, 1), _dt.date(date.year, 12, 31)
    if precision == "month":
        nxt = _dt.date(date.year + (date.month == 12), date.month % 12 + 1, 1)
        return _dt.date(date.year, date.month, 1), nxt - _dt.timedelta(days=1)
    if basis == "publication":
        return date - _dt.timedelta(days=PUB_BEFORE), date + _dt.timedelta(days=PUB_AFTER)
    return date - _dt.timedelta(days=DAY_HALF), date + _dt.timedelta(days=DAY_HALF)


def _keyed_sql(include_all: bool) -> str:
    """Eligible events with their group key, date window (epoch days) and location."""
    counts = counting_sql()
    where = "" if include_all else f"AND {counts}"
    return f"""
      SELECT event_id, article_id, sentence_index, cameo_root, date, date_precision, date_basis,
             location_country, confidence,
             least(source_country, target_country) || '-' || greatest(source_country, target_country)
               || '|' || ({family_sql()}) || '|' || (CASE WHEN {counts} THEN 'a' ELSE 'o' END)
               -- a domestic pair (USA-USA) says little: there the actors themselves must match
               || CASE WHEN source_country = target_country THEN '|' ||
                    least(coalesce(source_name, source_code, ''), coalesce(target_name, target_code, '')) || '~' ||
                    greatest(coalesce(source_name, source_code, ''), coalesce(target_name, target_code, ''))
                  ELSE '' END AS gkey,
             CAST(CASE
               WHEN date_precision = 'year' THEN date_trunc('year', date)
               WHEN date_precision = 'month' THEN date_trunc('month', date)
               WHEN date_basis = 'publication' THEN date - {PUB_BEFORE}
               ELSE date - {DAY_HALF} END AS DATE) - DATE '1970-01-01' AS lo,
             CAST(CASE
               WHEN date_precision = 'year' THEN make_date(year(date), 12, 31)
               WHEN date_precision = 'month' THEN last_day(date)
               WHEN date_basis = 'publication' THEN date + {PUB_AFTER}
               ELSE date + {DAY_HALF} END AS DATE) - DATE '1970-01-01' AS hi
      FROM events
      WHERE date IS NOT NULL AND source_country IS NOT NULL AND target_country IS NOT NULL
        AND cameo_root IS NOT NULL {where}
    """


_HE_COLUMNS = """
  event_id VARCHAR, happening_id VARCHAR, gkey VARCHAR, date_lo INTEGER,
  date_hi INTEGER, location_country VARCHAR, seed BOOLEAN, representative BOOLEAN, reason VARCHAR
"""

_H_SELECT = """
  WITH m AS (
    SELECT he.happening_id, he.gkey, he.date_lo, he.date_hi, he.location_country, he.representative,
           he.event_id, e.article_id, e.sentence_index, e.date, e.source_country, e.target_country
    FROM happening_events he JOIN events e USING (event_id) {he_filter}),
  per_article AS (
    SELECT happening_id, article_id, any_value(gkey) AS gkey, max(date_lo) AS lo, min(date_hi) AS hi,
           min(location_country) AS loc, count(*) AS n_ev, count(DISTINCT sentence_index) AS n_sent,
           min(date) AS first_date,
           bool_or(source_country = split_part(split_part(gkey, '|', 1), '-', 1)
                   AND target_country = split_part(split_part(gkey, '|', 1), '-', 2)) AS ab,
           bool_or(source_country = split_part(split_part(gkey, '|', 1), '-', 2)
                   AND target_country = split_part(split_part(gkey, '|', 1), '-', 1)) AS ba
    FROM m GROUP BY happening_id, article_id),
  agg AS (
    SELECT p.happening_id, any_value(p.gkey) AS gkey, max(p.lo) AS lo, min(p.hi) AS hi,
           min(p.loc) AS location_country, sum(p.n_ev) AS num_events, sum(p.n_sent) AS num_mentions,
           count(*) AS num_articles,
           count(DISTINCT coalesce({outlet}, 'article:' || p.article_id)) AS num_sources,
           coalesce(min({published}), min(p.first_date)) AS first_seen,
           bool_or(p.ab) AS has_ab, bool_or(p.ba) AS has_ba
    FROM per_article p {articles_join} GROUP BY p.happening_id)
  SELECT g.happening_id, g.gkey, split_part(g.gkey, '|', 1) AS pair,
         split_part(split_part(g.gkey, '|', 1), '-', 1) AS country_a,
         split_part(split_part(g.gkey, '|', 1), '-', 2) AS country_b,
         split_part(g.gkey, '|', 2) AS family,
         e.cameo, e.cameo_root, e.quad_class, e.goldstein, e.date, e.date_precision,
         DATE '1970-01-01' + g.lo AS date_lo, DATE '1970-01-01' + g.hi AS date_hi,
         g.location_country, g.num_events, g.num_mentions, g.num_articles, g.num_sources, g.first_seen,
         e.event_id AS rep_event_id, e.sentence, e.article_id, g.has_ab, g.has_ba,
         split_part(g.gkey, '|', 3) = 'a' AS asserted, coalesce(e.historical, false) AS historical
  FROM agg g
  JOIN (SELECT happening_id, event_id FROM m WHERE representative) r USING (happening_id)
  JOIN events e ON e.event_id = r.event_id
"""


def _ymd(days: int) -> str:
    return (_EPOCH + _dt.timedelta(days=days)).isoformat()


def _reason(pair: str, root: str, seed_root: str, s_lo: int, s_hi: int, s_prec: str, s_basis: str,  # noqa: PLR0913 - the two reports' fields
            s_date: str, lo: int, hi: int, prec: str, basis: str, date: str,
            loc: str | None, seed_loc: str | None) -> str:
    roots = f"root {root}" if root == seed_root else f"roots {seed_root}~{root}"
    def span(d: str, p: str) -> str:
        return d[:4] if p == "year" else d[:7] if p == "month" else d
    if "year" in (prec, s_prec) and date[:4] == s_date[:4]:
        when = f"same year {date[:4]}"
    elif "month" in (prec, s_prec) and "year" not in (prec, s_prec) and date[:7] == s_date[:7]:
        when = f"same month {date[:7]}"
    elif prec != "day" or s_prec != "day":
        when = (f"date windows overlap ({span(s_date, s_prec)} {_ymd(s_lo)}..{_ymd(s_hi)} / "
                f"{span(date, prec)} {_ymd(lo)}..{_ymd(hi)})")
    else:
        window = 2 * DAY_HALF
        if "publication" in (basis, s_basis):
            window = (PUB_BEFORE + DAY_HALF) if basis != s_basis else (PUB_BEFORE + PUB_AFTER)
        when = f"dates {s_date}/{date} within {window}d" + (" (publication date)" if window > 2 else "")
    if loc and seed_loc and loc == seed_loc:
        where = f"location {loc}"
    elif loc or seed_loc:
        where = f"location {seed_loc or 'unknown'}/{loc or 'unknown'}"
    else:
        where = "no location"
    return f"same pair {pair}, {roots}, {when}, {where}"


def _sweep(tbl: pa.Table) -> pa.Table:
    """Cluster rows sorted by (gkey, lo, hi, event_id); returns happening_events rows."""
    n = tbl.num_rows
    ids = tbl.column("event_id").to_pylist()
    gkeys = tbl.column("gkey").to_pylist()
    los = tbl.column("lo").to_pylist()
    his = tbl.column("hi").to_pylist()
    locs = tbl.column("location_country").to_pylist()
    assign = [0] * n
    seeds: list[int] = []  # row index of each happening's first event
    cur = None
    opened: list[list] = []  # [lo, hi, loc, happening index]
    for i in range(n):
        g = gkeys[i]
        if g != cur:
            cur = g
            opened = []
        lo = los[i]
        loc = locs[i]
        chosen = None
        stale = 0
        for c in opened:
            if c[1] < lo:
                stale += 1
                continue
            if c[2] is None or loc is None or c[2] == loc:
                chosen = c
                break
        if chosen is None:
            h = len(seeds)
            seeds.append(i)
            opened.append([lo, his[i], loc, h])
        else:
            h = chosen[3]
            chosen[0] = lo
            chosen[1] = min(chosen[1], his[i])
            if chosen[2] is None:
                chosen[2] = loc
        assign[i] = h
        if stale > 4:
            opened = [c for c in opened if c[1] >= lo]
    confs = tbl.column("confidence").to_pylist()
    best = list(seeds)  # representative: highest confidence, then earliest in sweep order
    for i in range(n):
        h = assign[i]
        if confs[i] > confs[best[h]]:
            best[h] = i
    is_rep = [False] * n
    for i in best:
        is_rep[i] = True
    hids = [hashlib.sha256(f"happening|{ids[s]}".encode()).hexdigest()[:32] for s in seeds]
    # reasons
    roots = tbl.column("cameo_root").to_pylist()
    precs = tbl.column("date_precision").to_pylist()
    bases = tbl.column("date_basis").to_pylist()
    dates = [d.isoformat() for d in tbl.column("date").to_pylist()]
    reasons: list[str] = []
    is_seed: list[bool] = []
    for i in range(n):
        s = seeds[assign[i]]
        pair = gkeys[i].split("|", 1)[0]
        if s == i:
            is_seed.append(True)
            where = f"location {locs[i]}" if locs[i] else "no location"
            shown = dates[i][:4] if precs[i] == "year" else dates[i][:7] if precs[i] == "month" else dates[i]
            reasons.append(f"first report: pair {pair}, root {roots[i]}, {shown} "
                           f"({precs[i]}, {bases[i]}), {where}")
        else:
            is_seed.append(False)
            reasons.append(_reason(pair, roots[i], roots[s], los[s], his[s], precs[s], bases[s], dates[s],
                                   los[i], his[i], precs[i], bases[i], dates[i], locs[i], locs[s]))
    return pa.table({
        "event_id": pa.array(ids, pa.string()),
        "happening_id": pa.array([hids[a] for a in assign], pa.string()),
        "gkey": pa.array(gkeys, pa.string()),
        "date_lo": pa.array(los, pa.int32()),
        "date_hi": pa.array(his, pa.int32()),
        "location_country": pa.array(locs, pa.string()),
        "seed": pa.array(is_seed, pa.bool_()),
        "representative": pa.array(is_rep, pa.bool_()),
        "reason": pa.array(reasons, pa.string()),
    })


def _mode(con: duckdb.DuckDBPyConnection) -> bool | None:
    if not table_exists(con, "happenings_meta"):
        return None
    row = fetch_one(con, "SELECT value FROM happenings_meta WHERE key = 'include_all'")
    return None if row is None else row[0] == "true"


def happenings_ready(con: duckdb.DuckDBPyConnection, include_all: bool = False) -> bool:
    """True when the happening tables exist and were built with (at least) ``include_all``."""
    mode = _mode(con)
    return (mode is not None and (mode or not include_all) and table_exists(con, "happenings")
            and table_exists(con, "happening_events"))


def cluster_happenings(store_or_con: object, only_new: bool = False,
                       include_all: bool = False, dyad_counts: bool = True) -> ClusterSummary:
    """Build (or update, ``only_new=True``) the ``happenings`` and ``happening_events`` tables.

    A saved dyad table (``dyad_counts``) is brought up to date with them; ``dyad_counts=False``
    leaves it to the caller (``detente happenings`` builds it itself, once).
    """
    con = connection(store_or_con)
    require_events(con)
    t0 = time.perf_counter()
    keyed = _keyed_sql(include_all)
    full = not only_new or _mode(con) != include_all or not (
        table_exists(con, "happenings") and table_exists(con, "happening_events"))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _hk AS {keyed}")
        if not full:
            full = not _mark_segments(con)
        if full:
            con.execute("DROP TABLE IF EXISTS happening_events")
            con.execute("DROP TABLE IF EXISTS happenings")
            con.execute(f"CREATE TABLE happening_events ({_HE_COLUMNS})")
            con.execute("CREATE OR REPLACE TEMP TABLE _redo AS SELECT event_id, gkey FROM _hk")
        groups = fetch_one(con, "SELECT count(DISTINCT gkey) FROM _redo")[0]  # type: ignore[index]
        tbl = con.sql("""
          SELECT k.event_id, k.gkey, k.lo, k.hi, k.location_country, k.cameo_root, k.date,
                 k.date_precision, k.date_basis, coalesce(k.confidence, 0.0) AS confidence
          FROM _hk k SEMI JOIN _redo r ON r.event_id = k.event_id
          ORDER BY k.gkey, k.lo, k.hi, k.event_id""").to_arrow_table()
        rows = _sweep(tbl)
        con.register("_he_new", rows)
        con.execute("INSERT INTO happening_events SELECT * FROM _he_new")
        con.execute("CREATE OR REPLACE TEMP TABLE _newh AS SELECT DISTINCT happening_id FROM _he_new")
        con.unregister("_he_new")
        has_articles = table_exists(con, "articles")
        sel = _H_SELECT.format(
            outlet="a.source" if has_articles else "NULL",
            published="a.published" if has_articles else "NULL",
            articles_join="LEFT JOIN articles a ON a.article_id = p.article_id" if has_articles else "",
            he_filter="" if full else "WHERE he.happening_id IN (SELECT happening_id FROM _newh)",
        )
        if full:
            con.execute(f"CREATE TABLE happenings AS {sel} ORDER BY 1")
        else:
            con.execute(f"INSERT INTO happenings BY NAME {sel}")
        con.execute("CREATE TABLE IF NOT EXISTS happenings_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT OR REPLACE INTO happenings_meta VALUES ('include_all', ?)",
                    ["true" if include_all else "false"])
        for tmp in ("_hk", "_redo", "_newh"):
            con.execute(f"DROP TABLE IF EXISTS {tmp}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    # the saved dyad table, kept beside the happenings
    if dyad_counts and table_exists(con, DYAD_TABLE) and persistent(con):
        update_dyad_counts(con)
    total_e, total_h = fetch_one(  # type: ignore[misc]
        con, "SELECT (SELECT count(*) FROM happening_events), (SELECT count(*) FROM happenings)")
    return ClusterSummary(events=rows.num_rows, happenings=int(rows.column("seed").to_numpy(
        zero_copy_only=False).sum()) if rows.num_rows else 0, groups=int(groups),
        total_events=int(total_e), total_happenings=int(total_h), rebuilt=full,
        seconds=time.perf_counter() - t0)


FULL_REBUILD_SHARE = 0.5  # re-clustering more than this share of the events: rebuild instead (same result)


def _mark_segments(con: duckdb.DuckDBPyConnection) -> bool:
    """Incremental step: find what to re-cluster (temp table ``_redo``) and delete its old rows.

    A *segment* is a run of a group's events (sorted by window start) whose windows chain
    together; no happening spans two segments, and the sweep treats each segment alone. The
    segments (of the current events) that overlap the window of an added, changed or removed
    event are re-clustered; the old happenings with a member there, or with a removed or
    changed member, are deleted. Every member of a deleted happening shares a day with the
    others, so it lies in a re-clustered segment: the result equals a full rebuild.
    Returns False when a full rebuild is cheaper (more than half the events to redo).
    """
    con.execute("""
      CREATE OR REPLACE TEMP TABLE _touch AS
      SELECT k.event_id, k.gkey, k.lo, k.hi, false AS gone FROM _hk k ANTI JOIN happening_events he
        ON he.event_id = k.event_id AND he.gkey = k.gkey AND he.date_lo = k.lo AND he.date_hi = k.hi
       AND he.location_country IS NOT DISTINCT FROM k.location_country
      UNION ALL
      SELECT he.event_id, he.gkey, he.date_lo, he.date_hi, true FROM happening_events he ANTI JOIN _hk k
        ON he.event_id = k.event_id AND he.gkey = k.gkey AND he.date_lo = k.lo AND he.date_hi = k.hi
       AND he.location_country IS NOT DISTINCT FROM k.location_country""")
    con.execute("""
      CREATE OR REPLACE TEMP TABLE _seg AS
      WITH g AS (
        SELECT k.event_id, k.gkey, k.lo, k.hi,
               max(k.hi) OVER (PARTITION BY k.gkey ORDER BY k.lo, k.hi, k.event_id
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
        FROM _hk k SEMI JOIN (SELECT DISTINCT gkey FROM _touch) t ON t.gkey = k.gkey),
      n AS (SELECT *, sum(CASE WHEN reach IS NULL OR lo > reach THEN 1 ELSE 0 END)
                        OVER (PARTITION BY gkey ORDER BY lo, hi, event_id) AS seg FROM g),
      s AS (SELECT gkey, seg, min(lo) AS slo, max(hi) AS shi FROM n GROUP BY gkey, seg)
      SELECT DISTINCT s.gkey, s.seg, s.slo, s.shi FROM s JOIN _touch t
        ON t.gkey = s.gkey AND t.lo <= s.shi AND t.hi >= s.slo""")
    con.execute("""
      CREATE OR REPLACE TEMP TABLE _redo AS
      SELECT k.event_id, k.gkey FROM _hk k JOIN _seg s ON s.gkey = k.gkey AND k.lo BETWEEN s.slo AND s.shi""")
    redo, total = fetch_one(con, "SELECT (SELECT count(*) FROM _redo), (SELECT count(*) FROM _hk)")  # type: ignore[misc]
    if redo > FULL_REBUILD_SHARE * max(total, 1):
        return False
    con.execute("""
      CREATE OR REPLACE TEMP TABLE _gone AS
      SELECT DISTINCT he.happening_id FROM happening_events he
      WHERE he.event_id IN (SELECT event_id FROM _touch WHERE gone)
         OR he.event_id IN (SELECT event_id FROM _redo)""")
    con.execute("DELETE FROM happening_events WHERE happening_id IN (SELECT happening_id FROM _gone)")
    con.execute("DELETE FROM happenings WHERE happening_id IN (SELECT happening_id FROM _gone)")
    for tmp in ("_touch", "_seg", "_gone"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")
    return True


def ensure_happenings(store_or_con: object, include_all: bool = False) -> ClusterSummary | None:
    """Build the happening tables if missing (or built without ``include_all`` when asked)."""
    con = connection(store_or_con)
    if happenings_ready(con, include_all):
        return None
    return cluster_happenings(con, include_all=include_all)


def happening_members(con: duckdb.DuckDBPyConnection, happening_id: str) -> list[dict]:
    """The events of one happening with their sentences and merge reasons (earliest first)."""
    cur = con.execute("""
      SELECT he.event_id, e.article_id, e.sentence_index, e.sentence, e.date, e.cameo, e.goldstein,
             he.seed, he.reason
      FROM happening_events he JOIN events e USING (event_id)
      WHERE he.happening_id = ? ORDER BY he.date_lo, he.date_hi, he.event_id""", [happening_id])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def happening_sizes(store_or_con: object) -> pa.Table:
    """Each clusterable event's happening and its size, computed in memory (no table is written,
    so it works on a read-only store): columns event_id, happening_id, num_mentions (distinct
    sentences reporting it), num_articles, num_sources (distinct outlets; an article without one
    counts as its own), as in the ``happenings`` table. Every factuality is clustered (asserted
    events never merge with the others); events that cannot be clustered are absent."""
    con = connection(store_or_con)
    require_events(con)
    tbl = con.sql(f"""
      SELECT event_id, gkey, lo, hi, location_country, cameo_root, date, date_precision, date_basis,
             coalesce(confidence, 0.0) AS confidence
      FROM ({_keyed_sql(include_all=True)}) ORDER BY gkey, lo, hi, event_id""").to_arrow_table()
    members = _sweep(tbl).select(["event_id", "happening_id"])
    has_articles = table_exists(con, "articles")
    outlet = "a.source" if has_articles else "NULL"
    join = "LEFT JOIN articles a ON a.article_id = p.article_id" if has_articles else ""
    name = f"_detente_members_{id(members):x}"
    con.register(name, members)
    try:
        return con.sql(f"""
          WITH m AS (SELECT hm.event_id, hm.happening_id, e.article_id, e.sentence_index
                     FROM {name} hm JOIN events e USING (event_id)),
          p AS (SELECT happening_id, article_id, count(DISTINCT sentence_index) AS n_sent
                FROM m GROUP BY 1, 2),
          h AS (SELECT p.happening_id, sum(p.n_sent) AS num_mentions, count(*) AS num_articles,
                       count(DISTINCT coalesce({outlet}, 'article:' || p.article_id)) AS num_sources
                FROM p {join} GROUP BY 1)
          SELECT m.event_id, m.happening_id, CAST(h.num_mentions AS INTEGER) AS num_mentions,
                 CAST(h.num_articles AS INTEGER) AS num_articles, CAST(h.num_sources AS INTEGER) AS num_sources
          FROM m JOIN h USING (happening_id)""").to_arrow_table()
    finally:
        con.unregister(name)
