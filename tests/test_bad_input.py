"""Bad input gives one clear error line, a non-zero exit code, and leaves the store as it was."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from referat.cli import main
from referat.errors import InputError, NotMinutes
from referat.parse import importer

from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


BAD = {
    "empty.txt": b"",
    "blank.txt": b"   \n\n\t  \n",
    "garbage.bin": bytes(range(256)) * 64,
    "not-minutes.txt": "Kære Ole\n\nTak for sidst. Vi ses på fredag.\n\nHilsen Mette\n".encode(),
    "wrong-encoding.txt": "Punkt 1: Møde om æbler\n".encode("utf-16"),
    "latin1-no-danish.txt": b"Punkt 1: Caf\xe9 \x81\x8d\n",
    "not-minutes.html": b"<!doctype html><html><body><h1>Velkommen</h1><p>Ingen dagsorden her.</p></body></html>",
    "not-minutes.xml": b"<?xml version='1.0'?><catalog><book>Ingen referat</book></catalog>",
    "fake.pdf": b"%PDF-1.7\n this is not really a pdf",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_is_a_clear_input_error(tmp_path, name):
    path = write(tmp_path, name, BAD[name])
    with pytest.raises(InputError) as info:
        importer.parse_file(path)
    message = str(info.value)
    assert message.startswith(name + ": ") and "\n" not in message and "Traceback" not in message


def test_cp1252_danish_text_is_read(tmp_path):
    path = write(tmp_path, "cp1252.txt", SEED.read_text("utf-8").encode("cp1252", errors="replace"))
    record = importer.parse_file(path)
    assert record.meeting.items[1].title == "EBU - Status på budgetimplementering 2023"


def test_not_minutes_is_its_own_error(tmp_path):
    with pytest.raises(NotMinutes):
        importer.parse_file(write(tmp_path, "x.txt", BAD["not-minutes.txt"]))


def test_huge_file_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(InputError, match="200 MB; the limit is"):
        importer.parse_file(path)


def test_cli_bad_inputs_exit_nonzero_and_keep_store(tmp_path):
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    ok = runner.invoke(main, ["--db", db, "import", str(SEED)])
    assert ok.exit_code == 0 and "new" in ok.output
    for name, data in BAD.items():
        path = write(tmp_path, name, data)
        result = runner.invoke(main, ["--db", db, "import", str(path)])
        assert result.exit_code != 0, name
        assert result.exception is None or isinstance(result.exception, SystemExit)
        errors = [line for line in result.stderr.splitlines() if line]
        assert len(errors) == 1 and errors[0].startswith("referat: error: " + name), errors
    listing = runner.invoke(main, ["--db", db, "list"])
    assert listing.exit_code == 0 and len(listing.output.splitlines()) == 1
    found = runner.invoke(main, ["--db", db, "search", "budgetimplementering"])
    assert "EBU - Status på budgetimplementering 2023" in found.output


def test_cli_missing_path_and_bad_query(tmp_path):
    db = str(tmp_path / "b.db")
    runner = CliRunner()
    missing = runner.invoke(main, ["--db", db, "import", str(tmp_path / "nope.pdf")])
    assert missing.exit_code != 0 and "no such file" in missing.stderr
    empty = runner.invoke(main, ["--db", db, "search", "   "])
    assert empty.exit_code != 0 and "no words" in empty.stderr
    unknown = runner.invoke(main, ["--db", db, "show", "999"])
    assert unknown.exit_code != 0 and "no meeting with id 999" in unknown.stderr


def test_cli_corrupt_database_is_a_clear_error(tmp_path):
    db = tmp_path / "broken.db"
    db.write_bytes(os.urandom(8192))
    result = CliRunner().invoke(main, ["--db", str(db), "list"])
    assert result.exit_code != 0 and "cannot open the SQLite store" in result.stderr
