"""The whole meeting in a real browser: the secretary authors and publishes an agenda, records the meeting,
members approve the minutes, and the public sees them with the closed item as its title only.

Reuses the portal's browser harness (``tests/test_browser.py``: uvicorn on loopback, Debian Chromium via
Playwright, axe-core, screenshots in tests/browser/shots/) over a fresh SQLite archive whose committee,
members and passwords are set up through the library; everything else happens by clicking and typing.
Every new page type is checked with axe-core (zero violations).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from referat.council import SYSTEM, Council
from referat.store import open_store

from .test_browser import axe_violations, base_url, browser, page, shot  # noqa: F401 (fixtures)

MARKER = "ZULU-FORTROLIG-7731"  # only in the closed item's title and text
CLOSED_TITLE = f"Køb af ejendom {MARKER}"
PEOPLE = {"anna": ("Anna Andersen", "chair", "A"), "bo": ("Bo Berg", "vice_chair", "V"),
          "cecilie": ("Cecilie Clausen", "member", "A"), "dan": ("Dan Dahl", "member", "Ø"),
          "eva": ("Eva Eriksen", "member", "C")}
PASSWORD = "en-lang-kode-1"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An empty archive with the meeting side's accounts and one committee (set up like the CLI would)."""
    where = str(tmp_path_factory.mktemp("council-browser") / "referat.db")
    s = open_store(where)
    with Council(where, store=s) as council:
        council.create_user(SYSTEM, "sek", "Sara Sekretær", "secretary", PASSWORD)
        committee = council.create_committee(SYSTEM, "Albertslund", "Udvalget for Erhverv")
        for username, (name, role, party) in PEOPLE.items():
            user = council.create_user(SYSTEM, username, name, "member", PASSWORD)
            council.add_member(SYSTEM, committee.id, user.id, role, party, date(2022, 1, 1))
    yield s
    s.close()


def check(page: Any, name: str, failures: list[str]) -> None:
    shot(page, f"council-{name}")
    if violations := axe_violations(page):
        failures.append(f"{name} ({page.url}): {violations}")


def log_in(page: Any, username: str) -> None:
    page.goto("/log-ind")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.office button[type=submit]")


def log_out(page: Any) -> None:
    page.click("nav.office-nav button:has-text('Log ud')")
    page.wait_for_url(re.compile(r"/log-ind"))


def add_item(page: Any, title: str, presentation: str, *, closed: bool = False, case: str = "") -> None:
    page.fill("#n-title", title)
    if closed:
        page.check("#n-closed")
        page.fill("#n-closed-title", "Lukket punkt: Ejendomssag")
    page.fill("#n-cases", case)
    page.fill("#n-presentation", presentation)
    page.fill("#n-recommendation", "At sagen godkendes.")
    page.click("form[action$='/punkter'] button[type=submit]")
    page.wait_for_selector(".notice")


def attendance(page: Any, who: str, kind: str, item: str | None = None) -> None:
    page.select_option("#a-member", label=who)
    page.select_option("#a-kind", value=kind)
    if item:
        page.select_option("#a-item", value=page.locator("#a-item option", has_text=item).get_attribute("value"))
    else:
        page.select_option("#a-item", value="")
    page.click("form[action$='/fremmoede'] button[type=submit]")
    page.wait_for_selector("text=Fremmødet er registreret.")


def decide(page: Any, number: str, text: str, votes_for: str = "", votes_against: str = "") -> None:
    card = page.locator("section.card", has=page.locator(f"h3:text-matches('^Punkt {number}:')"))
    card.locator("select[name=outcome]").select_option("approved")
    card.locator("textarea[name=text]").fill(text)
    card.locator("input[name=votes_for]").fill(votes_for)
    card.locator("input[name=votes_against]").fill(votes_against)
    card.locator("button:has-text('Gem beslutning')").click()
    page.wait_for_selector("text=Beslutningen er registreret.")


