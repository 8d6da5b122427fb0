"""The Spark job: code a JSON Lines corpus on a cluster and write Parquet (docs/spark.md).

Command::

    python -m detente.spark INPUT.jsonl[.gz] OUT_DIR [--partitions N] [--master local[2]]

Library::

    coded = code_dataframe(spark, df)          # one row per input record (nested)
    summary = write_outputs(coded, "out/")     # articles/ events/ quantities/ accounts/ failures/
    summary = run_job(spark, "in.jsonl.gz", "out/", partitions=8)   # both, from a path

Contract of :func:`code_dataframe`: ``df`` holds either JSON Lines text (a ``value`` string
column, as ``spark.read.text`` gives) or the record fields as columns (``id, title, text,
date, url, source, lang`` and the JSON Lines ingest's aliases ``body``/``content``/
``published``, as ``spark.read.json`` gives); an optional ``origin`` column names where each
record came from. Each record becomes an Article exactly as ``detente ingest`` makes it
(:func:`detente.ingest.jsonl.record_to_article`: HTML stripped, date normalised, language
detected, non-English ``skipped``). As in ``detente ingest``, an article is coded once: records
giving the same ``article_id`` (the same text and URL, or the same bad line) are reduced to the
first in input order (``reduceByKey`` on the id) and the others counted. Each partition is then
coded with ``mapPartitions`` by one :class:`detente.pipeline.Engine` per executor Python process
(built on first use, kept for the process's life: Spark reuses its Python workers). The result
has one row per article: the columns of the store's ``articles`` table
(:data:`detente.store.ARTICLE_COLUMNS`) plus ``input_id`` (the record's ``id``), ``warnings``
and ``duplicates`` (how many later records repeated it), and three arrays of structs,
``events``, ``quantities`` and ``accounts``, whose fields are the store's flattened columns
(:data:`detente.store.EVENT_COLUMNS`, ...) with ``record``, the whole record as JSON.

A bad record never fails a partition: a line that is not JSON or not an object, a record
without text, an article the coder fails on or whose records cannot be flattened each become
an article row with ``status="failed"`` and ``status_reason``. Only an Engine that cannot be
built at all (the spaCy model missing on an executor) fails the job, naming the cause.

:func:`write_outputs` writes Parquet in overwrite mode (re-running replaces the outputs):
``OUT_DIR/articles/``, ``events/``, ``quantities/``, ``accounts/``, ``failures/`` (the failed
articles: ``origin``, ``input_id``, ``article_id``, ``reason``) and ``summary/`` (one JSON
object: counts, with ``records`` read and ``duplicates`` dropped, failures by reason, seconds).
The ``duplicates`` column is not written to ``articles/``. Coding runs once: the coded rows are persisted
(memory and disk) while the outputs are written from them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

# absolute imports: spark-submit runs this file as a script (it has no ``-m``)
from detente import CODER_VERSION
from detente.config import Config, load_config
from detente.records import Article, CodedArticle, article_id_for

if TYPE_CHECKING:  # pyspark is an optional dependency: imported where used
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import DataType, StructType

OUTPUTS = ("articles", "events", "quantities", "accounts", "failures", "summary")
NESTED = ("events", "quantities", "accounts")
EXTRA_ARTICLE_COLUMNS = [("input_id", "VARCHAR"), ("warnings", "VARCHAR[]"), ("duplicates", "INTEGER")]
NOT_WRITTEN = ("duplicates",)  # in the coded rows (and the summary), not in articles/


class EngineStartError(RuntimeError):
    """The coder could not be built on an executor: the whole job stops (every article would fail)."""


# ---------------------------------------------------------------------------------------------
# Schema: the store's columns as Spark types

def _base_type(sql_type: str) -> str:
    return sql_type.replace(" PRIMARY KEY", "").replace(" NOT NULL", "").strip()


def _spark_type(sql_type: str) -> DataType:
    from pyspark.sql import types as T

    return {
        "VARCHAR": T.StringType(), "JSON": T.StringType(), "INTEGER": T.IntegerType(),
        "BIGINT": T.LongType(), "DOUBLE": T.DoubleType(), "BOOLEAN": T.BooleanType(),
        "DATE": T.DateType(), "TIMESTAMP": T.TimestampNTZType(), "VARCHAR[]": T.ArrayType(T.StringType()),
    }.get(_base_type(sql_type), T.StringType())


def _struct(columns: Iterable[tuple[str, str]]) -> StructType:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(name, _spark_type(t), True) for name, t in columns])


def _tables() -> dict[str, list[tuple[str, str, Callable[[Any], Any]]]]:
    from detente.store import ACCOUNT_COLUMNS, ARTICLE_COLUMNS, EVENT_COLUMNS, QUANTITY_COLUMNS

    return {"articles": ARTICLE_COLUMNS, "events": EVENT_COLUMNS, "quantities": QUANTITY_COLUMNS,
            "accounts": ACCOUNT_COLUMNS}


def _article_columns() -> list[tuple[str, str]]:
    return [(c, t) for c, t, _ in _tables()["articles"]] + EXTRA_ARTICLE_COLUMNS


def coded_schema() -> StructType:
    """The schema of :func:`code_dataframe`'s result."""
    from pyspark.sql import types as T

    tables = _tables()
    fields = list(_struct(_article_columns()).fields)
    for name in NESTED:
        inner = _struct((c, t) for c, t, _ in tables[name])
        fields.append(T.StructField(name, T.ArrayType(inner, containsNull=False), False))
    return T.StructType(fields)


