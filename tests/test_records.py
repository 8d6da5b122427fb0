"""The records contract: JSON round-trips, stable ids, and docs/schema.json kept in step with records.py."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_coded, make_event
from detente import records
from detente.records import (
    Account,
    Actor,
    Article,
    CodedArticle,
    Event,
    Location,
    Quantity,
    article_id_for,
    canonical_url,
    event_id_for,
)

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "schema.json"
RECORDS = {"Article": Article, "Actor": Actor, "Location": Location, "Event": Event, "Quantity": Quantity,
           "Account": Account}


def roundtrip(rec: Any) -> Any:
    return type(rec).from_dict(json.loads(json.dumps(rec.to_dict())))


def test_every_record_round_trips_through_json() -> None:
    coded = make_coded(3, n_events=3)
    ev = coded.events[0]
    for rec in (coded.article, ev, ev.source, ev.location, coded.quantities[0], coded.accounts[0]):
        assert roundtrip(rec) == rec
    assert CodedArticle.from_dict(json.loads(json.dumps(coded.to_dict()))) == coded


def test_event_with_empty_optional_parts_round_trips() -> None:
    ev = make_event("a" * 64, location=None, target=None, date=None)
    assert ev.target is None and ev.location is None
    assert roundtrip(ev) == ev


def test_from_dict_ignores_unknown_keys_and_fills_defaults() -> None:
    data = make_event("b" * 64).to_dict()
    data["some_future_field"] = 1
    del data["historical"]
    ev = Event.from_dict(data)
    assert ev.historical is False and not hasattr(ev, "some_future_field")


def test_same_url_same_id_tracking_parameters_ignored() -> None:
    a = Article.make("one text", url="https://News.example.com/story/1?utm_source=x&id=5#top")
    b = Article.make("another text entirely", url="https://news.example.com/story/1/?id=5&fbclid=abc")
    assert a.article_id == b.article_id
    c = Article.make("one text", url="https://news.example.com/story/1?id=6")
    assert c.article_id != a.article_id


def test_same_normalised_text_same_id_without_url() -> None:
    a = Article.make("China  and Russia\n\nsigned a deal.")
    b = Article.make("  china and russia signed a DEAL. ")
    assert a.article_id == b.article_id
    assert Article.make("China and Russia signed a treaty.").article_id != a.article_id
    assert article_id_for("file:///tmp/x.txt", "Some text") == article_id_for(None, "some   text")


def test_event_ids_are_stable_and_distinct() -> None:
    assert event_id_for("x", 1, (3, 9), "042") == event_id_for("x", 1, [3, 9], "042")
    assert len({event_id_for("x", 1, (3, 9), "042"), event_id_for("x", 2, (3, 9), "042"),
                event_id_for("x", 1, (3, 9), "043"), event_id_for("y", 1, (3, 9), "042")}) == 4


@given(path=st.from_regex(r"/[a-z0-9/]{0,20}", fullmatch=True),
       tracking=st.dictionaries(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid"]),
                                st.text("abc123", min_size=1, max_size=5), max_size=3))
def test_tracking_parameters_never_change_the_id(path: str, tracking: dict[str, str]) -> None:
    base = f"https://example.org{path}"
    query = "&".join(f"{k}={v}" for k, v in tracking.items())
    assert canonical_url(base + ("?" + query if query else "")) == canonical_url(base)


# --- docs/schema.json ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_schema_lists_exactly_the_dataclass_fields(schema: dict[str, Any]) -> None:
    defs = schema["$defs"]
    assert set(RECORDS) | {"CodedArticle"} <= set(defs)
    for name, cls in RECORDS.items():
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(defs[name]["properties"]) == fields, name
        required = {f.name for f in dataclasses.fields(cls)
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
        assert set(defs[name].get("required", [])) == required, name
    assert set(defs["CodedArticle"]["properties"]) == {f.name for f in dataclasses.fields(CodedArticle)}


def test_schema_types_follow_the_annotations(schema: dict[str, Any]) -> None:
    """Each property's JSON type allows exactly what the annotation allows (None <-> null)."""
    hints = {name: typing.get_type_hints(cls, vars(records)) for name, cls in RECORDS.items()}
    for name, props in ((n, schema["$defs"][n]["properties"]) for n in RECORDS):
        for field, hint in hints[name].items():
            if field.startswith("_"):
                continue
            allowed = _json_types(hint)
            assert _schema_types(props[field], schema) == allowed, f"{name}.{field}"


