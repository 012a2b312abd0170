"""Settings: read once from the environment and the command line, every one documented in the README."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from referat.cli import main
from referat.errors import ConfigError
from referat.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert s.db == "referat.db" and s.cache is True and s.computing == 2
    assert s.index_workers is None and s.base_url is None and s.smtp_host is None and s.smtp_port == 25


def test_environment_is_read_and_overrides_win():
    env = {"REFERAT_DB": "a.db", "REFERAT_CACHE": "0", "REFERAT_COMPUTING": "3", "REFERAT_INDEX_WORKERS": "2",
           "REFERAT_INDEX_DIR": "/srv/idx", "REFERAT_PAGE_CACHE": "/srv/pages",
           "REFERAT_BASE_URL": "https://referat.example.dk", "REFERAT_SMTP_PORT": "587"}
    s = Settings.from_env(env)
    assert (s.db, s.cache, s.computing, s.index_workers) == ("a.db", False, 3, 2)
    assert s.index_root() == Path("/srv/idx") and s.page_cache_folder() == Path("/srv/pages")
    assert s.base_url == "https://referat.example.dk" and s.smtp_port == 587
    o = Settings.from_env(env, db="b.db", index_dir="/x", computing=None)  # None: option not given
    assert o.db == "b.db" and o.index_root() == Path("/x") and o.computing == 3


@pytest.mark.parametrize("name,value", [("REFERAT_COMPUTING", "two"), ("REFERAT_COMPUTING", "0"),
                                        ("REFERAT_CACHE", "maybe"), ("REFERAT_INDEX_WORKERS", "-1"),
                                        ("REFERAT_BASE_URL", "referat.example.dk"), ("REFERAT_SMTP_PORT", "0")])
def test_a_bad_value_is_one_clear_error_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_settings_are_frozen_and_travel_to_processes():
    s = Settings.from_env({"REFERAT_COMPUTING": "4"})
    with pytest.raises(AttributeError):
        s.computing = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(s)) == s
    assert Settings.from_env(s.to_env()) == s


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1) for m in re.finditer(r"^\| `(REFERAT_[A-Z_]+)` \|", readme, re.M)}
    assert rows == {env for _, env, _, _ in Settings.documented()}


def test_the_cli_reports_a_bad_setting_in_one_line(tmp_path):
    r = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "list"], env={"REFERAT_COMPUTING": "many"})
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert r.output.strip().splitlines() == ["referat: error: REFERAT_COMPUTING must be a whole number, not 'many'"]
