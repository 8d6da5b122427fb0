"""The word-sense lists as a setting (``word_sense = FILE``), and the pair scorer's violent proposals put
through the same word-sense check as the rules' matches.

The sentences are written for these tests.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from detente.config import Config, load_config
from detente.errors import ConfigError, KnowledgeError

DATA = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "coder" / "word_sense.yaml"
DERBY = "Brazil beat Argentina in the derby on Sunday."


def _user_file(tmp_path: Path, **changes: list[str]) -> str:
    """The shipped lists with ``changes`` appended to the lists they name."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for name, words in changes.items():
        data[name] = [*data[name], *words]
    path = tmp_path / "my_word_sense.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def _events(config: Config, text: str) -> list[tuple[str | None, str | None, str, str]]:
    from detente.pipeline import Engine
    from detente.records import Article

    events = Engine(config).code_article(Article.make(text, published="2024-05-20")).events
    return [(e.source.country if e.source else None, e.target.country if e.target else None, e.cameo,
             e.pattern or "") for e in events]


# ----------------------------------------------------------------------------- the setting
def test_the_setting_defaults_to_the_shipped_lists_and_reads_the_environment(tmp_path, monkeypatch):
    assert load_config().word_sense == ""
    path = _user_file(tmp_path)
    monkeypatch.setenv("DETENTE_WORD_SENSE", path)
    assert load_config().word_sense == path


@pytest.mark.parametrize("where", ["env", "toml", "argument"])
def test_a_missing_file_is_one_error_naming_it_and_where_it_was_set(tmp_path, monkeypatch, where):
    missing = str(tmp_path / "nowhere.yaml")
    if where == "env":
        monkeypatch.setenv("DETENTE_WORD_SENSE", missing)
        expected_subject = "$DETENTE_WORD_SENSE"
        call: dict[str, str] = {}
    elif where == "toml":
        cfg = tmp_path / "detente.toml"
        cfg.write_text(f'[detente]\nword_sense = "{missing}"\n', encoding="utf-8")
        expected_subject, call = str(cfg), {"path": str(cfg)}
    else:
        expected_subject, call = "arguments", {"word_sense": missing}
    with pytest.raises(ConfigError) as err:
        load_config(**call)
    assert err.value.code == "E001" and err.value.subject == expected_subject
    assert err.value.reason == f"setting word_sense={missing!r}: no such file"
    # a folder is no file either; the pair model's file is checked the same way
    with pytest.raises(ConfigError, match="not a file"):
        load_config(word_sense=str(tmp_path))
    with pytest.raises(ConfigError, match="pair_model"):
        load_config(pair_model=missing)


def test_a_broken_file_names_the_file_and_the_list(tmp_path):
    from detente.coding.coder import Coder

    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["literal_heads"] = "beat"  # a string, not a list
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        Coder(kb=None, config=Config(word_sense=str(path), pairs=False))
    assert err.value.one_line() == f"error E262: {path}:literal_heads: expected a list of non-empty strings"


@pytest.mark.model
def test_the_cli_says_what_is_wrong_in_one_line_and_exits_non_zero(tmp_path, monkeypatch):
    from detente.cli import app

    runner = CliRunner()
    monkeypatch.setenv("DETENTE_WORD_SENSE", str(tmp_path / "nowhere.yaml"))
    res = runner.invoke(app, ["code", "-", "--date", "2024-05-20"], input=DERBY + "\n")
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"error E001: $DETENTE_WORD_SENSE: setting word_sense={str(tmp_path / 'nowhere.yaml')!r}: no such file"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("competition_words: [derby\n", encoding="utf-8")
    monkeypatch.setenv("DETENTE_WORD_SENSE", str(broken))
    res = runner.invoke(app, ["code", "-", "--date", "2024-05-20"], input=DERBY + "\n")
    assert res.exit_code == 1
    lines = res.output.strip().splitlines()
    assert lines == [f"error E260: {broken}:2: not valid YAML (expected ',' or ']', but got '<stream end>')"]


@pytest.mark.model
def test_a_user_file_changes_what_reads_literally(tmp_path):
    # shipped lists: a derby is no contest they know, so "beat" is an assault
    rules = Config(pairs=False)
    assert any(src == "BRA" and tgt == "ARG" and code.startswith("18") for src, tgt, code, _ in _events(rules, DERBY))
    # a user file that adds "derby" to the competition words: a win, no event
    path = _user_file(tmp_path, competition_words=["derby"])
    assert not [e for e in _events(rules.with_(word_sense=path), DERBY) if e[2].startswith("18")]
    # the same file leaves a literal blow alone
    literal = "Brazilian soldiers beat Argentine prisoners on Sunday."
    assert any(code.startswith("18") for _, _, code, _ in _events(rules.with_(word_sense=path), literal))


# ----------------------------------------------------------------------------- the pair scorer's proposals
def _violent_model(tmp_path: Path, join: str) -> str:
    """A pair model that proposes root 19 for any two parties joined by ``join``."""
    path = tmp_path / "pairs.json.gz"
    data = {"labels": ["none", "19"], "threshold": 0.5, "meta": {"trained_on": ["test"]},
            "weights": {"bias": [2.0, 0.0], f"join={join}": [0.0, 5.0]}}
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    return str(path)


@pytest.mark.model
@pytest.mark.parametrize(("join", "text"), [
    ("beat", "Brazil beat Argentina in the final on Sunday."),  # a competition
    ("strike", "Japan struck a cordial tone with China on Monday."),  # an idiom of the lexicon
    ("war", "Japan's trade war with China deepened on Monday."),  # a figurative modifier
])
def test_a_figurative_word_gets_no_violent_event_from_the_pair_model(tmp_path, join, text):
    config = Config(pair_model=_violent_model(tmp_path, join))
    assert not [e for e in _events(config, text) if e[2].startswith(("18", "19", "20"))]


@pytest.mark.model
def test_the_check_keeps_the_model_event_it_has_no_reason_to_doubt(tmp_path):
    # "diplomat" has no pattern in the lexicon: no violent reading to doubt, the proposal stands
    config = Config(pair_model=_violent_model(tmp_path, "diplomat"))
    text = "The presence of Japanese diplomats in Chinese ministries surprised observers."
    proposed = {(s, t) for s, t, code, pattern in _events(config, text) if pattern == "model:pairs 19"}
    assert proposed == {("JPN", "CHN"), ("CHN", "JPN")}
    # a violent word the lexicon knows, read literally: the model's proposal stands next to the rules' event
    config = Config(pair_model=_violent_model(tmp_path, "war"))
    events = _events(config, "Japan's war with China deepened on Monday.")
    assert ("CHN", "JPN", "190", "model:pairs 19") in events
