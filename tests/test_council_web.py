"""The secretariat's and members' screens over the Council library, through HTTP, on both backends:
login, sessions, CSRF, who may see what, optimistic locking, quorum, approval, corrections, and that the
public portal never shows a closed item's content after publication."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from referat.council import Council
from referat.store import open_store
from referat.web import create_app

from .council_setup import FAST_HASHER, Setup, build, clock, where  # noqa: F401 (fixtures)

SECRET = "HEMMELIGT-INDHOLD"  # in the closed item's text (council_setup)
PASSWORDS = {"sek": "sekretær-kode"}


@dataclass
class Site:
    setup: Setup
    council: Council
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)


@pytest.fixture
def site(where, clock) -> Iterator[Site]:
    store = open_store(where)
    council = Council(where, store=store, clock=clock, hasher=FAST_HASHER)
    setup = build(council)
    for name, user in setup.users.items():
        PASSWORDS[user.username] = f"kode-{name.lower()}-1"
        council.set_password(setup.secretary, user.id, PASSWORDS[user.username])
    yield Site(setup, council, create_app(store, council))
    council.close()
    store.close()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]*)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def login(client: TestClient, username: str, password: str | None = None):
    form = client.get("/log-ind")
    assert form.status_code == 200
    return client.post("/log-ind", data={"csrf": csrf_of(form.text), "username": username,
                                         "password": password or PASSWORDS[username]})


def logged_in(site: Site, username: str) -> tuple[TestClient, str]:
    client = site.client()
    r = login(client, username)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    return client, csrf_of(page.text)


# -- login, sessions, CSRF ------------------------------------------------------------------------

def test_login_sets_a_safe_session_cookie_and_lands_on_the_users_screen(site):
    client = site.client()
    r = login(client, "sek")
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat/"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("referat_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets it (below)
    member = site.client()
    assert login(member, "anna").headers["location"] == "/mine-moeder/"


def test_cookie_is_secure_over_https(site):
    client = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    r = login(client, "sek")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("referat_session="))
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_danish_message(site):
    wrong = login(site.client(), "sek", "forkert-kode")
    nobody = login(site.client(), "ingen-saadan", "forkert-kode")
    for r in (wrong, nobody):
        assert r.status_code == 401
        assert "Forkert brugernavn eller adgangskode." in r.text
        assert "referat_session=" not in r.headers.get("set-cookie", "")
    assert wrong.text.replace('value="sek"', "").count("Forkert") == nobody.text.replace(
        'value="ingen-saadan"', "").count("Forkert")


def test_login_form_post_without_its_token_is_refused(site):
    client = site.client()
    r = client.post("/log-ind", data={"username": "sek", "password": PASSWORDS["sek"]})
    assert r.status_code == 403 and "referat_session=" not in r.headers.get("set-cookie", "")


def test_logout_ends_the_session_in_the_database(site):
    client, csrf = logged_in(site, "sek")
    token = client.cookies.get("referat_session")
    assert site.council.session_user(token) is not None
    r = client.post("/log-ud", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/log-ind")
    assert site.council.session_user(token) is None
    again = site.client()
    again.cookies.set("referat_session", token)
    assert again.get("/sekretariat/").status_code == 303  # back to the login form


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_post_without_the_sessions_csrf_token_is_403_and_changes_nothing(site, csrf):
    client, _ = logged_in(site, "sek")
    data = {"username": "ny", "name": "Ny Bruger", "role": "member", "password": "en-god-kode"}
    if csrf is not None:
        data["csrf"] = csrf
    r = client.post("/sekretariat/brugere", data=data)
    assert r.status_code == 403 and "Formularen" in r.text and 'lang="da"' in r.text
    assert "ny" not in [u.username for u in site.council.users(site.setup.secretary)]


def test_csrf_token_of_another_session_is_refused(site):
    client, _ = logged_in(site, "sek")
    _, other = logged_in(site, "sek")
    r = client.post("/sekretariat/brugere", data={"csrf": other, "username": "ny", "name": "Ny", "role": "member"})
    assert r.status_code == 403


def test_anonymous_visitor_is_sent_to_login_and_members_and_citizens_get_403(site):
    anon = site.client()
    r = anon.get("/sekretariat/udvalg")
    assert r.status_code == 303 and r.headers["location"] == "/log-ind?naeste=/sekretariat/udvalg"
    member, _ = logged_in(site, "anna")
    r = member.get("/sekretariat/udvalg")
    assert r.status_code == 403 and "Adgang nægtet" in r.text
    site.council.create_user(site.setup.secretary, "borger", "Bo Borger", "public", "borger-kode")
    PASSWORDS["borger"] = "borger-kode"
    citizen, _ = logged_in(site, "borger")
    assert citizen.get("/sekretariat/brugere").status_code == 403


def test_secretary_creates_a_user_and_committee_and_seats_a_member(site):
    client, csrf = logged_in(site, "sek")
    r = client.post("/sekretariat/brugere", data={"csrf": csrf, "username": "hans", "name": "Hans Hansen",
                                                   "role": "member", "password": "hans-kode-1"})
    assert r.status_code == 303
    r = client.post("/sekretariat/udvalg", data={"csrf": csrf, "municipality": "Ballerup", "name": "Kulturudvalget"})
    assert r.status_code == 303
    cid = int(r.headers["location"].split("/")[-1].split("?")[0])
    page = client.get(r.headers["location"])
    assert "Tidligere behandling" in page.text  # Ballerup's own template, not Albertslund's
    hans = site.council.user("hans")
    r = client.post(f"/sekretariat/udvalg/{cid}/medlemmer", data={
        "csrf": csrf, "user_id": str(hans.id), "role": "chair", "party": "a", "term_from": "2022-01-01",
        "term_to": "2025-12-31"})
    assert r.status_code == 303
    members = site.council.members(site.setup.secretary, cid)
    assert [(m.name, m.role, m.party, str(m.term_to)) for m in members] == [("Hans Hansen", "chair", "A", "2025-12-31")]
    # a term that ends before it starts is refused in Danish, nothing added
    r = client.post(f"/sekretariat/udvalg/{cid}/medlemmer", data={
        "csrf": csrf, "user_id": str(site.setup.users["Anna"].id), "role": "member", "term_from": "2024-01-01",
        "term_to": "2023-01-01"})
    assert r.status_code == 422 and "Perioden slutter" in r.text
    assert len(site.council.members(site.setup.secretary, cid)) == 1


# -- authoring, optimistic locking ----------------------------------------------------------------

def version_of(html: str) -> str:
    m = re.search(r'name="version" value="(\d+)"', html)
    assert m, "no version field in the edit form"
    return m.group(1)


def test_item_from_the_template_with_case_ids_closed_flag_and_attachments(site):
    client, csrf = logged_in(site, "sek")
    mid = site.setup.meeting.id
    page = client.get(f"/sekretariat/moede/{mid}")
    for heading in ("Anledning", "Sagsfremstilling", "Indstilling"):  # Albertslund's typed sections
        assert f">{heading}</label>" in page.text
    r = client.post(f"/sekretariat/moede/{mid}/punkter", data={
        "csrf": csrf, "title": "Personalesag", "public": "0", "closed_title": "Lukket punkt: Personalesag",
        "case_ids": "01.11.20-A26-2-22, EMN-2025-003383", "section:presentation": "ZETA-PERSON fortroligt"})
    assert r.status_code == 303
    item = site.council.meeting(site.setup.secretary, mid).item("5")
    assert not item.public and item.closed_title == "Lukket punkt: Personalesag"
    assert [c.value for c in item.case_ids] == ["01.11.20-A26-2-22", "EMN-2025-003383"]
    assert item.section("presentation") == "ZETA-PERSON fortroligt"
    r = client.post(f"/sekretariat/moede/{mid}/punkter", data={"csrf": csrf, "title": "X", "public": "1",
                                                                "case_ids": "ikke et sagsnummer"})
    assert r.status_code == 422 and "er ikke et sagsnummer" in r.text and "ikke et sagsnummer" in r.text
    r = client.post(f"/sekretariat/punkt/{item.id}/bilag", data={"csrf": csrf, "title": "Notat", "recommended": "1",
                                                                  "not_for_publication": "1"},
                    files={"file": ("notat.pdf", b"%PDF-1.4 fortroligt", "application/pdf")})
    assert r.status_code == 303
    (att,) = site.council.item(site.setup.secretary, item.id).attachments
    assert att.recommended and att.not_for_publication and att.public and att.filename == "notat.pdf"
    import hashlib
    assert att.sha256 == hashlib.sha256(b"%PDF-1.4 fortroligt").hexdigest()
    got = client.get(f"/sekretariat/bilag/{att.id}")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 fortroligt"
    anna, _ = logged_in(site, "anna")
    assert anna.get(f"/mine-moeder/bilag/{att.id}").content == b"%PDF-1.4 fortroligt"
    assert site.client().get(f"/mine-moeder/bilag/{att.id}").status_code == 303  # to the login form


def test_stale_item_form_gets_a_danish_conflict_naming_who_and_when_and_never_overwrites(site, clock):
    sek = site.setup.secretary
    site.council.create_user(sek, "sek2", "Sune Sekretær", "secretary", "sek2-kode-1")
    PASSWORDS["sek2"] = "sek2-kode-1"
    first, csrf1 = logged_in(site, "sek")
    second, csrf2 = logged_in(site, "sek2")
    item = site.setup.item("1")
    form1 = first.get(f"/sekretariat/punkt/{item.id}").text
    form2 = second.get(f"/sekretariat/punkt/{item.id}").text
    base = {"public": "1", "number": "1", "closed_title": "Lukket punkt", "case_ids": "01.11.20-A26-2-22",
            "section:occasion": "Kvartalets opfølgning.", "section:presentation": "Forbruget følger budgettet.",
            "section:recommendation": "At opfølgningen godkendes."}
    clock.advance(minutes=5)
    r = second.post(f"/sekretariat/punkt/{item.id}", data={**base, "csrf": csrf2, "version": version_of(form2),
                                                           "title": "Budgetopfølgning 1. kvartal"})
    assert r.status_code == 303
    clock.advance(minutes=1)
    r = first.post(f"/sekretariat/punkt/{item.id}", data={**base, "csrf": csrf1, "version": version_of(form1),
                                                          "title": "Budgetopfølgning (min udgave)"})
    assert r.status_code == 409
    assert "Punktet er blevet ændret af Sune Sekretær (sek2)" in r.text and "(Punkt ændret)" in r.text
    assert "version 1, nu er det version 2" in r.text and "Din ændring er ikke gemt" in r.text
    assert re.search(r"den \d\d\.\d\d\.2023 kl\. \d\d\.\d\d", r.text)
    assert "Budgetopfølgning (min udgave)" in r.text  # the loser's text is shown again, not lost
    assert site.council.item(sek, item.id).title == "Budgetopfølgning 1. kvartal"
    # reloading gives the new version, and then the change goes through
    fresh = first.get(f"/sekretariat/punkt/{item.id}").text
    r = first.post(f"/sekretariat/punkt/{item.id}", data={**base, "csrf": csrf1, "version": version_of(fresh),
                                                          "title": "Budgetopfølgning (min udgave)"})
    assert r.status_code == 303 and site.council.item(sek, item.id).title == "Budgetopfølgning (min udgave)"


def test_stale_meeting_form_is_a_conflict_too(site):
    client, csrf = logged_in(site, "sek")
    mid = site.setup.meeting.id
    data = {"csrf": csrf, "version": "1", "title": "Ekstraordinært møde", "day": "2023-03-20", "start": "17:30",
            "place": "Rådhuset"}
    assert client.post(f"/sekretariat/moede/{mid}", data=data).status_code == 303
    data["place"] = "Byrådssalen"
    r = client.post(f"/sekretariat/moede/{mid}", data=data)
    assert r.status_code == 409 and "Mødet er blevet ændret af Sara Sekretær (sek)" in r.text
    assert site.council.meeting(site.setup.secretary, mid).place == "Rådhuset"


# -- the meeting: attendance, quorum, decisions, dissent ---------------------------------------------

def attend(client: TestClient, csrf: str, site: Site, name: str, kind: str, item: str | None = None,
           for_name: str | None = None):
    data = {"csrf": csrf, "member_id": str(site.setup.members[name].id), "kind": kind}
    if item:
        data["item_id"] = str(site.setup.item(item).id)
    if for_name:
        data["for_member_id"] = str(site.setup.members[for_name].id)
    return client.post(f"/sekretariat/moede/{site.setup.meeting.id}/fremmoede", data=data)


def decide(client: TestClient, csrf: str, site: Site, number: str, text: str = "Indstillingen godkendt.", **votes):
    item = site.setup.item(number)
    data = {"csrf": csrf, "version": str(item.version), "outcome": "approved", "text": text}
    data.update(votes)  # votes_for=..., votes_against=..., votes_abstain=...
    return client.post(f"/sekretariat/punkt/{item.id}/beslutning", data=data)


def test_decision_without_quorum_is_refused_with_the_rule_and_shown_per_item(site):
    client, csrf = logged_in(site, "sek")
    for name in ("Anna", "Bo"):
        assert attend(client, csrf, site, name, "present").status_code == 303
    page = client.get(f"/sekretariat/moede/{site.setup.meeting.id}/moedet").text
    assert "Ikke beslutningsdygtigt: 2 af 5 til stede" in page
    r = decide(client, csrf, site, "1")
    assert r.status_code == 422
    assert "Punkt 1 kan ikke afgøres: 2 af udvalgets 5 medlemmer" in r.text and "§ 11, stk. 2" in r.text
    assert site.council.decision(site.setup.secretary, site.setup.item("1").id) is None
    assert attend(client, csrf, site, "Cecilie", "arrived", item="1").status_code == 303
    page = client.get(f"/sekretariat/moede/{site.setup.meeting.id}/moedet").text
    assert "Beslutningsdygtigt: 3 af 5 til stede" in page
    assert decide(client, csrf, site, "1", votes_for="A, Bo").status_code == 303
    decision = site.council.decision(site.setup.secretary, site.setup.item("1").id)
    assert decision.outcome == "approved" and {v.voter for v in decision.votes} == {"A", "Bo"}


def test_inhabil_member_can_neither_vote_nor_dissent_and_substitute_counts(site):
    client, csrf = logged_in(site, "sek")
    for name in ("Anna", "Bo", "Cecilie"):
        attend(client, csrf, site, name, "present")
    attend(client, csrf, site, "Dan", "absent")
    assert attend(client, csrf, site, "Finn", "substitute", for_name="Dan").status_code == 303
    assert attend(client, csrf, site, "Bo", "inhabil", item="2").status_code == 303
    page = client.get(f"/sekretariat/moede/{site.setup.meeting.id}/moedet").text
    assert page.count("Beslutningsdygtigt: 4 af 5 til stede") == 3 and "Beslutningsdygtigt: 3 af 5 til stede" in page
    r = decide(client, csrf, site, "2", votes_against="Bo")
    assert r.status_code == 422 and "Bo deltog ikke i behandlingen af punkt 2" in r.text
    assert decide(client, csrf, site, "2", votes_for="Anna, Finn", votes_against="Cecilie").status_code == 303
    item = site.setup.item("2")
    r = client.post(f"/sekretariat/punkt/{item.id}/protokoltilfoersel", data={
        "csrf": csrf, "member_id": str(site.setup.members["Bo"].id), "text": "Jeg er uenig."})
    assert r.status_code == 422 and "Bo var inhabil under punkt 2" in r.text and "§ 13, stk. 2" in r.text
    own_words = "Jeg kan ikke støtte salget,\nda prisen er for lav."
    r = client.post(f"/sekretariat/punkt/{item.id}/protokoltilfoersel", data={
        "csrf": csrf, "member_id": str(site.setup.members["Cecilie"].id), "text": own_words})
    assert r.status_code == 303
    assert [d.text for d in site.council.dissents(site.setup.secretary, item.id)] == [own_words]


def test_attendance_is_for_the_secretariat_only(site):
    member, csrf = logged_in(site, "anna")
    r = attend(member, csrf, site, "Anna", "present")
    assert r.status_code == 403
    assert site.council.attendance(site.setup.secretary, site.setup.meeting.id).events == []


# -- members, approval, corrections, verification, publication ----------------------------------------

def conduct_meeting(site: Site) -> tuple[TestClient, str]:
    """The secretary records a whole meeting: one late arrival, one inhabil member, decisions with a dissent."""
    client, csrf = logged_in(site, "sek")
    for name in ("Anna", "Bo", "Cecilie"):
        attend(client, csrf, site, name, "present")
    attend(client, csrf, site, "Eva", "absent")
    attend(client, csrf, site, "Dan", "arrived", item="2")
    attend(client, csrf, site, "Bo", "inhabil", item="2")
    for number in ("1", "2", "3", "4"):
        assert decide(client, csrf, site, number).status_code == 303
    item = site.setup.item("3")
    r = client.post(f"/sekretariat/punkt/{item.id}/protokoltilfoersel", data={
        "csrf": csrf, "member_id": str(site.setup.members["Dan"].id), "text": "Ø kan ikke tiltræde målsætningerne."})
    assert r.status_code == 303
    return client, csrf


def content_hash_of(html: str) -> str:
    m = re.search(r'name="content_hash" value="([0-9a-f]{64})"', html)
    assert m, "no approval form"
    return m.group(1)


def test_member_sees_closed_items_of_own_committee_only(site):
    sek = site.setup.secretary
    other = site.council.create_committee(sek, "Albertslund", "Kulturudvalget")
    outsider = site.council.create_user(sek, "olga", "Olga", "member", "olga-kode-1")
    PASSWORDS["olga"] = "olga-kode-1"
    site.council.add_member(sek, other.id, outsider.id, "member", "B")
    mid = site.setup.meeting.id
    anna, _ = logged_in(site, "anna")
    assert SECRET in anna.get(f"/mine-moeder/{mid}").text
    assert f"/mine-moeder/{mid}" in anna.get("/mine-moeder/").text
    olga, _ = logged_in(site, "olga")
    assert f"/mine-moeder/{mid}" not in olga.get("/mine-moeder/").text
    for path in (f"/mine-moeder/{mid}", f"/mine-moeder/{mid}/referat", f"/mine-moeder/{mid}/referat.html",
                 f"/mine-moeder/{mid}/kontrol"):
        r = olga.get(path)
        assert r.status_code in (403, 404) and SECRET not in r.text, path
    site.council.publish_agenda(sek, mid)  # published: still not hers to see closed content
    for path in (f"/mine-moeder/{mid}", f"/mine-moeder/{mid}/referat"):
        r = olga.get(path)
        assert r.status_code == 403 and SECRET not in r.text, path


def test_approval_signs_the_content_hash_then_minutes_are_append_only(site):
    client, csrf = conduct_meeting(site)
    mid = site.setup.meeting.id
    anna, anna_csrf = logged_in(site, "anna")
    page = anna.get(f"/mine-moeder/{mid}/referat").text
    shown = content_hash_of(page)
    assert shown == site.council.minutes(site.setup.secretary, mid).content_hash
    assert "Ø kan ikke tiltræde målsætningerne." in page and "inhabil under punkt 2" in page
    assert SECRET in page  # a member reads the closed item in the minutes they sign
    r = anna.post(f"/mine-moeder/{mid}/godkend", data={"csrf": anna_csrf, "content_hash": shown})
    assert r.status_code == 303
    (link,) = site.council.verify(mid).links
    assert link.kind == "approval" and link.signer == "Anna" and link.content_hash == shown
    assert "Du har godkendt denne udgave" in anna.get(f"/mine-moeder/{mid}/referat").text
    # the secretariat can no longer change the meeting: Danish 409, nothing changed
    item = site.setup.item("1")
    r = client.post(f"/sekretariat/punkt/{item.id}", data={
        "csrf": csrf, "version": str(item.version), "title": "Ændret efter godkendelse", "public": "1"})
    assert r.status_code == 409 and "Referatet er godkendt" in r.text
    assert decide(client, csrf, site, "1", text="Ny tekst").status_code == 409
    assert site.setup.item("1").title == "Budgetopfølgning"
    # a correction is appended, dated, and joins the chain; the chain verifies
    r = client.post(f"/sekretariat/moede/{mid}/rettelser", data={"csrf": csrf, "item_number": "3",
                                                                   "text": "Stavefejl i beslutningen rettet."})
    assert r.status_code == 303
    report = site.council.verify(mid)
    assert report.ok and [lk.kind for lk in report.links] == ["approval", "correction"]
    verify_page = client.get(f"/sekretariat/moede/{mid}/kontrol").text
    assert "Kæden er intakt" in verify_page and report.head in verify_page
    minutes_page = client.get(f"/sekretariat/moede/{mid}/referat").text
    assert "Stavefejl i beslutningen rettet." in minutes_page and "Tilføjelse" in minutes_page
    # Bo approves the minutes as they stand now; an approval of the old hash is a conflict
    bo, bo_csrf = logged_in(site, "bo")
    r = bo.post(f"/mine-moeder/{mid}/godkend", data={"csrf": bo_csrf, "content_hash": shown})
    assert r.status_code == 409 and "Referatet er ændret, siden du læste det" in r.text
    fresh = content_hash_of(bo.get(f"/mine-moeder/{mid}/referat").text)
    assert fresh != shown
    assert bo.post(f"/mine-moeder/{mid}/godkend", data={"csrf": bo_csrf, "content_hash": fresh}).status_code == 303
    assert "Kæden er intakt" in bo.get(f"/mine-moeder/{mid}/kontrol").text
    log = client.get(f"/sekretariat/moede/{mid}/log").text
    for action in ("Godkendt", "Tilføjelse", "Beslutning", "Protokoltilførsel", "Inhabil"):
        assert action in log
    assert "anna" in log and "sek" in log


def test_a_member_who_did_not_attend_cannot_approve(site):
    conduct_meeting(site)
    mid = site.setup.meeting.id
    eva, csrf = logged_in(site, "eva")  # sent apologies
    page = eva.get(f"/mine-moeder/{mid}/referat").text
    assert "Du deltog ikke i mødet" in page and 'name="content_hash"' not in page
    r = eva.post(f"/mine-moeder/{mid}/godkend", data={
        "csrf": csrf, "content_hash": site.council.minutes(site.setup.secretary, mid).content_hash})
    assert r.status_code == 403 and "Eva deltog ikke i mødet" in r.text
    assert site.council.verify(mid).links == []


def crawl(client: TestClient, start: list[str], limit: int = 300) -> dict[str, str]:
    """Every public page and JSON reachable from ``start`` (links in HTML and URLs in JSON)."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        r = client.get(url)
        seen[url] = r.text
        if r.status_code != 200:
            continue
        found = re.findall(r'href="(/[^"#]*)"', r.text) + re.findall(r'"(?:http://localhost)(/[^"]*)"', r.text)
        for link in found:
            link = link.replace("&amp;", "&")
            if not link.startswith(("/static", "/log-", "/sekretariat", "/mine-moeder", "/min-side")):
                todo.append(link)
    return seen