# ---------------------------------------------------------------------------------------------
# Values: coerced to the declared type, so that one odd value fails one article, not the task

def _coerce(value: Any, sql_type: str) -> Any:
    if value is None:
        return None
    base = _base_type(sql_type)
    if base in ("VARCHAR", "JSON"):
        return value if isinstance(value, str) else str(value)
    if base in ("INTEGER", "BIGINT"):
        return int(value)
    if base == "DOUBLE":
        return float(value)
    if base == "BOOLEAN":
        return bool(value)
    if base == "DATE":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        from detente.store import to_date
        return to_date(str(value))
    if base == "TIMESTAMP":
        if not isinstance(value, dt.datetime):
            raise TypeError(f"not a timestamp: {value!r}")
        return value
    if base == "VARCHAR[]":
        return [None if v is None else str(v) for v in value]
    return str(value)


def _row(columns: list[tuple[str, str, Callable[[Any], Any]]], record: Any) -> tuple[Any, ...]:
    return tuple(_coerce(get(record), t) for _, t, get in columns)


def _rows_of(coded: CodedArticle, input_id: str | None, warnings: list[str], duplicates: int, run_id: str,
             now: dt.datetime) -> tuple[Any, ...]:
    """One output row: the article's columns, then its events, quantities and accounts."""
    tables = _tables()
    article = dict(zip((c for c, _, _ in tables["articles"]), _row(tables["articles"], coded), strict=True))
    article["coded_at"], article["run_id"] = now, run_id
    seen: set[str] = set()
    events = []
    for ev in coded.events:  # as the store does: an event id repeated within the article keeps the first
        if ev.event_id not in seen:
            seen.add(ev.event_id)
            events.append(_row(tables["events"], ev))
    return (*article.values(), _coerce(input_id, "VARCHAR"), list(warnings), duplicates, events,
            [_row(tables["quantities"], q) for q in coded.quantities],
            [_row(tables["accounts"], a) for a in coded.accounts])


# ---------------------------------------------------------------------------------------------
# Records -> Articles (the JSON Lines ingest's rules)

@dataclasses.dataclass
class _Item:
    """One input record on its way through a partition."""

    article: Article
    input_id: str | None
    warnings: list[str]
    duplicates: int = 0  # later records with the same article id, dropped