def approve(page: Any, username: str, failures: list[str]) -> None:
    log_in(page, username)
    page.wait_for_url(re.compile(r"/mine-moeder/$"))
    if username == "anna":
        check(page, "5-my-meetings", failures)
        page.click("table.list td:first-child a")
        assert MARKER in page.inner_text("main")  # the closed item of her own committee, in full
        # her own protokoltilførsel on item 1, in her own words, before the minutes are approved
        page.locator("summary:has-text('Tilføj din protokoltilførsel til punkt 1')").click()
        page.fill("form[action$='/protokoltilfoersel'] textarea", "A ønsker en kvartalsvis opfølgning.")
        check(page, "5-my-meeting", failures)
        page.locator("form[action$='/protokoltilfoersel'] button[type=submit]").first.click()
        page.wait_for_selector("text=Protokoltilførslen er registreret.")
        assert "Protokoltilførsel fra Anna Andersen (A)" in page.inner_text("main")
        page.click("text=Referat og godkendelse")
    else:
        page.click("text=Læs og godkend referatet")
    shown = page.locator("#content-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown)
    assert MARKER in page.content()  # members read the closed item they sign for
    if username == "anna":
        check(page, "6-member-minutes", failures)
    page.click("button:has-text('Godkend referatet')")
    page.wait_for_selector("text=Du har godkendt denne udgave af referatet.")
    log_out(page)


def test_full_meeting_flow_in_the_browser(page: Any, store: Any) -> None:
    failures: list[str] = []
    page.goto("/log-ind")
    check(page, "0-login", failures)
    page.fill("#username", "sek")
    page.fill("#password", "forkert-kode")
    page.click("form.office button[type=submit]")
    assert "Forkert brugernavn eller adgangskode." in page.inner_text(".error-summary")
    check(page, "0-login-error", failures)

    # the secretary creates the meeting and its agenda
    log_in(page, "sek")
    page.wait_for_url(re.compile(r"/sekretariat/$"))
    check(page, "1-meetings", failures)
    page.click("text=Udvalget for Erhverv (Albertslund)")
    page.fill("#day", "2023-03-20")
    page.fill("#start", "16:30")
    page.fill("#place", "Rådhuset, mødelokale 2")
    check(page, "1-committee", failures)
    page.click("form[action$='/moeder'] button[type=submit]")
    page.wait_for_url(re.compile(r"/sekretariat/moede/\d+"))
    meeting_url = page.url.split("?")[0]
    add_item(page, "Budgetopfølgning", "Forbruget følger budgettet.", case="01.11.20-A26-2-22")
    add_item(page, CLOSED_TITLE, f"Købesummen er fortrolig. {MARKER}", closed=True)
    add_item(page, "Erhvervspolitik", "Målsætninger for 2024 drøftes.")
    check(page, "2-agenda", failures)
    page.click("text=Budgetopfølgning")
    page.set_input_files("#a-file", files=[{"name": "notat.pdf", "mimeType": "application/pdf",
                                              "buffer": b"%PDF-1.4 notat"}])
    page.fill("#a-title", "Notat om budgettet")
    page.check("#a-rec")
    page.click("form[action$='/bilag'] button[type=submit]")
    page.wait_for_selector("text=Bilaget er tilføjet.")
    check(page, "2-item", failures)
    page.goto(meeting_url)
    page.click("button:has-text('Offentliggør dagsordenen')")
    page.wait_for_selector("text=Dagsordenen er offentliggjort på portalen.")

    # the meeting: attendance with a late arrival and an inhabil member, decisions, a dissent
    page.click("text=Mødet: fremmøde og beslutninger")
    for who in ("Anna Andersen (A)", "Bo Berg (V)", "Cecilie Clausen (A)"):
        attendance(page, who, "present")
    attendance(page, "Eva Eriksen (C)", "absent")
    attendance(page, "Dan Dahl (Ø)", "arrived", "2. Køb af ejendom")
    attendance(page, "Bo Berg (V)", "inhabil", "2. Køb af ejendom")
    assert page.locator("text=Beslutningsdygtigt: 3 af 5 til stede").count() == 2  # items 1 and 2
    assert page.locator("text=Beslutningsdygtigt: 4 af 5 til stede").count() == 1
    decide(page, "1", "Indstillingen godkendt.", votes_for="A, V")
    decide(page, "2", "Købet godkendt.", votes_for="A, Dan Dahl")
    decide(page, "3", "Målsætningerne godkendt.", votes_for="A, V", votes_against="Ø")
    card = page.locator("section.card", has=page.locator("h3:text-matches('^Punkt 3:')"))
    card.locator("summary:has-text('Tilføj protokoltilførsel')").click()
    card.locator("select[name=member_id]").select_option(label="Dan Dahl (Ø)")
    card.locator("textarea[name=text]").last.fill("Ø kan ikke tiltræde, da målsætningerne er for uambitiøse.")
    card.locator("button:has-text('Tilføj protokoltilførsel')").click()
    page.wait_for_selector("text=Protokoltilførslen er registreret.")
    check(page, "3-conduct", failures)
    # Bo was inhabil for item 2: his dissent there is refused with the rule, in Danish
    card = page.locator("section.card", has=page.locator("h3:text-matches('^Punkt 2:')"))
    card.locator("summary:has-text('Tilføj protokoltilførsel')").click()
    card.locator("select[name=member_id]").select_option(label="Bo Berg (V)")
    card.locator("textarea[name=text]").last.fill("Jeg er imod.")
    card.locator("button:has-text('Tilføj protokoltilførsel')").click()
    assert "Bo Berg var inhabil under punkt 2" in page.inner_text(".error-summary")
    check(page, "3-refused", failures)
    page.goto(meeting_url + "/referat")
    check(page, "4-draft-minutes", failures)
    log_out(page)

    # two members who took part approve
    approve(page, "anna", failures)
    approve(page, "dan", failures)

    # the secretary sees the chain intact and publishes the minutes
    log_in(page, "sek")
    page.goto(meeting_url + "/kontrol")
    assert "Kæden er intakt" in page.inner_text("main")
    check(page, "7-verify", failures)
    page.goto(meeting_url + "/log")
    check(page, "7-log", failures)
    # an account closed and a term ended after the meeting (the forms carry the rows' versions)
    page.goto("/sekretariat/brugere")
    page.click("summary[aria-label='Luk konto eva (Eva Eriksen)…']")
    page.click("button:has-text('Bekræft: luk eva')")
    page.wait_for_selector("text=Kontoen er lukket.")
    check(page, "9-users", failures)
    page.goto("/sekretariat/udvalg")
    page.click("text=Udvalget for Erhverv")
    page.fill("label:has-text('Sidste dag for Cecilie Clausen') + input", "2023-12-31")
    page.locator("form[action$='/afslut']", has=page.locator("label:has-text('Cecilie')")).locator("button").click()
    page.wait_for_selector("text=Perioden er afsluttet.")
    assert "31. december 2023" in page.inner_text("table.list")
    check(page, "9-committee", failures)
    page.goto(meeting_url + "/referat")
    page.click("button:has-text('Offentliggør referatet')")
    page.wait_for_selector("text=Referatet er offentliggjort på portalen.")
    public_url = page.get_attribute("a:has-text('Offentliggjort referat')", "href")
    log_out(page)

    # the public sees the minutes, the closed item as its neutral title only
    page.goto(public_url)
    main = page.inner_text("main")
    assert "Lukket punkt: Ejendomssag" in main and "Erhvervspolitik" in main and MARKER not in page.content()
    check(page, "8-public-minutes", failures)
    page.click("text=Lukket punkt: Ejendomssag")
    assert MARKER not in page.content() and "Købesummen" not in page.content()
    page.goto(public_url + "/punkt/3")
    assert "Ø kan ikke tiltræde" in page.inner_text("main")
    page.goto(f"/soeg?q={MARKER}")
    assert MARKER not in page.inner_text("ol.hits") if page.locator("ol.hits").count() else True
    assert failures == [], "\n".join(failures)