def test_the_public_never_sees_a_closed_items_content(site):
    client, csrf = conduct_meeting(site)
    mid = site.setup.meeting.id
    open_item = site.setup.item("1").id
    for title, flag in (("PRIVAT-BILAG-TITEL", "not_for_publication"), ("LUKKET-BILAG-TITEL", "closed")):
        r = client.post(f"/sekretariat/punkt/{open_item}/bilag", data={"csrf": csrf, "title": title, flag: "1"},
                        files={"file": (f"{flag}.pdf", f"%PDF {flag}".encode(), "application/pdf")})
        assert r.status_code == 303
    assert client.post(f"/sekretariat/moede/{mid}/offentliggoer-dagsorden", data={"csrf": csrf}).status_code == 303
    anna, anna_csrf = logged_in(site, "anna")
    anna.post(f"/mine-moeder/{mid}/godkend", data={
        "csrf": anna_csrf, "content_hash": content_hash_of(anna.get(f"/mine-moeder/{mid}/referat").text)})
    assert client.post(f"/sekretariat/moede/{mid}/offentliggoer-referat", data={"csrf": csrf}).status_code == 303
    agenda_id, minutes_id = site.council.published_ids(mid)
    assert agenda_id and minutes_id
    public = site.client()
    start = ["/", "/index.json", f"/moede/{agenda_id}", f"/moede/{minutes_id}", f"/moede/{minutes_id}.json",
             f"/moede/{minutes_id}/punkt/2", f"/moede/{minutes_id}/punkt/2.json", f"/moede/{agenda_id}/punkt/2.json",
             "/soeg?q=HEMMELIGT", "/soeg.json?q=HEMMELIGT", "/soeg?q=Vestervej", "/soeg?q=ejendomssag",
             "/soeg.atom?q=Vestervej", "/soeg/eksport.json?q=Vestervej", "/soeg/eksport.csv?q=Vestervej",
             "/moeder.ics", "/oparl/v1", "/oparl/v1/system"]
    pages = crawl(public, start)
    assert len(pages) > 20
    # the closed item's title and text, and the titles of a closed and a not-for-publication attachment
    markers = (SECRET, "Hansen ApS", "købesum", "4,2 mio", "PRIVAT-BILAG-TITEL", "LUKKET-BILAG-TITEL")
    leaks = [url for url, body in pages.items() if any(m in body for m in markers)]
    assert leaks == []
    for query in ("Vestervej", "HEMMELIGT", "købesum"):
        assert public.get(f"/soeg.json?q={query}").json()["total"] == 0, query
    # the closed item is there, as its neutral title only, and the open content is public
    assert "Lukket punkt: Ejendomssag" in pages[f"/moede/{minutes_id}"]
    assert "Erhvervspolitik" in pages[f"/moede/{minutes_id}"]
    assert "Ø kan ikke tiltræde målsætningerne." in public.get(f"/moede/{minutes_id}/punkt/3").text
    # and the secretariat's and members' screens are closed to the anonymous visitor
    for path in (f"/sekretariat/moede/{mid}", f"/mine-moeder/{mid}", f"/mine-moeder/{mid}/referat.html"):
        r = public.get(path)
        assert r.status_code == 303 and SECRET not in r.text


def test_draft_minutes_render_as_html_pdf_and_text_for_insiders(site):
    conduct_meeting(site)
    mid = site.setup.meeting.id
    anna, _ = logged_in(site, "anna")
    html = anna.get(f"/mine-moeder/{mid}/referat.html")
    assert html.status_code == 200 and 'lang="da"' in html.text and SECRET in html.text
    text = anna.get(f"/mine-moeder/{mid}/referat.txt")
    assert text.headers["content-type"].startswith("text/plain") and "Erhvervspolitik" in text.text
    pdf = anna.get(f"/mine-moeder/{mid}/referat.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
