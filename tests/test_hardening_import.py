"""Every file an import reads has a time and a memory budget; a hostile file is one error line, the rest imports.

The audit's cases, sized to run in seconds: a PDF decompression bomb (it used
3.2 GB, a larger one killed the importer with SIGABRT), 20,000 unclosed
``<b><i><u>`` (100,000 ran past 180 s), and the lossless check, which looked
for every paragraph in the whole model text (80,000 paragraphs: 41 s).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from referat.cli import main
from referat.errors import InputError
from referat.ingest import ingest
from referat.model import AgendaItem, Meeting, Section
from referat.parse import budget, importer
from referat.parse.lossless import unplaced
from referat.store import open_store

from .hostile import bomb, seed_text, unclosed_tags


@pytest.fixture()
def batch(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "1-good.txt").write_text(seed_text(20), "utf-8")
    (folder / "2-bomb.pdf").write_bytes(bomb(1200))  # (inflates to 1.2 GB)
    (folder / "3-good.txt").write_text(seed_text(21), "utf-8")
    return folder


def test_a_decompression_bomb_is_one_error_line_and_the_batch_goes_on(tmp_path, batch):
    where = str(tmp_path / "a.db")
    result = CliRunner().invoke(main, ["--db", where, "import", "--max-memory-mb", "400", str(batch)])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("referat: error:")]
    assert len(errors) == 1 and "2-bomb.pdf" in errors[0] and "memory" in errors[0], result.output
    assert "Traceback" not in result.output
    with open_store(where) as store:
        assert len(store.meetings()) == 2


def test_a_file_over_its_time_budget_is_stopped(tmp_path):
    path = tmp_path / "unclosed.html"
    path.write_bytes(unclosed_tags(20_000))
    with pytest.raises(InputError, match=r"^unclosed.html: reading it took longer than 0.5 s; not imported$"):
        budget.parse_file_budgeted(path, seconds=0.5)
    good = tmp_path / "good.txt"
    good.write_text(seed_text(22), "utf-8")
    with open_store(str(tmp_path / "b.db")) as store:
        outcomes = list(ingest(store, [path, good], seconds=0.5))
        assert [o.status for o in outcomes] == ["error", "new"]


def test_the_budgeted_reader_gives_what_the_importer_gives(tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text(23), "utf-8")
    with budget.BudgetedReader() as reader:
        read = reader.read(path)
        assert read == importer.parse_file(path)
        with pytest.raises(InputError, match="the file is empty"):
            (tmp_path / "empty.txt").write_bytes(b"")
            reader.read(tmp_path / "empty.txt")
        assert reader.read(path) == read  # (the same worker goes on)


def _meeting(texts: list[str]) -> Meeting:
    return Meeting(municipality="Albertslund", committee="Udvalget", kind="referat", start=None,
                   items=[AgendaItem(number="1", position=1, title="Punkt",
                                     sections=[Section("body", "Sag", t) for t in texts])])


def test_the_lossless_check_finds_paragraphs_in_any_order():
    meeting = _meeting(["første afsnit", "andet afsnit", "tredje afsnit"])
    content = ["tredje afsnit", "første  afsnit", "Sag: andet afsnit", "fjerde afsnit", "andet"]
    assert unplaced(content, meeting) == ["fjerde afsnit"]


def test_the_lossless_check_is_bounded():
    n = 2 * 2000 + 10  # more paragraphs out of order than it looks for one by one
    meeting = _meeting([f"afsnit nummer {i}" for i in range(n)])
    content = [f"afsnit nummer {i}" for i in reversed(range(n))]
    missing = unplaced(content, meeting)
    assert len(missing) == 1 and "paragraphs not checked" in missing[0]
