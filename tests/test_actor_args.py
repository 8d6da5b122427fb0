"""Actor arguments accept names and any case, in the CLI and over HTTP (issue #13, "Friendly input"):
``--pair argentina,brazil`` is ``--pair ARG,BRA``; an unknown name is E315 with a suggestion, exit 2
or 400, never a silent empty table. The store is built by the test (no spaCy)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import make_coded, make_event
from detente.actors.lookup import actor_arg, pair_arg
from detente.cli import app
from detente.errors import CATALOGUE, ConfigError
from detente.store import Store


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "actors.duckdb"
    coded = make_coded(1, n_events=0)
    aid = coded.article.article_id
    coded.events = [
        make_event(aid, 0, source="ARG", target="BRA", cameo="042", date="2022-03-15"),
        make_event(aid, 1, source="BRA", target="ARG", cameo="057", date="2022-06-20"),
        make_event(aid, 2, source="BRA", target="ARG", cameo="112", date="2022-09-02"),
        make_event(aid, 3, source="CHN", target="RUS", cameo="042", date="2022-09-15"),
        make_event(aid, 4, source="NATO", target="RUS", cameo="112", date="2022-09-16"),
    ]
    with Store(path) as s:
        s.write(coded, run_id="test")
    return str(path)


# --- the library function ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "code"), [
    ("CHN", "CHN"), ("chn", "CHN"), ("China", "CHN"), ("china", "CHN"), ("Chinese", "CHN"),
    ("People's Republic of China", "CHN"), ("China (CHN)", "CHN"),
    ("NATO", "NATO"), ("nato", "NATO"), ("European Union", "EU"), ("EU", "EU"), ("eu", "EU"),
    ("USAGOV", "USAGOV"), ("usagov", "USAGOV"), ("IGO", "IGO"), ("brazilian", "BRA"), ("argentina", "ARG"),
    ("  russia ", "RUS"), ("ROM", "ROM"),
])
def test_actor_arg_maps_codes_and_names_to_the_stored_code(text: str, code: str) -> None:
    assert actor_arg(text) == code


def test_unknown_actor_is_e315_with_the_closest_name() -> None:
    with pytest.raises(ConfigError) as exc:
        actor_arg("Chna", what="--actor")
    assert exc.value.code == "E315" and CATALOGUE["E315"].status == 400
    assert exc.value.one_line() == "error E315: --actor: no actor 'Chna' — did you mean China (CHN)?"
    with pytest.raises(ConfigError) as exc:
        actor_arg("Xyz")
    assert exc.value.reason == "no actor 'Xyz'"
    with pytest.raises(ConfigError, match="did you mean China"):
        actor_arg("CHNA")  # a known code plus something that is no sector
    assert pair_arg("Argentina,bra") == ["ARG", "BRA"]


# --- CLI -----------------------------------------------------------------------------------------

def _jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_cli_events_pair_and_actor_take_names(db: str) -> None:
    code, by_code, _ = run("events", "--db", db, "--all", "--format", "jsonl", "--pair", "ARG,BRA")
    assert code == 0 and len(_jsonl(by_code)) == 3
    for pair in ("argentina,brazil", "Argentina,BRA", "arg,bra", "brazilian,Argentine"):
        code, out, err = run("events", "--db", db, "--all", "--format", "jsonl", "--pair", pair)
        assert code == 0, err
        assert _jsonl(out) == _jsonl(by_code), pair
    code, by_code, _ = run("events", "--db", db, "--all", "--format", "jsonl", "--actor", "BRA")
    code2, by_name, _ = run("events", "--db", db, "--all", "--format", "jsonl", "--actor", "brazilian")
    assert code == code2 == 0 and len(_jsonl(by_code)) == 3 and _jsonl(by_name) == _jsonl(by_code)
    code, out, _ = run("events", "--db", db, "--all", "--format", "jsonl", "--actor", "china")
    assert code == 0 and [e["source"]["country"] for e in _jsonl(out)] == ["CHN"]
    code, out, _ = run("events", "--db", db, "--all", "--format", "jsonl", "--pair", "nato,russia")
    assert code == 0 and [e["cameo"] for e in _jsonl(out)] == ["112"]


def test_cli_export_pair_takes_names(db: str) -> None:
    code, by_code, _ = run("export", "--db", db, "--format", "csv", "--pair", "ARG,BRA")
    code2, by_name, _ = run("export", "--db", db, "--format", "csv", "--pair", "argentina,brazil")
    assert code == code2 == 0 and by_name == by_code and by_code.count("\n") == 4  # header + 3


def test_cli_unknown_actor_exits_2_with_the_suggestion(db: str) -> None:
    code, out, err = run("events", "--db", db, "--pair", "Argentna,BRA")
    assert code == 2 and out == ""
    assert err.strip() == "error E315: --pair: no actor 'Argentna' — did you mean Argentina (ARG)?"
    code, _, err = run("events", "--db", db, "--actor", "Chna")
    assert code == 2 and "no actor 'Chna' — did you mean China (CHN)?" in err and "Traceback" not in err
    code, _, err = run("export", "--db", db, "--actor", "Xyz")
    assert code == 2 and err.strip() == "error E315: --actor: no actor 'Xyz'"
    code, _, err = run("dyad", "arg", "Brazl", "--db", db)
    assert code == 2 and "error E315: B: no actor 'Brazl' — did you mean Brazil (BRA)?" in err
    code, _, err = run("changes", "Chna", "rus", "--db", db)
    assert code == 2 and "did you mean China (CHN)?" in err


def test_cli_dyad_and_changes_take_names(db: str) -> None:
    code, by_code, _ = run("dyad", "ARG", "BRA", "--db", db)
    code2, by_name, _ = run("dyad", "arg", "bra", "--db", db)
    code3, by_full_name, _ = run("dyad", "Argentina", "brazil", "--db", db)
    assert code == code2 == code3 == 0
    assert by_name == by_code == by_full_name and "ARG – BRA" in by_code and "2022-03" in by_code
    code, by_code, _ = run("changes", "ARG", "BRA", "--db", db)
    code2, by_name, _ = run("changes", "argentine", "Brazil", "--db", db)
    assert code == code2 == 0 and by_name == by_code


# --- HTTP ----------------------------------------------------------------------------------------

@pytest.fixture
def client(db: str):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from detente.api import create_app

    return TestClient(create_app(db_path=db))


def test_api_events_pair_and_actor_take_names(client) -> None:  # type: ignore[no-untyped-def]
    by_code = client.get("/events", params={"pair": "ARG,BRA"})
    by_name = client.get("/events", params={"pair": "argentina,brazil"})
    assert by_code.status_code == by_name.status_code == 200
    assert by_name.json() == by_code.json() and by_code.json()["total"] == 3
    assert client.get("/events", params={"actor": "chinese"}).json()["total"] == 1
    assert client.get("/events", params={"actor": "nato"}).json()["total"] == 1


def test_api_unknown_actor_is_400_with_the_suggestion(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/events", params={"pair": "Argentna,BRA"})
    assert r.status_code == 400
    assert r.json() == {"error": "E315", "detail": "pair: no actor 'Argentna' — did you mean Argentina (ARG)?"}
    r = client.get("/events", params={"actor": "Chna"})
    assert r.status_code == 400 and r.json()["detail"] == "actor: no actor 'Chna' — did you mean China (CHN)?"
    r = client.get("/dyad/Chna/RUS")
    assert r.status_code == 400 and r.json()["error"] == "E315" and "China (CHN)" in r.json()["detail"]


def test_api_dyad_and_changes_take_names(client) -> None:  # type: ignore[no-untyped-def]
    by_code = client.get("/dyad/ARG/BRA").json()
    assert client.get("/dyad/argentina/brazil").json() == by_code and by_code["a"] == "ARG"
    assert client.get("/changes/arg/Brazilian").json() == client.get("/changes/ARG/BRA").json()


def test_web_pair_takes_names_and_suggests(client) -> None:  # type: ignore[no-untyped-def]
    by_code = client.get("/pair.csv", params={"a": "ARG", "b": "BRA"})
    assert by_code.status_code == 200
    assert client.get("/pair.csv", params={"a": "argentina", "b": "bra"}).text == by_code.text
    r = client.get("/pair.csv", params={"a": "Argentna", "b": "BRA"})
    assert r.status_code == 400 and r.json()["error"] == "E720"
    assert "did you mean Argentina (ARG)?" in r.json()["detail"]
