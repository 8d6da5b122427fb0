"""One catalogue of error codes (detente.errors.CATALOGUE): every code the package uses is in it,
raised with its class from a module its entry names; a code means one thing; docs/errors.md is
the catalogue; every error pickles."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

from conftest import ROOT
from detente import errors
from detente.errors import (
    CATALOGUE,
    AnalysisError,
    ApiError,
    ConfigError,
    DetenteError,
    InputError,
    KnowledgeError,
    LimitError,
    StoreError,
    http_status,
)

SRC = ROOT / "src" / "detente"
CODE = re.compile(r"^E\d{3}$")
MENTION = re.compile(r"(?<![A-Za-z0-9_])E\d{3}(?!\d)")
CLASSES = {c.__name__: c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, DetenteError)}


def _modules() -> list[tuple[str, Path]]:
    """(dotted name under detente, path) of every module of the package (not its data)."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "data":
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts) or "__init__", path))
    return out


def _uses() -> list[tuple[str, str, int, str | None]]:
    """(module, code, line, class called or None) of every string literal that is a code: the first
    argument of ``SomeError("E301", ...)`` (class named) or any other ``"E301"`` (class None)."""
    uses = []
    for module, path in _modules():
        if module == "errors":
            continue  # the catalogue itself
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called: dict[int, str] = {}  # id of the code constant -> the class it is given to
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and node.args:
                name = node.func.id if isinstance(node.func, ast.Name) else \
                    node.func.attr if isinstance(node.func, ast.Attribute) else None
                if name in CLASSES:
                    first = node.args[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        called[id(first)] = name
                    else:  # a code that is not a literal: only re-raising an error's own code
                        assert isinstance(first, ast.Attribute) and first.attr == "code", \
                            f"{path}:{node.lineno}: {name}(...) with a computed code; use a literal code"
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                uses.append((module, node.value, node.lineno, called.get(id(node))))
    return uses


USES = _uses()


def test_the_scan_finds_the_raising_sites() -> None:
    found = {(m, c, cls) for m, c, _, cls in USES}
    assert ("store", "E301", "StoreError") in found
    assert ("actors.kb", "E341", "KnowledgeError") in found
    assert ("api_limits", "E711", None) in found  # a code in a JSON body, not an exception
    assert len(USES) > 140


def test_every_code_used_in_src_is_in_the_catalogue_with_its_class_and_module() -> None:
    problems = []
    for module, code, line, cls in USES:
        entry = CATALOGUE.get(code)
        where = f"src/detente/{module.replace('.', '/')}.py:{line}: {code}"
        if entry is None:
            problems.append(f"{where} is not in detente.errors.CATALOGUE: add it there (a new, unused code)")
            continue
        if cls is not None and CLASSES[cls] is not entry.cls:
            problems.append(f"{where} is raised as {cls}, but the catalogue says {entry.cls.__name__} "
                            f"({entry.meaning!r}): a different situation needs a new code")
        if module not in entry.modules:
            problems.append(f"{where} means {entry.meaning!r} (used in {', '.join(entry.modules)}): if this "
                            f"is that situation, add {module!r} to its entry, else give it a new code")
    assert not problems, "\n".join(problems)


def test_every_code_mentioned_anywhere_in_src_is_in_the_catalogue() -> None:
    """Codes in messages, f-strings, docstrings and comments, however quoted (``E306``, E706-E711)."""
    unknown = []
    for _, path in _modules():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.split("noqa", 1)[0]  # linter codes (E501) are not ours
            unknown += [f"{path.relative_to(ROOT)}:{n}: {c}" for c in MENTION.findall(line) if c not in CATALOGUE]
    assert not unknown, unknown


def test_every_catalogue_code_is_used_by_the_modules_it_names() -> None:
    used = {(m, c) for m, c, _, _ in USES}
    modules = {m for m, _ in _modules()}
    for e in CATALOGUE.values():
        for m in e.modules:
            assert m in modules, f"{e.code}: no module detente.{m}"
            assert (m, e.code) in used, \
                f"{e.code} ({e.meaning}) is not used in detente.{m}: remove {m!r} from its entry (or the entry)"


def test_codes_are_unique_with_one_class_and_one_meaning() -> None:
    # a code given twice in the source of the catalogue would otherwise be one dict key
    tree = ast.parse((SRC / "errors.py").read_text(encoding="utf-8"))
    rows = [n for n in ast.walk(tree) if isinstance(n, ast.Tuple) and n.elts
            and isinstance(n.elts[0], ast.Constant) and isinstance(n.elts[0].value, str)
            and CODE.match(n.elts[0].value)]
    codes = [r.elts[0].value for r in rows]  # type: ignore[attr-defined]
    assert len(codes) == len(set(codes)) == len(CATALOGUE)
    meanings = [e.meaning for e in CATALOGUE.values()]
    assert len(meanings) == len(set(meanings)), "two codes with one meaning"
    for code, e in CATALOGUE.items():
        assert code == e.code and CODE.match(code)
        assert isinstance(e.cls, type) and issubclass(e.cls, DetenteError)
        assert e.meaning.strip() and "\n" not in e.meaning
        assert 400 <= e.status <= 599
    assert list(CATALOGUE) == sorted(CATALOGUE)


def test_a_code_defined_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match="E999"):
        errors._catalogue(("E999", ConfigError, "one", "config"), ("E999", StoreError, "two", "store"))


