"""The screens for closing accounts, ending terms and a member's own protokoltilførsel, through HTTP on both
backends: a closed account's session stops working at once; an ended term takes closed items of later
meetings only; a member present for a decided item adds a dissent in their own words until approval."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .council_setup import FAST_HASHER, build, clock, where  # noqa: F401 (fixtures)
from .test_council_web import (  # noqa: F401
    PASSWORDS,
    SECRET,
    attend,
    csrf_of,
    decide,
    logged_in,
    site,
)


def version_in(html: str, action: str) -> str:
    m = re.search(re.escape(f'action="{action}"') + r'.*?name="version" value="(\d+)"', html, re.S)
    assert m, f"no form for {action}"
    return m.group(1)


def test_closing_an_account_ends_its_session_at_once(site):
    sek, csrf = logged_in(site, "sek")
    anna, _ = logged_in(site, "anna")
    mid = site.setup.meeting.id
    assert anna.get(f"/mine-moeder/{mid}").status_code == 200
    uid = site.setup.users["Anna"].id
    page = sek.get("/sekretariat/brugere").text
    action = f"/sekretariat/brugere/{uid}/luk"
    assert 'aria-label="Luk konto anna (Anna)…"' in page and "Bekræft: luk anna" in page
    assert f'/sekretariat/brugere/{site.setup.secretary.id}/luk' not in page  # not one's own account
    r = sek.post(action, data={"csrf": csrf, "version": version_in(page, action)})
    assert r.status_code == 303 and "besked=lukket" in r.headers["location"]
    r = anna.get(f"/mine-moeder/{mid}")
    assert r.status_code == 303 and r.headers["location"].startswith("/log-ind")  # the session is gone
    assert SECRET not in r.text
    again = site.client()
    form = again.get("/log-ind")
    r = again.post("/log-ind", data={"csrf": csrf_of(form.text), "username": "anna", "password": PASSWORDS["anna"]})
    assert r.status_code == 401
    listing = sek.get("/sekretariat/brugere?besked=lukket").text
    assert "Kontoen er lukket" in listing and action not in listing
    # the same form again (from a second tab): refused in Danish, nothing changes
    r = sek.post(action, data={"csrf": csrf, "version": "1"})
    assert r.status_code == 422 and "Kontoen anna er allerede lukket." in r.text


def test_members_and_citizens_cannot_close_accounts(site):
    anna, csrf = logged_in(site, "anna")
    bo = site.setup.users["Bo"]
    assert anna.post(f"/sekretariat/brugere/{bo.id}/luk", data={"csrf": csrf, "version": "1"}).status_code == 403
    assert site.council.user("bo").active


def test_ending_a_term_takes_closed_items_after_the_end_only(site):
    sec = site.setup.secretary
    c = site.council
    earlier = c.create_meeting(sec, site.setup.committee.id, datetime(2023, 3, 1, 15, tzinfo=UTC)).id
    c.add_item(sec, earlier, "Fortroligt", public=False, sections={"presentation": "TIDLIGERE-HEMMELIGHED"})
    later = site.setup.meeting.id  # 2023-03-20
    eva, _ = logged_in(site, "eva")
    assert SECRET in eva.get(f"/mine-moeder/{later}").text
    sek, csrf = logged_in(site, "sek")
    cid, eva_m = site.setup.committee.id, site.setup.members["Eva"]
    action = f"/sekretariat/udvalg/{cid}/medlemmer/{eva_m.id}/afslut"
    page = sek.get(f"/sekretariat/udvalg/{cid}").text
    assert '<label for="end-' in page and "Sidste dag for Eva" in page
    r = sek.post(action, data={"csrf": csrf, "version": version_in(page, action), "term_to": "2023-03-10"})
    assert r.status_code == 303 and "besked=afsluttet" in r.headers["location"]
    assert next(m for m in c.members(sec, cid) if m.id == eva_m.id).term_to.isoformat() == "2023-03-10"
    # a second form still showing the old version: a Danish 409 naming who ended it
    r = sek.post(action, data={"csrf": csrf, "version": version_in(page, action), "term_to": "2023-03-05"})
    assert r.status_code == 409 and "Medlemskabet er blevet ændret af Sara Sekretær (sek)" in r.text
    assert "(Periode afsluttet)" in r.text
    r = eva.get(f"/mine-moeder/{later}")
    assert r.status_code in (403, 404) and SECRET not in r.text
    r = eva.get(f"/mine-moeder/{earlier}")
    assert r.status_code == 200 and "TIDLIGERE-HEMMELIGHED" in r.text
    mine = eva.get("/mine-moeder/").text
    assert f"/mine-moeder/{earlier}" in mine and f"/mine-moeder/{later}\"" not in mine
    # a term cannot end before a meeting already on the attendance record: Danish 422, nothing changed
    attend(sek, csrf, site, "Anna", "present")
    anna_m = site.setup.members["Anna"]
    r = sek.post(f"/sekretariat/udvalg/{cid}/medlemmer/{anna_m.id}/afslut",
                 data={"csrf": csrf, "version": "1", "term_to": "2023-03-01"})
    assert r.status_code == 422 and "Anna deltog i mødet 20.03.2023" in r.text
    assert c.members(sec, cid)[0].term_to is None


def test_member_adds_own_dissent_in_own_words_until_the_minutes_are_approved(site):
    sek, csrf = logged_in(site, "sek")
    mid = site.setup.meeting.id
    for name in ("Anna", "Bo", "Cecilie", "Eva"):
        attend(sek, csrf, site, name, "present")
    attend(sek, csrf, site, "Dan", "absent")
    attend(sek, csrf, site, "Cecilie", "inhabil", item="1")
    assert decide(sek, csrf, site, "1").status_code == 303
    item = site.setup.item("1")
    action = f"/mine-moeder/punkt/{item.id}/protokoltilfoersel"
    bo, bo_csrf = logged_in(site, "bo")
    page = bo.get(f"/mine-moeder/{mid}").text
    assert action in page and "Din protokoltilførsel til punkt 1" in page
    assert f"/mine-moeder/punkt/{site.setup.item('3').id}/protokoltilfoersel" not in page  # no decision yet
    own_words = "Jeg stemmer imod,\nfordi økonomien er usikker.  "
    r = bo.post(action, data={"csrf": bo_csrf, "text": own_words})
    assert r.status_code == 303 and "besked=protokol" in r.headers["location"]
    stored = site.council.dissents(site.setup.secretary, item.id)
    assert [(d.name, d.text) for d in stored] == [("Bo", own_words)]  # exactly as typed
    page = bo.get(r.headers["location"]).text
    assert "Protokoltilførslen er registreret" in page and "Protokoltilførsel fra Bo (V)" in page
    # an inhabil member has no form, and a forged post is refused with the rule
    cecilie, c_csrf = logged_in(site, "cecilie")
    assert action not in cecilie.get(f"/mine-moeder/{mid}").text
    r = cecilie.post(action, data={"csrf": c_csrf, "text": "Imod."})
    assert r.status_code == 422 and "Cecilie var inhabil under punkt 1" in r.text and "§ 13, stk. 2" in r.text
    # an absent member neither
    dan, d_csrf = logged_in(site, "dan")
    assert action not in dan.get(f"/mine-moeder/{mid}").text
    assert dan.post(action, data={"csrf": d_csrf, "text": "Imod."}).status_code == 422
    # after the first approval the form is gone and a post is a 409
    anna = site.setup.users["Anna"]
    site.council.approve(anna, mid, site.council.minutes(anna, mid).content_hash)
    page = bo.get(f"/mine-moeder/{mid}").text
    assert action not in page and "Referatet er godkendt" in page
    r = bo.post(action, data={"csrf": bo_csrf, "text": "For sent."})
    assert r.status_code == 409 and len(site.council.dissents(site.setup.secretary, item.id)) == 1
    # a member of another committee cannot post one at all
    other = site.council.create_user(site.setup.secretary, "olga", "Olga", "member", "olga-kode-1")
    PASSWORDS["olga"] = "olga-kode-1"
    site.council.add_member(site.setup.secretary, site.council.create_committee(
        site.setup.secretary, "Albertslund", "Kulturudvalget").id, other.id, "member", "B")
    olga, o_csrf = logged_in(site, "olga")
    assert olga.post(action, data={"csrf": o_csrf, "text": "Imod."}).status_code in (403, 404)