def _failed_item(origin: str, reason: str, raw: str, record: dict[str, Any] | None,
                 warnings: list[str] | None = None) -> _Item:
    """A failed article for a record (or raw line) already made valid Unicode by :func:`_item`."""
    record = record or {}
    url = record.get("url") if isinstance(record.get("url"), str) else None
    text = next((record[k] for k in ("text", "body", "content") if isinstance(record.get(k), str)), "")
    article = Article(article_id=article_id_for(url, text or raw), text=text, url=url,
                      title=record.get("title") if isinstance(record.get("title"), str) else None,
                      origin=origin, status="failed", status_reason=reason)
    return _Item(article, _input_id(record), list(warnings or []))


def _input_id(record: dict[str, Any]) -> str | None:
    value = record.get("id")
    return None if value is None else str(value)


def _item(row: Any, pos: str, config: Config) -> _Item | None:
    """The Article for one input row (``None`` for a blank JSON Lines line)."""
    from detente.ingest import IngestReport
    from detente.ingest.common import valid_record
    from detente.ingest.jsonl import record_to_article

    fields = row.asDict(recursive=True) if hasattr(row, "asDict") else dict(row)
    report = IngestReport()
    fields = valid_record(fields, pos, report)  # before anything hashes or stores it
    origin = fields.pop("origin", None) or pos
    raw = ""
    if set(fields) == {"value"}:  # a JSON Lines line
        raw = fields["value"] or ""
        if not raw.strip():
            return None
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            return _failed_item(origin, f"not valid JSON ({exc.msg}: column {exc.colno})", raw, None)
        if not isinstance(record, dict):
            return _failed_item(origin, f"not a JSON object (got {type(record).__name__})", raw, None)
        record = valid_record(record, origin, report)  # a \ud800 escape
    else:
        record = {k: v for k, v in fields.items() if v is not None}
        raw = json.dumps(record, sort_keys=True, default=str)
    try:
        article = record_to_article(record, origin, config, report)
    except Exception as exc:  # noqa: BLE001 - one odd record never stops a partition
        return _failed_item(origin, f"could not read the record: {type(exc).__name__}: {exc}", raw, record,
                            [r for _, r in report.warnings])
    if article is None:
        reason = report.failures[0][1] if report.failures else "no article in the record"
        return _failed_item(origin, reason, raw, record, [r for _, r in report.warnings])
    return _Item(article, _input_id(record), [r for _, r in report.warnings])


# ---------------------------------------------------------------------------------------------
# The partition function: one Engine per executor Python process

_ENGINES: dict[Config, Any] = {}


def _engine(config: Config) -> Any:
    engine = _ENGINES.get(config)
    if engine is None:
        from detente.pipeline import Engine

        try:
            engine = Engine(config)
        except Exception as exc:  # noqa: BLE001 - named once, on the driver
            msg = " ".join(str(exc).split())
            raise EngineStartError(f"detente could not load its coder on this executor "
                                   f"({type(exc).__name__}: {msg}); install detente and the spaCy "
                                   f"model on every executor (docs/spark.md)") from None
        _ENGINES[config] = engine
    return engine


def _code_batch(engine: Any, articles: list[Article]) -> list[CodedArticle]:
    coded: list[CodedArticle] | None
    try:
        coded = engine.code_many(articles)
    except Exception:  # noqa: BLE001 - fall back to one at a time below
        coded = None
    if coded is not None and len(coded) == len(articles):
        return coded
    out = []
    for a in articles:
        try:
            out.append(engine.code_article(a))
        except Exception as exc:  # noqa: BLE001
            out.append(CodedArticle(article=dataclasses.replace(
                a, status="failed", status_reason=f"coding failed: {type(exc).__name__}: {exc}")))
    return out


