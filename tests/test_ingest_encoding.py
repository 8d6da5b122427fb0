"""Input that is not UTF-8: JSON Lines, text and HTML files in Latin-1, windows-1252 and other legacy
encodings are decoded in their encoding (detected, or declared by the page), with a warning kept
with the run; UTF-8, with or without a byte-order mark, comes through unchanged and without one.

Through the public reader (``read_inputs``) and through ``detente ingest`` / ``detente code``."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.config import Config
from detente.ingest import IngestReport, common, read_inputs
from detente.ingest.common import DETECT_BYTES, decode_bytes, detect_encoding
from detente.ingest.jsonl import read_jsonl_lines
from detente.ingest.report import reason_key
from detente.records import Article
from detente.store import Store

BRAZIL = ("President Lula met the foreign minister of Argentina in Brasília on Monday and then flew to "
          "São Paulo for talks with business leaders about trade between the two countries.")
EURO = ("The European Union will lend Ukraine €5 billion next year, the commission said on Tuesday. "
        "“We will not waver,” the president of the commission told reporters in Brussels — and "
        "officials’ hopes are high that the money will arrive before the winter.")
UTF8_BOM = b"\xef\xbb\xbf"


def read(*paths: Path) -> tuple[list[Article], IngestReport]:
    report = IngestReport()
    return list(read_inputs([str(p) for p in paths], Config(), report)), report


def jsonl(records: list[dict[str, str]], encoding: str) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode(encoding)


def page(title: str, body: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>Copyright Example News</footer></body></html>")


# --- JSON Lines -----------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_jsonl_in_a_legacy_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "corpus.jsonl"
    records = [{"id": "br1", "title": "Lula in Brasília", "text": BRAZIL, "date": "2024-03-05"},
               {"id": "plain", "text": "Ministers of Chile and Peru met in Lima on Friday to discuss trade."},
               {"id": "br2", "text": BRAZIL.replace("Monday", "Tuesday"), "source": "Folha de São Paulo"}]
    if encoding == "cp1252":
        records.append({"id": "eu", "text": EURO})
    path.write_bytes(jsonl(records, encoding))
    articles, report = read(path)
    assert [a.source_id for a in articles] == [r["id"] for r in records]
    assert articles[0].text == BRAZIL and articles[0].title == "Lula in Brasília"
    assert "Brasília" in articles[0].text and "São Paulo" in articles[0].text
    assert articles[2].source == "Folha de São Paulo"
    if encoding == "cp1252":
        assert articles[3].text == EURO
        assert "€5 billion" in articles[3].text and "“We will not waver,”" in articles[3].text
    assert all(a.status == "ok" and "\ufffd" not in a.text for a in articles)
    lines = len(records) - 1  # the all-ASCII line is UTF-8 as well
    assert report.one_lines() == [f"{path}:1: not UTF-8; decoded as 'cp1252' (detected; {lines} lines)"]
    assert report.warned == 1 and report.failed == 0 and report.read == len(records)


def test_jsonl_utf8_with_a_bom_and_plain_utf8_are_unchanged(tmp_path: Path) -> None:
    records = [{"id": "br1", "text": BRAZIL}, {"id": "eu", "text": EURO}]
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(UTF8_BOM + jsonl(records, "utf-8"))
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(jsonl(records, "utf-8"))
    articles, report = read(bom, plain)
    assert [a.text for a in articles] == [BRAZIL, EURO, BRAZIL, EURO]
    assert report.one_lines() == [] and report.read == 4


def test_jsonl_detection_streams_and_reads_a_bounded_sample(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    samples: list[int] = []
    real = common.detect_encoding

    def spy(sample: bytes) -> str | None:
        samples.append(len(sample))
        return real(sample)

    monkeypatch.setattr(common, "detect_encoding", spy)
    consumed = 0
    long_text = BRAZIL + " " + " ".join(["The talks in São Paulo went on for hours."] * 4000)  # ~170 KB
    first = json.dumps({"id": "long", "text": long_text}, ensure_ascii=False).encode("latin-1") + b"\n"
    rest = [json.dumps({"id": str(i), "text": BRAZIL}, ensure_ascii=False).encode("latin-1") + b"\n"
            for i in range(500)]

    def lines() -> Iterator[bytes]:
        nonlocal consumed
        for line in [first, *rest]:
            consumed += 1
            yield line

    report = IngestReport()
    stream = read_jsonl_lines(lines(), "big.jsonl", Config(), report)
    article = next(stream)
    assert consumed == 1  # one line read to yield the first article: nothing read ahead to detect
    assert article.text.startswith(BRAZIL) and "São Paulo went on" in article.text[-200:]
    assert len(list(stream)) == 500
    assert samples and max(samples) <= DETECT_BYTES and len(samples) == 1  # detected once, on 64 KB
    assert report.one_lines() == ["big.jsonl:1: not UTF-8; decoded as 'cp1252' (detected; 501 lines)"]


def test_jsonl_utf8_with_a_damaged_byte_is_not_taken_for_another_encoding(tmp_path: Path) -> None:
    path = tmp_path / "damaged.jsonl"
    line = json.dumps({"text": BRAZIL}, ensure_ascii=False).encode("utf-8").replace(b"Lula", b"Lul\xe1", 1)
    path.write_bytes(line + b"\n")
    (article,), report = read(path)
    assert "Lul\ufffd" in article.text and "Brasília" in article.text and "São Paulo" in article.text
    assert report.one_lines() == [f"{path}:1: invalid UTF-8 (bytes replaced in 1 line)"]


# --- text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("encoding", "text"), [("latin-1", BRAZIL), ("cp1252", EURO),
                                                ("cp1252", BRAZIL + "\n\n" + EURO)])
def test_text_file_in_a_legacy_encoding(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(f"---\ntitle: Talks in São Paulo\n---\n{text}\n".encode(encoding))
    (article,), report = read(path)
    assert article.text == text and article.title == "Talks in São Paulo" and article.status == "ok"
    assert report.one_lines() == [f"{path}: not UTF-8; decoded as 'cp1252' (detected)"]


def test_text_files_in_utf8_with_and_without_bom_are_unchanged(tmp_path: Path) -> None:
    bom, plain = tmp_path / "a.txt", tmp_path / "b.md"
    bom.write_bytes(UTF8_BOM + BRAZIL.encode("utf-8"))
    plain.write_bytes(f"# Loan\n\n{EURO}\n".encode())
    articles, report = read(bom, plain)
    assert [a.text for a in articles] == [BRAZIL, EURO] and not articles[0].text.startswith("\ufeff")
    assert report.one_lines() == []


def test_text_file_in_other_legacy_encodings(tmp_path: Path) -> None:
    russian = "Президент России встретился с министром иностранных дел Китая в Москве в понедельник."
    polish = ("Prime Minister Donald Tusk met the mayor of Łódź and the governor of the region on "
              "Friday to talk about a new railway to Wrocław and the port of Gdańsk.")
    (tmp_path / "ru.txt").write_bytes(russian.encode("cp1251"))
    (tmp_path / "koi.txt").write_bytes(russian.encode("koi8_r"))
    (tmp_path / "pl.txt").write_bytes(polish.encode("cp1250"))
    articles, report = read(tmp_path / "ru.txt", tmp_path / "koi.txt", tmp_path / "pl.txt")
    assert [a.text for a in articles] == [russian, russian, polish]
    assert [a.status for a in articles] == ["skipped", "skipped", "ok"]  # Russian is not English
    assert [r for level, _, r in report.entries if level == "warn"] == [
        "not UTF-8; decoded as 'cp1251' (detected)", "not UTF-8; decoded as 'koi8_r' (detected)",
        "not UTF-8; decoded as 'cp1250' (detected)"]


def test_a_text_file_cut_at_the_byte_limit_keeps_its_legacy_characters(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    body = "\n\n".join([BRAZIL] * 40)
    path.write_bytes(body.encode("latin-1"))
    report = IngestReport()
    (article,) = read_inputs([str(path)], Config().with_(max_chars=1000), report)
    assert "São Paulo" in article.text and "\ufffd" not in article.text
    assert report.one_lines()[0] == f"{path}: not UTF-8; decoded as 'cp1252' (detected)"


# --- HTML -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_html_without_a_declared_charset_is_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "page.html"
    body = BRAZIL + ("\n\n" + EURO if encoding == "cp1252" else "")
    path.write_bytes(page("Lula in Brasília", body).encode(encoding))
    (article,), report = read(path)
    assert article.title == "Lula in Brasília"
    assert BRAZIL in article.text
    if encoding == "cp1252":
        assert EURO in article.text and "€5 billion" in article.text
    assert report.one_lines() == [f"{path}: not UTF-8; decoded as 'cp1252' (detected)"]


@pytest.mark.parametrize("meta", ['<meta charset="iso-8859-1">', '<meta charset="windows-1252">',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'])
def test_html_declared_charset_is_respected(tmp_path: Path, meta: str) -> None:
    path = tmp_path / "page.htm"
    # cp1252 bytes (the euro sign is 0x80) under an iso-8859-1 label: browsers read it as windows-1252
    path.write_bytes(page("A loan for Ukraine", EURO + "\n\n" + BRAZIL, head=meta).encode("cp1252"))
    (article,), report = read(path)
    assert EURO in article.text and BRAZIL in article.text
    assert report.one_lines() == []  # a declared charset that fits is no repair


def test_html_declared_charset_other_than_western(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    polish = ("Prime Minister Donald Tusk met the mayor of Łódź on Friday.\n\n"
              "They talked about a railway to Wrocław and the port of Gdańsk, officials said.")
    path.write_bytes(page("Tusk in Łódź", polish, head='<meta charset="windows-1250">').encode("cp1250"))
    (article,), report = read(path)
    assert article.title == "Tusk in Łódź" and "mayor of Łódź" in article.text and "Wrocław" in article.text
    assert report.one_lines() == []


def test_html_declaring_utf8_that_is_not_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(page("Lula in Brasília", BRAZIL, head='<meta charset="utf-8">').encode("latin-1"))
    (article,), report = read(path)
    assert BRAZIL in article.text
    assert report.one_lines() == [f"{path}: not UTF-8; decoded as 'cp1252' (detected)"]


def test_html_in_utf8_is_utf8_whatever_it_declares(tmp_path: Path) -> None:
    bom, mislabelled = tmp_path / "bom.html", tmp_path / "mislabelled.html"
    bom.write_bytes(UTF8_BOM + page("Lula in Brasília", BRAZIL).encode())
    mislabelled.write_bytes(page("A loan", EURO, head='<meta charset="iso-8859-1">').encode())
    articles, report = read(bom, mislabelled)
    assert BRAZIL in articles[0].text and articles[0].title == "Lula in Brasília"
    assert EURO in articles[1].text
    assert report.one_lines() == []


# --- the decoding functions -----------------------------------------------------------------------

def test_decode_bytes_order_of_preference() -> None:
    report = IngestReport()
    assert decode_bytes(BRAZIL.encode(), "u", report) == BRAZIL
    assert decode_bytes(UTF8_BOM + BRAZIL.encode(), "bom", report) == BRAZIL
    assert decode_bytes(EURO.encode("cp1252"), "declared", report, declared=("windows-1252",)) == EURO
    assert report.one_lines() == []
    assert decode_bytes(EURO.encode("cp1252"), "detected", report, declared=("nonsense-charset",)) == EURO
    assert report.one_lines() == ["detected: not UTF-8; decoded as 'cp1252' (detected)"]
    assert reason_key(report.warnings[0][1]) == "not UTF-N; decoded as '…'"


def test_decode_bytes_declared_charsets_that_do_not_fit() -> None:
    report = IngestReport()
    # a UTF-16 label on bytes without NULs is wrong: they are read as UTF-8
    assert decode_bytes(BRAZIL.encode(), "a", report, declared=("utf-16",)) == BRAZIL
    assert decode_bytes(BRAZIL.encode("utf-16-le"), "b", report, declared=("utf-16le",)) == BRAZIL
    assert report.one_lines() == []
    # Shift_JIS cannot read these bytes (0x80 and 0xA0 end a double-byte character): detected instead
    assert decode_bytes(EURO.encode("cp1252"), "c", report, declared=("shift_jis",)) == EURO
    assert report.one_lines() == ["c: not UTF-8; decoded as 'cp1252' (detected)"]


def test_detect_encoding_prefers_windows_1252_for_western_text() -> None:
    # charset-normalizer alone reads these as cp1250 ("Săo") or cp437
    assert detect_encoding("Lula visited Brasília and São Paulo.".encode("latin-1")) == "cp1252"
    assert detect_encoding("It cost €5 – “cheap”.".encode("cp1252")) == "cp1252"
    # where windows-1252 gives characters Western text lacks (ł -> ³, ğ -> ð), another encoding
    assert detect_encoding("The mayor of Łódź spoke in Wrocław and Gdańsk.".encode("cp1250")) == "cp1250"
    assert detect_encoding("Türkiye Cumhurbaşkanı Erdoğan İstanbul'da konuştu.".encode("cp1254")) == "cp1254"
    assert detect_encoding(bytes(range(0x80, 0x100)) * 40) is None
    # two stray bytes windows-1252 reads as "ÿþ": damage, not evidence of another encoding
    assert detect_encoding(b"China and Russia signed a deal. \xff\xfe broken bytes.") is None
    report = IngestReport()
    assert decode_bytes(b"A deal. \xff\xfe broken.", "x", report) == "A deal. \ufffd\ufffd broken."
    assert report.one_lines() == ["x: invalid UTF-8 (2 bytes replaced)"]


# --- the command line -----------------------------------------------------------------------------

@pytest.mark.model
def test_cli_ingest_stores_the_decoded_text_and_counts_the_warning(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    records = [{"id": "br1", "text": BRAZIL}, {"id": "eu", "text": EURO}]
    (corpus / "a.jsonl").write_bytes(jsonl(records, "cp1252"))
    (corpus / "b.txt").write_bytes(BRAZIL.replace("Monday", "Friday").encode("latin-1"))
    (corpus / "c.html").write_bytes(page("A loan", EURO.replace("Tuesday", "Monday")).encode("cp1252"))
    (corpus / "d.txt").write_bytes(UTF8_BOM + BRAZIL.replace("Monday", "Sunday").encode())
    db = tmp_path / "t.duckdb"
    result = CliRunner().invoke(app, ["ingest", str(corpus), "--db", str(db), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "warnings by reason" in result.stdout and "not UTF-N; decoded as" in result.stdout
    with Store(db, read_only=True) as store:
        texts = dict(store.query("SELECT coalesce(source_id, origin), text FROM articles").fetchall())
        (run,) = store.runs()
    assert texts["br1"] == BRAZIL and texts["eu"] == EURO
    assert texts[str(corpus / "b.txt")] == BRAZIL.replace("Monday", "Friday")
    assert EURO.replace("Tuesday", "Monday") in texts[str(corpus / "c.html")]
    assert texts[str(corpus / "d.txt")] == BRAZIL.replace("Monday", "Sunday")
    assert not any("\ufffd" in t for t in texts.values())
    warnings = run["warnings"] if isinstance(run["warnings"], list) else json.loads(run["warnings"])
    by_reason = run["warnings_by_reason"]
    by_reason = by_reason if isinstance(by_reason, dict) else json.loads(by_reason)
    assert run["warned"] == 3 and by_reason == {"not UTF-N; decoded as '…'": 3}
    assert {w["reason"] for w in warnings} == {"not UTF-8; decoded as 'cp1252' (detected; 2 lines)",
                                               "not UTF-8; decoded as 'cp1252' (detected)"}


@pytest.mark.model
@pytest.mark.parametrize(("name", "data", "expected"), [
    ("story.txt", BRAZIL.encode("latin-1"), BRAZIL),
    ("story.jsonl", jsonl([{"text": EURO}], "cp1252"), EURO),
    ("story.html", page("A loan", EURO, head='<meta charset="windows-1252">').encode("cp1252"), EURO),
    ("bom.txt", UTF8_BOM + EURO.encode(), EURO),
])
def test_cli_code_prints_the_decoded_text(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(app, ["code", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert expected in json.loads(result.stdout)["article"]["text"]
    legacy = not name.startswith("bom") and not name.endswith(".html")  # html declares its charset
    assert ("warning: not UTF-8; decoded as 'cp1252' (detected" in result.stderr) is legacy


def test_html_on_stdin_respects_its_meta_charset(monkeypatch: pytest.MonkeyPatch) -> None:
    data = page("A loan", EURO + "\n\n" + BRAZIL, head='<meta charset="iso-8859-1">').encode("cp1252")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    report = IngestReport()
    (article,) = read_inputs(["-"], Config(), report)
    assert EURO in article.text and BRAZIL in article.text and report.one_lines() == []


@pytest.mark.model
def test_cli_code_reads_legacy_bytes_on_stdin() -> None:
    result = CliRunner().invoke(app, ["code", "-", "--format", "json"], input=BRAZIL.encode("latin-1"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["article"]["text"] == BRAZIL
    assert "<stdin>: warning: not UTF-8; decoded as 'cp1252' (detected)" in result.stderr
