"""The screens word the library's refusals in Danish from the errors' fields, never from their English text."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import referat.council
from referat.errors import (
    ConflictError,
    InvalidInput,
    PermissionDenied,
    QuorumError,
    RuleViolation,
)
from referat.web.office.messages import ACTIONS, CODES, danish

COUNCIL = Path(referat.council.__file__).parent
PERMISSION_CODES = {"login_failed", "unknown_user", "deactivated", "secretariat_only", "members_only",
                    "insiders_only", "own_dissent_only", "not_on_committee", "did_not_attend"}


def test_every_code_the_library_raises_has_danish_wording():
    source = "\n".join(p.read_text() for p in COUNCIL.glob("*.py"))
    codes = set(re.findall(r'code="([a-z_.]+)"', source)) | set(re.findall(r'else "([a-z_.]+)"', source))
    assert len(codes) > 40
    missing = codes - set(CODES) - PERMISSION_CODES - {"quorum", "minutes.changed"}
    assert not missing, f"no Danish wording for {sorted(missing)}"


def test_every_secretariat_action_has_danish_wording():
    source = "\n".join(p.read_text() for p in COUNCIL.glob("*.py"))
    actions = set(re.findall(r'_secretary\(conn, actor, "([^"]+)"\)', source))
    assert len(actions) > 10
    assert not actions - set(ACTIONS)


def test_quorum_message_is_built_from_the_fields_not_the_english_text():
    exc = QuorumError("anything at all", item="7", present=1, seats=5, required=3)
    text = danish(exc)
    assert text.startswith("Punkt 7 kan ikke afgøres: 1 af udvalgets 5 medlemmer")
    assert "mindst 3 skal være til stede (kommunestyrelsesloven § 11, stk. 2)" in text
    assert "anything" not in text


def test_conflict_names_the_person_by_name_and_username_with_danish_time():
    exc = ConflictError("x", entity="item", entity_id=4, who_name="Sune Sekretær", who_username="sek2",
                        when=datetime(2023, 3, 1, 9, 5, tzinfo=UTC), change="item.update",
                        expected_version=1, actual_version=2)
    text = danish(exc)
    assert text.startswith("Punktet er blevet ændret af Sune Sekretær (sek2) den 01.03.2023 kl. 10.05.00"
                           " (Punkt ændret)")
    assert "du redigerede version 1, nu er det version 2" in text


def test_rule_violation_cites_its_rule_and_permission_names_the_action():
    exc = RuleViolation("x", rule="kommunestyrelsesloven § 14", code="vote.not_present", name="Bo", item="2")
    assert danish(exc) == ("Bo deltog ikke i behandlingen af punkt 2 (fraværende eller inhabil) og kan ikke stemme"
                           " om det (kommunestyrelsesloven § 14).")
    denied = PermissionDenied("x", action="record attendance", code="secretariat_only")
    assert danish(denied) == "Det er kun sekretariatet, der kan registrere fremmøde."


def test_an_error_without_wording_gets_a_danish_sentence_and_no_english():
    assert danish(InvalidInput("the frobnicator is unhappy")) == "Oplysningerne kan ikke bruges."
    assert danish(InvalidInput("x", code="item.number_taken")) == "Oplysningerne kan ikke bruges."  # facts missing