def _flatten(coded: CodedArticle, item: _Item, run_id: str, now: dt.datetime) -> tuple[Any, ...]:
    try:
        return _rows_of(coded, item.input_id, item.warnings, item.duplicates, run_id, now)
    except Exception as exc:  # noqa: BLE001 - the article is kept, failed, without its records
        failed = dataclasses.replace(coded.article, status="failed",
                                     status_reason=f"could not flatten the coded article: "
                                                   f"{type(exc).__name__}: {exc}")
        return _rows_of(CodedArticle(article=failed), item.input_id, item.warnings, item.duplicates, run_id, now)


# Position of a record in the input: (input partition, row in it); the smaller is read first
_Position = tuple[int, int]


def read_partition(rows: Iterable[tuple[_Position, Any]], config: Config
                   ) -> Iterator[tuple[str, tuple[_Position, _Item]]]:
    """The records of a partition as ``(article_id, (position, item))`` (see :func:`code_dataframe`)."""
    for (index, n), row in rows:
        item = _item(row, f"partition {index} row {n + 1}", config)
        if item is not None:
            yield item.article.article_id, ((index, n), item)


def _first_of(a: tuple[_Position, _Item], b: tuple[_Position, _Item]) -> tuple[_Position, _Item]:
    """Of two records giving one article, the first in input order, counting the other as a duplicate."""
    (first, item), (_, other) = (a, b) if a[0] <= b[0] else (b, a)
    return first, dataclasses.replace(item, duplicates=item.duplicates + other.duplicates + 1)


def _partition_of(article_id: str) -> int:
    """A hash of the id that is the same in every Python process (``hash()`` of a str is not)."""
    return zlib.crc32(article_id.encode("utf-8", "replace"))


def code_partition(index: int, items: Iterable[_Item], config: Config, run_id: str) -> Iterator[tuple[Any, ...]]:
    """Code one partition's articles (see :func:`code_dataframe`); yields one output row per article."""
    size = max(1, config.batch_size)
    engine = None
    batch: list[_Item] = []

    def flush() -> Iterator[tuple[Any, ...]]:
        nonlocal engine
        todo = [it.article for it in batch if it.article.status == "ok"]
        coded_ok: list[CodedArticle] = []
        if todo:
            engine = engine or _engine(config)
            coded_ok = _code_batch(engine, todo)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        ok = iter(coded_ok)
        for it in batch:
            coded = next(ok) if it.article.status == "ok" else CodedArticle(article=it.article)
            yield _flatten(coded, it, run_id, now)
        batch.clear()

    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield from flush()
    if batch:
        yield from flush()


def code_dataframe(spark: SparkSession, df: DataFrame, config: Config | None = None,
                   partitions: int | None = None, run_id: str | None = None) -> DataFrame:
    """Code every article of ``df`` (JSON Lines ``value`` or record columns; see the module
    docstring): one row per article id (the first record giving it, in input order; the others
    are counted in its ``duplicates``), schema :func:`coded_schema`. ``partitions``: code in
    this many (default: at least ``spark.sparkContext.defaultParallelism``)."""
    config = (config or load_config()).with_(n_process=1)
    run_id = run_id or f"spark-{uuid.uuid4().hex[:12]}"
    source = df.rdd
    target = partitions or max(source.getNumPartitions(), spark.sparkContext.defaultParallelism)

    def position(index: int, rows: Iterable[Any]) -> Iterator[tuple[_Position, Any]]:
        return (((index, n), row) for n, row in enumerate(rows))

    def read(pairs: Iterable[tuple[_Position, Any]]) -> Iterator[tuple[str, tuple[_Position, _Item]]]:
        return read_partition(pairs, config)

    def work(index: int, items: Iterable[tuple[_Position, _Item]]) -> Iterator[tuple[Any, ...]]:
        return code_partition(index, (item for _, item in items), config, run_id)

    rows = source.mapPartitionsWithIndex(position)  # positions first: a repartition loses the order
    if rows.getNumPartitions() < target:  # read (HTML, language) in parallel too, not in one task
        rows = rows.repartition(target)
    firsts = rows.mapPartitions(read).reduceByKey(_first_of, numPartitions=target, partitionFunc=_partition_of)
    return spark.createDataFrame(firsts.values().mapPartitionsWithIndex(work), schema=coded_schema())


