"""Danish wording of the meeting side's refusals, for the secretariat's and members' screens.

The library (``referat.council``) raises its errors with English messages
that carry the facts (who changed an item and when, how many members were
present, which rule).  The screens are Danish, so this module rewrites the
messages it knows, keeping every fact, and falls back to a Danish sentence
per error class with the original message as a technical note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from ...errors import (ConflictError, FormError, InvalidInput, MinutesLocked, NotFound, PermissionDenied, QuorumError,
                       ReferatError, RuleViolation)

Rewrite = Callable[[re.Match[str]], str]

OBJECTS = {"the meeting": "Mødet", "the item": "Punktet"}


def _when(stamp: str) -> str:
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return stamp
    return f"den {moment:%d.%m.%Y} kl. {moment:%H.%M.%S}"


def _conflict(m: re.Match[str]) -> str:
    who = f" af {m['who']} {_when(m['at'])} ({m['what']})" if m["who"] else ""
    return (f"{OBJECTS.get(m['obj'], 'Det')} er blevet ændret{who}, efter du åbnede det (du redigerede version"
            f" {m['mine']}, nu er det version {m['now']}). Din ændring er ikke gemt, og intet er overskrevet:"
            " genindlæs siden, og foretag ændringen igen.")


def _quorum(m: re.Match[str]) -> str:
    return (f"Punkt {m['n']} kan ikke afgøres: {m['filled']} af udvalgets {m['seats']} medlemmer er til stede"
            " (inhabile medlemmer tæller ikke med), og mindst halvdelen skal være til stede"
            " (kommunestyrelsesloven § 11, stk. 2). Beslutningen er ikke registreret.")


PATTERNS: list[tuple[re.Pattern[str], Rewrite]] = [(re.compile(p, re.S), f) for p, f in [
    (r"^wrong username or password$", lambda m: "Forkert brugernavn eller adgangskode."),
    (r"^only the secretariat may (?P<what>.+)$", lambda m: "Det må kun sekretariatet."),
    (r"^the account '(?P<u>.+)' is deactivated$", lambda m: f"Kontoen {m['u']} er lukket."),
    (r"^unknown user$", lambda m: "Ukendt bruger. Log ind igen."),
    (r"^only the secretariat and the committee see the attendance record$",
     lambda m: "Kun sekretariatet og udvalgets medlemmer kan se fremmødet."),
    (r"^minutes are approved by the committee's members$",
     lambda m: "Referatet godkendes af udvalgets medlemmer."),
    (r"^(?P<name>.+) is not on (?P<c>.+) and cannot approve its minutes$",
     lambda m: f"{m['name']} er ikke medlem af {m['c']} og kan ikke godkende referatet."),
    (r"^(?P<name>.+) did not attend the meeting; .*$",
     lambda m: f"{m['name']} deltog ikke i mødet. Referatet godkendes af de medlemmer, der deltog"
               " (kommunestyrelsesloven § 13, stk. 1)."),
    (r"^a dissent is recorded by the secretariat or by the member themselves$",
     lambda m: "En protokoltilførsel registreres af sekretariatet eller af medlemmet selv."),
    (r"^(?P<obj>the meeting|the item) \(\w+ \d+\) was changed(?: by (?P<who>\S+) at (?P<at>\S+ \S+)"
     r" \((?P<what>.*)\))? after you opened it \(you edited version (?P<mine>\d+), it is now version (?P<now>\d+)\)",
     _conflict),
    (r"^the minutes changed since you read them \(you approved (?P<a>\S+), they are now (?P<b>\S+)\)",
     lambda m: f"Referatet er ændret, siden du læste det (du godkendte {m['a']}, nu er det {m['b']}). Læs det igen,"
               " før du godkender."),
    (r"^item (?P<n>\S+) cannot be decided: (?P<filled>\d+) of the committee's (?P<seats>\d+) members", _quorum),
    (r"^(?P<name>.+) did not take part in item (?P<n>\S+) \(absent or inhabil\) and cannot vote on it$",
     lambda m: f"{m['name']} deltog ikke i behandlingen af punkt {m['n']} (fraværende eller inhabil) og kan ikke"
               " stemme om det."),
    (r"^no member of party (?P<p>\S+) took part in item (?P<n>\S+)$",
     lambda m: f"Intet medlem fra parti {m['p']} deltog i behandlingen af punkt {m['n']}."),
    (r"^(?P<name>.+) (?P<why>was inhabil for|was not present for) item (?P<n>\S+): .*$",
     lambda m: f"{m['name']} {'var inhabil under' if 'inhabil' in m['why'] else 'var ikke til stede under'} punkt"
               f" {m['n']}: kun et medlem, der deltog i behandlingen af punktet, kan få en protokoltilførsel"
               " (kommunestyrelsesloven § 13, stk. 2)."),
    (r"^the minutes of meeting \d+ have been approved and are append-only.*$",
     lambda m: "Referatet er godkendt og kan ikke længere ændres. Tilføj i stedet en dateret tilføjelse."),
    (r"^the minutes are not approved yet: .*$",
     lambda m: "Referatet er ikke godkendt endnu: ret selve udkastet i stedet for at tilføje en rettelse."),
    (r"^the minutes are not approved yet; .*$",
     lambda m: "Referatet er ikke godkendt endnu; det offentliggøres efter den første godkendelse."),
    (r"^the approval chain is broken, the minutes are not published: (?P<p>.*)$",
     lambda m: f"Godkendelseskæden er brudt, og referatet er ikke offentliggjort ({m['p']})."),
    (r"^'(?P<v>.*)' is not a case id .*$",
     lambda m: f"»{m['v']}« er ikke et sagsnummer (fx 01.11.20-A26-2-22, EMN-2025-003383, 2012-28504 eller"
               " 12/27845)."),
    (r"^an item needs a title$", lambda m: "Et punkt skal have en titel."),
    (r"^meeting \d+ already has an item (?P<n>.+)$", lambda m: f"Mødet har allerede et punkt {m['n']}."),
    (r"^the meeting ends before it starts$", lambda m: "Mødet slutter, før det begynder."),
    (r"^a decision needs its text.*$", lambda m: "En beslutning skal have en tekst (fx »Indstillingen godkendt.«)."),
    (r"^unknown outcome .*$", lambda m: "Vælg et udfald for beslutningen."),
    (r"^unknown vote .*$", lambda m: "Ukendt stemme: vælg for, imod eller undlod."),
    (r"^a password needs at least (?P<n>\d+) characters$",
     lambda m: f"En adgangskode skal have mindst {m['n']} tegn."),
    (r"^the username '(?P<u>.+)' is taken$", lambda m: f"Brugernavnet {m['u']} er optaget."),
    (r"^'(?P<u>.*)' is not a username .*$",
     lambda m: f"»{m['u']}« kan ikke bruges som brugernavn (1–100 tegn uden mellemrum)."),
    (r"^a user needs a name$", lambda m: "En bruger skal have et navn."),
    (r"^'(?P<u>.+)' is a (?P<r>\w+) account; .*$",
     lambda m: f"{m['u']} er ikke en medlemskonto; pladser i udvalg er for medlemskonti."),
    (r"^the user already has a membership of this committee in that term$",
     lambda m: "Brugeren er allerede medlem af udvalget i den periode."),
    (r"^the term ends \((?P<b>.+)\) before it starts \((?P<a>.+)\)$",
     lambda m: f"Perioden slutter ({m['b']}), før den begynder ({m['a']})."),
    (r"^'(?P<p>.*)' is not a party letter$", lambda m: f"»{m['p']}« er ikke et partibogstav."),
    (r"^(?P<mun>.+) already has a committee named '(?P<c>.+)'$",
     lambda m: f"{m['mun']} har allerede et udvalg, der hedder {m['c']}."),
    (r"^a committee needs a municipality and a name$", lambda m: "Et udvalg skal have en kommune og et navn."),
    (r"^an attachment needs a title$", lambda m: "Et bilag skal have en titel."),
    (r"^the file is larger than (?P<n>\d+) MB$", lambda m: f"Filen er større end {m['n']} MB."),
    (r"^a '(?P<k>\w+)' event names the item.*$", lambda m: "Vælg det punkt, hændelsen gælder."),
    (r"^(?P<name>.+) is not a substitute of the committee$",
     lambda m: f"{m['name']} er ikke stedfortræder i udvalget."),
    (r"^a substitute is called in for one of the committee's members$",
     lambda m: "Vælg det medlem, stedfortræderen indkaldes for."),
    (r"^(?P<name>.+) is a substitute: call them in for a member instead$",
     lambda m: f"{m['name']} er stedfortræder: indkald vedkommende for et medlem i stedet."),
    (r"^only a 'substitute' event names the member it stands in for$",
     lambda m: "Kun en indkaldelse af en stedfortræder nævner det medlem, der erstattes."),
    (r"^'(?P<v>.*)' is neither a member of the committee nor a party letter on it$",
     lambda m: f"»{m['v']}« er hverken et medlem af udvalget eller et partibogstav i udvalget."),
    (r"^a dissent needs the member's own text$", lambda m: "En protokoltilførsel skal have medlemmets egen tekst."),
    (r"^item (?P<n>\S+) has no decision yet: .*$",
     lambda m: f"Punkt {m['n']} har ingen beslutning endnu; en protokoltilførsel knyttes til en beslutning."),
    (r"^(?P<name>.+) has already approved these minutes$",
     lambda m: f"{m['name']} har allerede godkendt dette referat."),
    (r"^a correction needs its text$", lambda m: "En tilføjelse skal have en tekst."),
    (r"^the minutes have no item (?P<n>.+)$", lambda m: f"Referatet har intet punkt {m['n']}."),
    (r"^membership \d+ is not on (?:this|the) committee on the day of the meeting$",
     lambda m: "Personen sidder ikke i udvalget på mødedagen."),
    (r"^no (?P<what>meeting|item|committee|user|attachment) with id \d+$", lambda m: "Det findes ikke."),
]]

FALLBACK = {
    PermissionDenied: "Du har ikke adgang til dette.",
    ConflictError: "Nogen har ændret det samme, efter du åbnede det. Din ændring er ikke gemt.",
    QuorumError: "Udvalget er ikke beslutningsdygtigt (kommunestyrelsesloven § 11, stk. 2).",
    RuleViolation: "Reglerne for kommunalbestyrelsens møder tillader det ikke.",
    MinutesLocked: "Referatet er godkendt og kan ikke længere ændres.",
    InvalidInput: "Oplysningerne kan ikke bruges.",
    NotFound: "Det findes ikke.",
}


def danish(exc: ReferatError) -> str:
    """The error's message in Danish (with the facts kept); unknown messages get a Danish sentence first."""
    text = str(exc).strip()
    if isinstance(exc, FormError):
        return text  # raised by the screens themselves, already Danish
    for pattern, rewrite in PATTERNS:
        m = pattern.match(text)
        if m:
            return rewrite(m)
    for cls, sentence in FALLBACK.items():
        if isinstance(exc, cls):
            return f"{sentence} (Teknisk besked: {text})" if text else sentence
    return f"Handlingen kunne ikke gennemføres. (Teknisk besked: {text})"