def _json_types(hint: Any) -> set[str]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return set().union(*(_json_types(a) for a in typing.get_args(hint)))
    if hint is type(None):
        return {"null"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if hint in simple:
        return {simple[hint]}
    if origin in (list, tuple):
        return {"array"}
    if origin is dict or hint in (dict, typing.Any):
        return {"object"}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return {"object"}
    raise AssertionError(f"unexpected annotation {hint!r}")


def _schema_types(prop: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    if "$ref" in prop:
        return {"object"}
    if "anyOf" in prop:
        return set().union(*(_schema_types(p, schema) for p in prop["anyOf"]))
    t = prop["type"]
    return set(t) if isinstance(t, list) else {t}


def validate(instance: Any, node: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    """A small JSON Schema validator for the keywords docs/schema.json uses (jsonschema is not a
    dependency): type, properties, required, additionalProperties, items, $ref, anyOf, enum, pattern."""
    import re

    if "$ref" in node:
        return validate(instance, root["$defs"][node["$ref"].split("/")[-1]], root, where)
    if "anyOf" in node:
        results = [validate(instance, sub, root, where) for sub in node["anyOf"]]
        return [] if any(not r for r in results) else [f"{where}: matches none of anyOf ({results})"]
    errors: list[str] = []
    if "type" in node:
        types_ = node["type"] if isinstance(node["type"], list) else [node["type"]]
        checks = {"string": lambda v: isinstance(v, str), "null": lambda v: v is None,
                  "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
                  "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                  "boolean": lambda v: isinstance(v, bool), "array": lambda v: isinstance(v, list),
                  "object": lambda v: isinstance(v, dict)}
        if not any(checks[t](instance) for t in types_):
            return [f"{where}: {instance!r} is not {types_}"]
    if "enum" in node and instance not in node["enum"]:
        errors.append(f"{where}: {instance!r} not in {node['enum']}")
    if "pattern" in node and isinstance(instance, str) and not re.search(node["pattern"], instance):
        errors.append(f"{where}: {instance!r} does not match {node['pattern']}")
    if isinstance(instance, dict):
        for key in node.get("required", []):
            if key not in instance:
                errors.append(f"{where}: missing {key}")
        props = node.get("properties", {})
        for key, value in instance.items():
            if key in props:
                errors += validate(value, props[key], root, f"{where}.{key}")
            elif node.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected property {key}")
    if isinstance(instance, list) and "items" in node:
        for i, item in enumerate(instance):
            errors += validate(item, node["items"], root, f"{where}[{i}]")
    return errors


def test_a_coded_article_validates_against_the_schema(schema: dict[str, Any]) -> None:
    data = make_coded(1, n_events=3).to_dict()
    assert validate(data, {"$ref": "#/$defs/CodedArticle"}, schema) == []
    data["events"][0]["cameo"] = 42  # a number, not a string with its leading zero
    data["events"][1]["polarity"] = "maybe"
    errors = validate(data, {"$ref": "#/$defs/CodedArticle"}, schema)
    assert len(errors) == 2 and "cameo" in errors[0] and "polarity" in errors[1]


@pytest.mark.model
def test_the_real_engines_output_validates(engine: Any, schema: dict[str, Any]) -> None:
    coded = engine.code_article(Article.make("China and Russia signed an energy agreement in Moscow on Monday. "
                                             "The United States criticised the deal.", published="2022-09-16"))
    assert coded.article.status == "ok"
    assert validate(coded.to_dict(), {"$ref": "#/$defs/CodedArticle"}, schema) == []


def test_counted_sql_is_event_counts() -> None:
    """One definition of a counted event: the SQL every aggregate uses agrees with Event.counts."""
    import duckdb

    from conftest import make_event
    from detente.records import MODALITIES, POLARITIES, counted_sql

    con = duckdb.connect()
    con.execute("CREATE TABLE events (polarity VARCHAR, modality VARCHAR)")
    for polarity in POLARITIES:
        for modality in MODALITIES:
            con.execute("DELETE FROM events")
            con.execute("INSERT INTO events VALUES (?, ?)", [polarity, modality])
            (counted,) = con.execute(f"SELECT {counted_sql()} FROM events").fetchone()  # type: ignore[misc]
            event = make_event("a1", polarity=polarity, modality=modality)
            assert counted == event.counts, (polarity, modality)
    assert not make_event("a1", modality="alleged").counts and make_event("a1", modality="future").counts