def read_jsonl(spark: SparkSession, path: str) -> DataFrame:
    """JSON Lines (plain or gzip) as rows ``(value, origin)``. For a single file the origin is
    ``path:line`` as in ``detente ingest``; for a folder or glob, ``file#n`` with n the line's
    position in the whole input."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    text = spark.read.text(path).select("value", F.col("_metadata.file_path").alias("file"))
    single = len(text.inputFiles()) == 1

    def origin(pair: tuple[Any, int]) -> tuple[str, str]:
        row, i = pair
        return (row.value, f"{path}:{i + 1}" if single else f"{row.file}#{i + 1}")

    schema = T.StructType([T.StructField("value", T.StringType()), T.StructField("origin", T.StringType())])
    return spark.createDataFrame(text.rdd.zipWithIndex().map(origin), schema=schema)


# ---------------------------------------------------------------------------------------------
# Outputs

def write_outputs(coded: DataFrame, out_dir: str, started: float | None = None) -> dict[str, Any]:
    """Write the Parquet outputs (overwrite) and return the summary (also in ``OUT_DIR/summary/``)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from detente.ingest.report import reason_key

    started = started or time.perf_counter()
    out = out_dir.rstrip("/")
    spark = coded.sparkSession
    coded = coded.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        articles = coded.drop(*NESTED, *NOT_WRITTEN)
        articles.write.mode("overwrite").parquet(f"{out}/articles")  # runs the coding
        for name in NESTED:
            rows = coded.select(F.explode(name).alias("r")).select("r.*")
            rows.write.mode("overwrite").parquet(f"{out}/{name}")
        failures = articles.where(F.col("status") == "failed").select(
            "origin", "input_id", "article_id", F.col("status_reason").alias("reason"))
        failures.write.mode("overwrite").parquet(f"{out}/failures")
        # every count in one pass over the persisted rows
        reason = F.when(F.col("status") == "failed", F.col("status_reason"))
        groups = coded.groupBy("status", reason.alias("reason")).agg(
            F.count(F.lit(1)).alias("n"), F.first("run_id").alias("run_id"),
            F.sum("duplicates").alias("duplicates"),
            *(F.sum(F.size(name)).alias(name) for name in NESTED)).collect()
        by_status: Counter[str] = Counter()
        by_reason: Counter[str] = Counter()
        counts = dict.fromkeys(NESTED, 0)
        duplicates = 0
        for g in groups:
            duplicates += int(g["duplicates"] or 0)
            by_status[g["status"]] += int(g["n"])
            if g["reason"] is not None:
                by_reason[reason_key(g["reason"])] += int(g["n"])
            for name in NESTED:
                counts[name] += int(g[name] or 0)
        summary = {
            "out_dir": out, "coder": CODER_VERSION, "run_id": groups[0]["run_id"] if groups else None,
            "records": sum(by_status.values()) + duplicates, "duplicates": duplicates,
            "articles": sum(by_status.values()), "articles_by_status": dict(sorted(by_status.items())),
            **counts, "failures_by_reason": dict(by_reason.most_common()),
            "partitions": coded.rdd.getNumPartitions(), "seconds": round(time.perf_counter() - started, 2),
        }
        spark.createDataFrame([(json.dumps(summary),)], "value string").coalesce(1) \
            .write.mode("overwrite").text(f"{out}/summary")
        return summary
    finally:
        coded.unpersist()


def run_job(spark: SparkSession, input_path: str, out_dir: str, partitions: int | None = None,
            config: Config | None = None) -> dict[str, Any]:
    """Read ``input_path`` (JSON Lines, plain or gzip; a file, folder or glob), code it, write the outputs."""
    started = time.perf_counter()
    df = read_jsonl(spark, input_path)
    return write_outputs(code_dataframe(spark, df, config=config, partitions=partitions), out_dir, started)


