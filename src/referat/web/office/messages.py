"""Danish wording of the meeting side's refusals, built from the errors' fields.

The library (``referat.council``) raises errors whose English message is for
the command line and whose fields carry the facts: ``ConflictError`` names the
entity, the person (display name and username) and time of the other change
and the versions; ``QuorumError`` the item, seats filled, seats and seats
required; ``RuleViolation`` the rule of law; ``PermissionDenied`` the action
and why; every other error a stable ``code`` with its ``facts``.  This module
turns those into Danish sentences.  It never parses the English message: an
error it has no wording for gets a Danish sentence for its class.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...errors import (
    ConflictError,
    FormError,
    InvalidInput,
    MinutesLocked,
    NotFound,
    PermissionDenied,
    QuorumError,
    ReferatError,
    RuleViolation,
)

#: what an entity is called in a Danish sentence ("Punktet er blevet ændret ...")
ENTITIES = {"meeting": "Mødet", "item": "Punktet", "user": "Kontoen", "membership": "Medlemskabet",
            "minutes": "Referatet"}

#: what was attempted (``PermissionDenied.action``), as the end of "Det er kun sekretariatet, der kan ..."
ACTIONS = {"create accounts": "oprette brugere", "list accounts": "se brugerne", "create committees": "oprette udvalg",
           "change committee memberships": "ændre udvalgets medlemmer", "read the audit log": "læse loggen",
           "create meetings": "oprette møder", "edit meetings": "ændre møder", "author agendas": "skrive dagsordener",
           "add attachments": "tilføje bilag", "record attendance": "registrere fremmøde",
           "record decisions": "registrere beslutninger", "add corrections to the minutes": "tilføje rettelser",
           "publish agendas": "offentliggøre dagsordener", "publish minutes": "offentliggøre referater",
           "publish agenda": "offentliggøre dagsordener", "deactivate accounts": "lukke konti",
           "end membership terms": "afslutte medlemsperioder", "set another user's password":
           "skifte andres adgangskode", "open this page": "åbne denne side"}

def when(moment: datetime | None) -> str:
    """A timestamp as Danish wall-clock text: "den 01.03.2023 kl. 10.00.00"."""
    if moment is None:
        return ""
    from ...council.minutes import local

    at = local(moment)
    return f"den {at:%d.%m.%Y} kl. {at:%H.%M.%S}"


def conflict(exc: ConflictError) -> str:
    if exc.entity == "minutes":
        return (f"Referatet er ændret, siden du læste det (du godkendte {str(exc.expected_version)[:12]}…, nu er det"
                f" {str(exc.actual_version)[:12]}…). Læs det igen, før du godkender.")
    from .minutes import ACTIONS as AUDIT

    who = ""
    if exc.who_name:
        user = f" ({exc.who_username})" if exc.who_username and exc.who_username != exc.who_name else ""
        what = f" ({AUDIT.get(exc.change or '', exc.change)})" if exc.change else ""
        who = f" af {exc.who_name}{user} {when(exc.when)}{what}"
    return (f"{ENTITIES.get(exc.entity, 'Det')} er blevet ændret{who}, efter du åbnede det (du redigerede version"
            f" {exc.expected_version}, nu er det version {exc.actual_version}). Din ændring er ikke gemt, og intet er"
            " overskrevet: genindlæs siden, og foretag ændringen igen.")


def quorum(exc: QuorumError) -> str:
    return (f"Punkt {exc.item} kan ikke afgøres: {exc.present} af udvalgets {exc.seats} medlemmer er til stede"
            f" (inhabile medlemmer tæller ikke med), og mindst {exc.required} skal være til stede ({exc.rule})."
            " Beslutningen er ikke registreret.")


def wait_words(seconds: int) -> str:
    """"30 sekunder", "1 minut", "15 minutter" (rounded up to whole minutes from a minute on)."""
    if seconds < 60:
        return f"{seconds} sekund" + ("er" if seconds != 1 else "")
    minutes = -(-seconds // 60)
    return f"{minutes} minut" + ("ter" if minutes != 1 else "")


def permission(exc: PermissionDenied) -> str:
    f = exc.facts
    by_code: dict[str, Callable[[], str]] = {
        "login_failed": lambda: "Forkert brugernavn eller adgangskode.",
        "login_throttled": lambda: ("For mange forkerte forsøg på at logge ind. Vent "
                                    f"{wait_words(int(str(f['retry_after'])))}, og prøv så igen."),
        "unknown_user": lambda: "Ukendt bruger. Log ind igen.",
        "deactivated": lambda: f"Kontoen {f['username']} er lukket.",
        "secretariat_only": lambda: ("Det er kun sekretariatet, der kan " + ACTIONS[exc.action] + "."
                                     if exc.action in ACTIONS else "Det må kun sekretariatet."),
        "members_only": lambda: "Siden er for udvalgenes medlemmer.",
        "insiders_only": lambda: "Kun sekretariatet og udvalgets medlemmer har adgang til dette møde.",
        "own_dissent_only": lambda: "En protokoltilførsel registreres af sekretariatet eller af medlemmet selv.",
        "not_on_committee": lambda: f"{f['name']} er ikke medlem af {f['committee']} og kan ikke godkende referatet.",
        "did_not_attend": lambda: (f"{f['name']} deltog ikke i mødet. Referatet godkendes af de medlemmer, der deltog"
                                   " (kommunestyrelsesloven § 13, stk. 1)."),
    }
    return by_code[exc.code]() if exc.code in by_code else "Du har ikke adgang til dette."


def _in(f: dict[str, Any]) -> str:
    return f"punkt {f['item']}"


#: Danish sentences for the ``code`` of rule violations and invalid input, from the error's ``facts``
CODES: dict[str, Callable[[dict[str, Any]], str]] = {
    "vote.not_present": lambda f: f"{f['name']} deltog ikke i behandlingen af {_in(f)} (fraværende eller inhabil) og"
                                  " kan ikke stemme om det.",
    "vote.party_not_present": lambda f: f"Intet medlem fra parti {f['party']} deltog i behandlingen af {_in(f)}.",
    "dissent.inhabil": lambda f: f"{f['name']} var inhabil under {_in(f)}: kun et medlem, der deltog i behandlingen"
                                 " af punktet, kan få en protokoltilførsel",
    "dissent.not_present": lambda f: f"{f['name']} var ikke til stede under {_in(f)}: kun et medlem, der deltog i"
                                     " behandlingen af punktet, kan få en protokoltilførsel",
    "minutes.locked": lambda f: "Referatet er godkendt og kan ikke længere ændres. Tilføj i stedet en dateret"
                                " tilføjelse.",
    "minutes.not_approved": lambda f: "Referatet er ikke godkendt endnu: ret selve udkastet i stedet for at tilføje en"
                                      " rettelse.",
    "minutes.unapproved_publish": lambda f: "Referatet er ikke godkendt endnu; det offentliggøres efter den første"
                                            " godkendelse.",
    "minutes.chain_broken": lambda f: f"Godkendelseskæden er brudt, og referatet er ikke offentliggjort"
                                      f" ({f['problem']}).",
    "minutes.already_approved": lambda f: f"{f['name']} har allerede godkendt dette referat.",
    "item.case_id_invalid": lambda f: f"»{f['value']}« er ikke et sagsnummer (fx 01.11.20-A26-2-22, EMN-2025-003383,"
                                      " 2012-28504 eller 12/27845).",
    "item.title_missing": lambda f: "Et punkt skal have en titel.",
    "item.number_taken": lambda f: f"Mødet har allerede et punkt {f['number']}.",
    "item.section_derived": lambda f: "Afsnittet udfyldes af det registrerede (beslutning, bilag, fravær) og skrives"
                                      " ikke.",
    "item.section_unknown": lambda f: "Punktets skabelon har ikke det afsnit.",
    "item.field_unknown": lambda f: "Punktet har ikke de felter.",
    "meeting.field_unknown": lambda f: "Mødet har ikke de felter.",
    "meeting.ends_before_start": lambda f: "Mødet slutter, før det begynder.",
    "decision.text_missing": lambda f: "En beslutning skal have en tekst (fx »Indstillingen godkendt.«).",
    "decision.outcome_unknown": lambda f: "Vælg et udfald for beslutningen.",
    "vote.choice_unknown": lambda f: "Ukendt stemme: vælg for, imod eller undlod.",
    "vote.voter_unknown": lambda f: f"»{f['voter']}« er hverken et medlem af udvalget eller et partibogstav i"
                                    " udvalget.",
    "user.password_short": lambda f: f"En adgangskode skal have mindst {f['minimum']} tegn.",
    "user.username_taken": lambda f: f"Brugernavnet {f['username']} er optaget.",
    "user.username_invalid": lambda f: f"»{f['username']}« kan ikke bruges som brugernavn (1–100 tegn uden"
                                       " mellemrum).",
    "user.name_missing": lambda f: "En bruger skal have et navn.",
    "user.role_unknown": lambda f: "Vælg en rolle for brugeren.",
    "user.already_deactivated": lambda f: f"Kontoen {f['username']} er allerede lukket.",
    "user.deactivate_self": lambda f: "Du kan ikke lukke din egen konto.",
    "membership.not_member_account": lambda f: f"{f['username']} er ikke en medlemskonto; pladser i udvalg er for"
                                               " medlemskonti.",
    "membership.overlap": lambda f: "Brugeren er allerede medlem af udvalget i den periode.",
    "membership.term_order": lambda f: f"Perioden slutter ({f['term_to']:%d.%m.%Y}), før den begynder"
                                       f" ({f['term_from']:%d.%m.%Y}).",
    "membership.role_unknown": lambda f: "Vælg medlemmets rolle i udvalget.",
    "membership.party_invalid": lambda f: f"»{f['party']}« er ikke et partibogstav.",
    "membership.not_on_committee": lambda f: "Personen sidder ikke i udvalget på mødedagen.",
    "membership.term_already_ends": lambda f: (f"Perioden slutter allerede {f['term_to']:%d.%m.%Y}; en periode kan"
                                               " afsluttes tidligere, ikke forlænges."),
    "membership.term_has_meetings": lambda f: (f"{f['name']} deltog i mødet {f['meeting_day']:%d.%m.%Y}; perioden kan"
                                               " ikke slutte før den dag."),
    "committee.name_missing": lambda f: "Et udvalg skal have en kommune og et navn.",
    "committee.name_taken": lambda f: f"{f['municipality']} har allerede et udvalg, der hedder {f['name']}.",
    "committee.template_unknown": lambda f: f"Skabelonen {f['template']} findes ikke.",
    "attachment.title_missing": lambda f: "Et bilag skal have en titel.",
    "attachment.too_large": lambda f: f"Filen er større end {f['megabytes']} MB.",
    "attendance.kind_unknown": lambda f: "Vælg, hvad der skete.",
    "attendance.item_missing": lambda f: "Vælg det punkt, hændelsen gælder.",
    "attendance.item_elsewhere": lambda f: "Punktet hører ikke til dette møde.",
    "attendance.not_substitute": lambda f: f"{f['name']} er ikke stedfortræder i udvalget.",
    "attendance.substitute_for_missing": lambda f: "Vælg det medlem, stedfortræderen indkaldes for.",
    "attendance.for_member_unexpected": lambda f: "Kun en indkaldelse af en stedfortræder nævner det medlem, der"
                                                  " erstattes.",
    "attendance.substitute_present": lambda f: f"{f['name']} er stedfortræder: indkald vedkommende for et medlem i"
                                               " stedet.",
    "dissent.text_missing": lambda f: "En protokoltilførsel skal have medlemmets egen tekst.",
    "dissent.no_decision": lambda f: f"Punkt {f['item']} har ingen beslutning endnu; en protokoltilførsel knyttes"
                                     " til en beslutning.",
    "correction.text_missing": lambda f: "En tilføjelse skal have en tekst.",
    "correction.item_unknown": lambda f: f"Referatet har intet punkt {f['item']}.",
    "not_found": lambda f: "Det findes ikke.",
}

FALLBACK = {
    ConflictError: "Nogen har ændret det samme, efter du åbnede det. Din ændring er ikke gemt.",
    RuleViolation: "Reglerne for kommunalbestyrelsens møder tillader det ikke.",
    MinutesLocked: "Referatet er godkendt og kan ikke længere ændres.",
    InvalidInput: "Oplysningerne kan ikke bruges.",
    NotFound: "Det findes ikke.",
}


def danish(exc: ReferatError) -> str:
    """The error in Danish, from its fields (never from its English message)."""
    if isinstance(exc, FormError):
        return str(exc)  # raised by the screens themselves, already Danish
    if isinstance(exc, QuorumError):
        return quorum(exc)
    if isinstance(exc, ConflictError) and exc.entity:
        return conflict(exc)
    if isinstance(exc, PermissionDenied):
        return permission(exc)
    if exc.code in CODES:
        try:
            text = CODES[exc.code](exc.facts)
        except (KeyError, TypeError, ValueError):
            text = ""
        if text:
            if isinstance(exc, RuleViolation) and exc.rule:
                text = f"{text.rstrip('.')} ({exc.rule})."
            return text
    for cls, sentence in FALLBACK.items():
        if isinstance(exc, cls):
            return sentence
    return "Handlingen kunne ikke gennemføres."