def _status_before_the_catalogue(exc: DetenteError) -> int:
    """What detente.api.status_for answered before the catalogue (its _STORE_STATUS and class rules)."""
    if isinstance(exc, StoreError):
        return {"E306": 404, "E301": 503, "E302": 503, "E304": 404}.get(exc.code, 500)
    if isinstance(exc, (ConfigError, InputError)):
        return 400
    if isinstance(exc, KnowledgeError):
        return 500
    return 404 if exc.code == "E603" else 400


# the statuses the API layer's own errors were raised (or answered) with
API_STATUS = {"E700": 500, "E701": 422, "E702": 503, "E704": 404, "E705": 405, "E706": 413,
              "E707": 413, "E708": 429, "E709": 503, "E711": 421, "E720": 400}
API_STATUS.update({"E721": 404, "E722": 400})  # the Events and Article pages (web/events_page.py, article_page.py)
API_STATUS.update({"E730": 403, "E731": 401, "E732": 401})  # writes off, no token, a wrong token (web/review.py)


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_http_status_is_the_catalogues_and_what_the_api_answered_before(code: str) -> None:
    from detente.api import status_for

    e = CATALOGUE[code]
    exc = e.cls(code, "subject", "reason")
    before = API_STATUS[code] if issubclass(e.cls, ApiError) else _status_before_the_catalogue(exc)
    assert http_status(exc) == status_for(exc) == http_status(code) == e.status == before


def test_an_api_error_may_still_carry_its_own_status() -> None:
    assert http_status(ApiError("E700", "x", "y", 502)) == 502
    assert http_status(StoreError("E399", "x", "y")) == 500  # not in the catalogue: by class


EXAMPLES = [
    DetenteError("E710", "serve", "needs fastapi"),
    InputError("E130", "text", "no article in it"),
    StoreError("E301", "/data/x.duckdb", "store is in use by another detente process"),
    KnowledgeError("E341", "actors.yaml", "actor file not found"),
    ConfigError("E311", "from", "not a date: 'last week'"),
    AnalysisError("E604", "XX", "is not a country code"),
    ApiError("E702", "coder", "could not be loaded"),
    LimitError("E708", "code", "3 requests already waiting", retry_after=7),
]


@pytest.mark.parametrize("exc", EXAMPLES, ids=lambda e: type(e).__name__)
def test_errors_pickle(exc: DetenteError) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(exc, protocol))
        assert type(back) is type(exc)
        assert (back.code, back.subject, back.reason) == (exc.code, exc.subject, exc.reason)
        assert back.args == exc.args and str(back) == str(exc) and back.one_line() == exc.one_line()
        assert vars(back) == vars(exc)  # status, retry_after
    if isinstance(exc, LimitError):
        assert back.status == 429 and back.retry_after == 7


def test_the_message_format_is_unchanged() -> None:
    exc = StoreError("E306", "nowhere.duckdb", "no store here yet")
    assert exc.one_line() == "error E306: nowhere.duckdb: no store here yet"
    assert str(exc) == "E306: nowhere.duckdb: no store here yet"


# ---------------------------------------------------------------- docs
GENERATED = re.compile(r"<!-- generated from detente.errors.CATALOGUE.*?-->\n(.*?)<!-- end of generated table -->",
                       re.DOTALL)


def test_docs_errors_md_is_the_catalogue() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    m = GENERATED.search(doc)
    assert m, "docs/errors.md lost its generated table"
    assert m.group(1) == errors.markdown_table(), \
        "docs/errors.md is out of date: paste the output of `python -m detente.errors` into it"


def test_every_code_in_the_docs_is_in_the_catalogue() -> None:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for code in MENTION.findall(path.read_text(encoding="utf-8")):
            assert code in CATALOGUE, f"{path.name}: {code}"


def test_the_status_table_of_docs_api_md_agrees_with_the_catalogue() -> None:
    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d{3}) \| (.*?) \|", doc, flags=re.MULTILINE)
    assert len(rows) > 10
    for status, cell in rows:
        codes = set(MENTION.findall(cell))
        for a, b in re.findall(r"`(E\d{3})`–`(E\d{3})`", cell):  # a range
            codes |= {c for c in CATALOGUE if a <= c <= b}
        for code in codes:
            assert CATALOGUE[code].status == int(status), f"docs/api.md: {code} under {status}"


def test_the_api_and_web_code_lists_come_from_the_catalogue() -> None:
    from detente.api import API_ERRORS
    from detente.api_limits import LIMIT_ERRORS
    from detente.web import WEB_ERRORS

    assert sorted(API_ERRORS) == [f"E70{i}" for i in range(10) if i != 3] + ["E711"]  # E703 retired
    assert sorted(LIMIT_ERRORS) == ["E706", "E707", "E708", "E709", "E711"]
    assert {"E720": CATALOGUE["E720"].meaning} == WEB_ERRORS