# ---------------------------------------------------------------------------------------------
# Session and command line

QUIET_CONF = {
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.python.worker.reuse": "true",
}


_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


def _quiet_log_config() -> str:
    """A log4j2 file that lets only errors through (Spark's default prints a page of INFO/WARN)."""
    import tempfile

    path = os.path.join(tempfile.gettempdir(), "detente-spark-log4j2.properties")
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == _LOG4J2:
                return path
    except OSError:
        pass
    tmp = f"{path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(_LOG4J2)
    os.replace(tmp, path)
    return path


def local_session(master: str | None = None, app_name: str = "detente", conf: dict[str, str] | None = None,
                  log_level: str = "ERROR", quiet: bool = True) -> SparkSession:
    """A SparkSession for the job. ``master`` None: whatever spark-submit or the environment says
    (plain ``python`` then runs ``local[*]``). In local mode the executors' Python is this one and,
    with ``quiet``, the driver logs only errors from its start."""
    from pyspark.sql import SparkSession

    settings = {**QUIET_CONF}
    if (master or "local").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "hostname resolves to loopback" warning
        if quiet:
            settings["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile=file:{_quiet_log_config()}"
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    conf = dict(conf or {})
    java_opts = conf.pop("spark.driver.extraJavaOptions", "")
    if java_opts:
        settings["spark.driver.extraJavaOptions"] = " ".join(
            o for o in (settings.get("spark.driver.extraJavaOptions", ""), java_opts) if o)
    for key, value in {**settings, **conf}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(log_level)
    return spark


def _one_line_error(exc: BaseException) -> str:
    text = str(exc)
    for line in text.splitlines():
        if "EngineStartError:" in line:
            return line.split("EngineStartError:", 1)[1].strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:500]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m detente.spark",
        description="Code a JSON Lines corpus with Spark; write Parquet articles/, events/, quantities/, "
                    "accounts/, failures/ and summary/ under OUT_DIR (overwritten).")
    parser.add_argument("input", help="JSON Lines file (.jsonl or .jsonl.gz), folder or glob; any Spark path")
    parser.add_argument("out_dir", help="output folder (any Spark path: local, hdfs://, s3a://)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions to code in (default: the cluster's default parallelism)")
    parser.add_argument("--master", default=None,
                        help="Spark master, e.g. local[2] (default: from spark-submit, else local[*])")
    parser.add_argument("--batch-size", type=int, default=None, help="articles per spaCy batch [default: 32]")
    parser.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                        help="extra Spark setting; repeatable")
    args = parser.parse_args(argv)
    if args.partitions is not None and args.partitions < 1:
        parser.error("--partitions must be at least 1")
    conf = dict(c.split("=", 1) for c in args.conf if "=" in c)
    try:
        config = load_config(batch_size=args.batch_size)
        spark = local_session(args.master, conf=conf)
    except Exception as exc:  # noqa: BLE001 - a bad setting, no Java, no pyspark: one line
        print(f"error: {_one_line_error(exc)}", file=sys.stderr)
        return 2
    try:
        summary = run_job(spark, args.input, args.out_dir, partitions=args.partitions, config=config)
    except Exception as exc:  # noqa: BLE001 - a Py4J error carries a Java and a Python traceback
        print(f"error: {_one_line_error(exc)}", file=sys.stderr)
        return 1
    finally:
        spark.stop()
    print(json.dumps(summary, indent=2))
    return 1 if summary["articles_by_status"].get("failed") else 0


if __name__ == "__main__":
    # run as a script (spark-submit .../detente/spark.py) or with -m: either way, call the
    # function of the imported module, so that the partition function is pickled by reference
    # (a function of __main__ would be pickled by value, with an empty engine cache per task)
    from detente.spark import main as _main

    sys.exit(_main())
