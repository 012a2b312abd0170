"""Tamper evidence of approved minutes (issue 13): whoever can write the database can no longer rewrite the
frozen text and recompute every hash, drop the last link, delete the snapshot and chain, or edit the
published copy without ``verify`` (library and ``referat council verify``) failing and saying where.  Every
entry is signed with an Ed25519 key kept outside the database; the record of signatures next to it keeps
what the database lost; un-approved minutes stay locked."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from referat import canonical
from referat.cli import main
from referat.council import schema as s
from referat.council import signing
from referat.council.minutes import PUBLISHED_COPY, hash_text, link_hash, links, with_corrections
from referat.errors import MinutesLocked
from referat.settings import Settings

from .council_setup import clock, council, setup, where  # noqa: F401 (fixtures)
from .test_council_minutes import approve_and_correct, held  # noqa: F401 (fixtures)


def verify_cli(where, meeting_id):
    return CliRunner().invoke(main, ["--db", where, "council", "verify", str(meeting_id)])


def published(held):
    approve_and_correct(held)
    held.council.publish_minutes(held.secretary, held.meeting.id)
    _agenda, archive_id = held.council.published_ids(held.meeting.id)
    assert archive_id is not None
    return archive_id


def test_intact_published_minutes_verify_with_every_entry_signed(held, where):
    archive_id = published(held)
    report = held.council.verify(held.meeting.id)
    assert report.ok, report.problem
    assert report.recorded == 3 and report.published is not None
    key = held.council.signer.public_key
    for lk in report.links:  # what anyone can check with the published public key
        assert signing.check(key, lk.signature, signing.chain_message(lk.link_hash))
    stored = held.council.store.get(archive_id)
    assert report.published == held.council.store.get(archive_id).document.sha256 == stored.document.sha256
    r = verify_cli(where, held.meeting.id)
    assert r.exit_code == 0 and "every entry signed (3 recorded outside the database)" in r.output


def test_rewriting_the_frozen_text_and_recomputing_every_hash_is_found(held, where):
    approve_and_correct(held)
    mid = held.meeting.id
    with held.council.engine.begin() as conn:  # the attacker knows the algorithm, not the key
        text = conn.execute(select(s.minutes.c.canonical).where(s.minutes.c.meeting_id == mid)).scalar_one()
        forged = text.replace("Indstillingen godkendt.", "Indstillingen forkastet.")
        assert forged != text
        conn.execute(update(s.minutes).where(s.minutes.c.meeting_id == mid)
                     .values(canonical=forged, content_hash=hash_text(forged)))
        prev, corrections = "0" * 64, []
        for lk in links(conn, mid):
            if lk.kind == "correction":
                corrections.append(lk)
            content = hash_text(with_corrections(forged, corrections))
            lh = link_hash(mid, lk.seq, lk.kind, lk.user_id, lk.signer, lk.party, lk.role, lk.at, lk.item_number,
                           lk.text, content, prev)
            conn.execute(update(s.chain).where(s.chain.c.meeting_id == mid, s.chain.c.seq == lk.seq)
                         .values(content_hash=content, prev_hash=prev, link_hash=lh))
            prev = lh
    report = held.council.verify(mid)
    assert not report.ok and report.broken_at == 1 and "signature does not hold" in report.problem
    r = verify_cli(where, mid)
    assert r.exit_code == 1 and "BROKEN at entry 1" in r.output and "signature" in r.output


def test_a_copied_signature_does_not_hold_for_another_entry(held):
    approve_and_correct(held)
    mid = held.meeting.id
    with held.council.engine.begin() as conn:
        first = links(conn, mid)[0]
        conn.execute(update(s.chain).where(s.chain.c.meeting_id == mid, s.chain.c.seq == 3)
                     .values(signature=first.signature))
    report = held.council.verify(mid)
    assert report.broken_at == 3 and "signature" in report.problem


def test_deleting_the_last_link_is_found(held, where):
    approve_and_correct(held)
    mid = held.meeting.id
    with held.council.engine.begin() as conn:
        conn.execute(s.chain.delete().where(s.chain.c.meeting_id == mid, s.chain.c.seq == 3))
    report = held.council.verify(mid)
    assert not report.ok and report.broken_at == 3 and "missing from the database" in report.problem
    r = verify_cli(where, mid)
    assert r.exit_code == 1 and "BROKEN at entry 3" in r.output and "holds 2 entries of the 3" in r.output


def test_deleting_the_snapshot_and_chain_is_found_and_leaves_the_minutes_locked(held, where):
    approve_and_correct(held)
    mid, c, sec = held.meeting.id, held.council, held.secretary
    with c.engine.begin() as conn:
        conn.execute(s.chain.delete().where(s.chain.c.meeting_id == mid))
        conn.execute(s.minutes.delete().where(s.minutes.c.meeting_id == mid))
    report = c.verify(mid)
    assert not report.ok and report.broken_at == 0 and "gone from the database" in report.problem
    r = verify_cli(where, mid)
    assert r.exit_code == 1 and "BROKEN at entry 0" in r.output and "3 signed entries" in r.output
    item = held.item("1")
    with pytest.raises(MinutesLocked):  # un-approving by hand does not make the minutes editable again
        c.update_item(sec, item.id, item.version, title="Et nyt indhold")
    one = held.item("1")
    with pytest.raises(MinutesLocked):
        c.record_decision(sec, one.id, one.version, "rejected", "Forkastet alligevel.")


def test_editing_the_published_copy_is_found(held, where):
    archive_id = published(held)
    store = held.council.store
    record = store.get(archive_id)
    items = list(record.meeting.items)
    first = items[0]
    items[0] = replace(first, sections=[replace(sec, text=sec.text.replace("godkendt", "forkastet"))
                                        for sec in first.sections])
    assert canonical.dumps(replace(record, meeting=replace(record.meeting, items=items))) != canonical.dumps(record)
    forged = replace(record, meeting=replace(record.meeting, items=items))
    for sha in (record.document.sha256, "e" * 64):  # keeping the document's hash, or naming a new one
        store.save(replace(forged, document=replace(record.document, sha256=sha)), meeting_id=archive_id)
    assert "forkastet" in canonical.dumps(store.get(archive_id))
    report = held.council.verify(held.meeting.id)
    assert not report.ok and report.broken_at == PUBLISHED_COPY and "published copy" in report.problem
    r = verify_cli(where, held.meeting.id)
    assert r.exit_code == 1 and "BROKEN at the published copy" in r.output and "was changed" in r.output


def test_the_key_is_kept_outside_the_database_in_a_private_file(held, tmp_path):
    approve_and_correct(held)
    folder = Settings.from_env().data_folder()
    key = folder / signing.KEY_FILE
    assert stat.S_IMODE(os.lstat(key).st_mode) == 0o600 and stat.S_IMODE(os.lstat(folder).st_mode) == 0o700
    secret = key.read_text()
    with held.council.engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                assert not any(isinstance(v, str) and "PRIVATE KEY" in v for v in row.values()), table.name
    assert "PRIVATE KEY" in secret
    lines = [json.loads(x) for x in (folder / signing.RECORD_FILE).read_text().splitlines()]
    assert any(x["meeting"] == held.meeting.id and x["kind"] == "approval" for x in lines)


def test_a_fresh_key_file_is_made_0600_in_a_0700_folder(tmp_path):
    signer = signing.Signer(tmp_path / "data", str(tmp_path / "a.db"))
    signature = signer.sign(b"x")
    assert signing.check(signer.public_key, signature, b"x") and not signing.check(signer.public_key, signature, b"y")
    assert stat.S_IMODE(os.lstat(tmp_path / "data" / signing.KEY_FILE).st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(tmp_path / "data").st_mode) == 0o700
    os.chmod(tmp_path / "data" / signing.KEY_FILE, 0o644)
    with pytest.raises(signing.ConfigError):
        signing.Signer(tmp_path / "data", str(tmp_path / "a.db")).sign(b"x")


def test_the_public_verification_page_and_json_let_anyone_check(held):
    from starlette.testclient import TestClient

    from referat.web.app import create_app

    archive_id = published(held)
    client = TestClient(create_app(held.council.store, held.council))
    data = client.get(f"/moede/{archive_id}/kontrol.json").json()
    assert data["verified"] and data["count"] == 3 and data["algorithm"] == "Ed25519"
    assert data["head"] == data["entries"][-1]["link_hash"]
    prev = "0" * 64
    for e in data["entries"]:  # only the published numbers: no referat code needed to check these
        assert e["prev_hash"] == prev and signing.check(data["public_key"], e["signature"],
                                                         f"referat-council-chain-v1:{e['link_hash']}".encode())
        prev = e["link_hash"]
    statement = json.loads(data["publication"]["statement"])
    sig = statement.pop("sig")
    assert signing.check(data["public_key"], sig, json.dumps(statement, sort_keys=True).encode())
    assert statement["link"] == data["head"] and statement["document"] == data["publication"]["document"]
    meeting = client.get(f"/moede/{archive_id}.json").json()["meeting"]
    assert meeting["source"]["sha256"] == statement["document"]  # the portal names the signed document
    assert f'href="/moede/{archive_id}/kontrol"' in client.get(f"/moede/{archive_id}").text
    text = json.dumps(data, ensure_ascii=False)
    assert "HEMMELIGT" not in text and "Tilføjelse om afstemningen" not in text  # no closed or correction text
    page = client.get(f"/moede/{archive_id}/kontrol")
    assert page.status_code == 200 and "Kontrollen holder" in page.text and data["public_key"] in page.text
    store = held.council.store  # now the published copy is edited in the archive
    record = store.get(archive_id)
    forged = replace(record, meeting=replace(record.meeting, place="Et andet sted"), document=replace(
        record.document, sha256="d" * 64))
    store.save(forged, meeting_id=archive_id)
    data = client.get(f"/moede/{archive_id}/kontrol.json").json()
    assert not data["verified"] and "published copy" in data["problem"]
    assert "Kontrollen holder ikke" in client.get(f"/moede/{archive_id}/kontrol").text
    r = client.get("/moede/999999/kontrol")
    assert r.status_code == 404 and "ingen godkendelseskæde" in r.text


def test_the_secretariats_check_page_shows_a_deleted_chain_as_broken(held):
    import re

    from starlette.testclient import TestClient

    from referat.web.app import create_app

    approve_and_correct(held)
    mid, c = held.meeting.id, held.council
    c.set_password(held.secretary, held.secretary.id, "sekretær-kode-9")
    with c.engine.begin() as conn:
        conn.execute(s.chain.delete().where(s.chain.c.meeting_id == mid))
        conn.execute(s.minutes.delete().where(s.minutes.c.meeting_id == mid))
    client = TestClient(create_app(c.store, c), follow_redirects=False)
    form = client.get("/log-ind").text
    csrf = re.search(r'name="csrf" value="([^"]*)"', form).group(1)
    assert client.post("/log-ind", data={"csrf": csrf, "username": "sek",
                                         "password": "sekretær-kode-9"}).status_code == 303
    page = client.get(f"/sekretariat/moede/{mid}/kontrol").text
    assert "Kæden er brudt" in page and "ikke godkendt endnu" not in page


def test_entries_from_before_signing_are_broken_until_signed_once(held, where):
    approve_and_correct(held)
    mid = held.meeting.id
    with held.council.engine.begin() as conn:  # as a database upgraded from schema 3 holds them
        conn.execute(update(s.chain).where(s.chain.c.meeting_id == mid).values(signature=None))
    report = held.council.verify(mid)
    assert report.broken_at == 1 and "signature" in report.problem
    r = CliRunner().invoke(main, ["--db", where, "council", "sign", str(mid)])
    assert r.exit_code == 0 and "3 entries signed" in r.output, r.output
    assert held.council.verify(mid).ok
    assert "every entry was signed already" in CliRunner().invoke(
        main, ["--db", where, "council", "sign", str(mid)]).output


def test_a_broken_chain_is_not_signed(held, where):
    approve_and_correct(held)
    mid = held.meeting.id
    with held.council.engine.begin() as conn:
        conn.execute(update(s.chain).where(s.chain.c.meeting_id == mid).values(signature=None))
        conn.execute(update(s.chain).where(s.chain.c.meeting_id == mid, s.chain.c.seq == 1).values(signer="Mallory"))
    r = CliRunner().invoke(main, ["--db", where, "council", "sign", str(mid)])
    assert r.exit_code != 0 and "nothing is signed" in r.output and "Traceback" not in r.output
    with held.council.engine.connect() as conn:
        assert all(x is None for x in conn.execute(select(s.chain.c.signature)).scalars())


def test_deleting_the_last_approval_and_approving_again_is_found(held):
    """Bo's approval (entry 3) is deleted; Cecilie then approves and gets number 3: the record holds two."""
    approve_and_correct(held)
    mid, c, u = held.meeting.id, held.council, held.users
    with c.engine.begin() as conn:
        conn.execute(s.chain.delete().where(s.chain.c.meeting_id == mid, s.chain.c.seq == 3))
    c.approve(u["Cecilie"], mid, c.minutes(u["Cecilie"], mid).content_hash)
    report = c.verify(mid)
    assert not report.ok and report.broken_at == 3 and "were signed" in report.problem


def test_a_failed_approval_leaves_no_line_in_the_record(held):
    from referat.errors import ConflictError

    approve_and_correct(held)
    mid, c, u = held.meeting.id, held.council, held.users
    before = len(c.signer.recorded(mid))
    with pytest.raises(ConflictError):
        c.approve(u["Cecilie"], mid, "0" * 64)
    assert len(c.signer.recorded(mid)) == before and c.verify(mid).ok


def test_deleting_the_whole_meeting_is_found(held, where):
    approve_and_correct(held)
    mid, c = held.meeting.id, held.council
    gone = {s.chain, s.minutes, s.audit, s.dissents, s.decisions, s.attendance, s.attachments, s.items, s.meetings}
    with c.engine.begin() as conn:  # the meeting (the only one) and everything that hangs on it
        for table in reversed(s.metadata.sorted_tables):
            if table in gone:
                conn.execute(table.delete())
    report = c.verify(mid)
    assert not report.ok and "gone from the database" in report.problem
    r = verify_cli(where, mid)
    assert r.exit_code == 1 and "gone from the database" in r.output
