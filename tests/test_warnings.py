"""The test run turns the project's own warnings into failures (pyproject.toml ``filterwarnings``)."""

from __future__ import annotations

import warnings

import pytest


@pytest.mark.parametrize("module", ["referat.web.app", "referat.parse.pdf", "tests.test_web"])
def test_a_warning_from_our_code_is_an_error(module):
    with pytest.raises(DeprecationWarning, match="old call"):
        warnings.warn_explicit("old call", DeprecationWarning, "x.py", 1, module=module)


def test_a_warning_from_elsewhere_is_left_alone():
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn_explicit("their business", UserWarning, "x.py", 1, module="somelib.core")
    assert [str(w.message) for w in seen] == ["their business"]

