"""The OpenAPI 3 description of every machine-readable route: the OParl API, feeds and exports.

Clients generate code from it and the tests check it against the app: it must
validate as OpenAPI 3.0 and every path it lists must answer.  It is built from
the tables below, so adding a route means adding a line here.
"""

from __future__ import annotations

from typing import Any

from .api import API_ROOT, MAX_LIMIT, PAGE_SIZE
from .feeds import EXPORT_CAP
from .oparl import BODY_LISTS
from .sources import MEDIA_TYPES

OBJECT = {"$ref": "#/components/schemas/OParlObject"}
LIST = {"$ref": "#/components/schemas/OParlList"}
#: path parameters and what they name
PARAMS = {
    "body": "Kommunens kortnavn (slug), fx «aarhus»", "organization": "Udvalgets kortnavn (slug)",
    "person": "Personens kortnavn (slug)", "meeting": "Mødets id",
    "position": "Punktets plads på dagsordenen (1, 2, …)",
    "n": "Løbenummer (1, 2, …)", "reference": "Sagsnummeret (URL-kodet)", "municipality": "Kommunens navn",
    "committee": "Udvalgets navn",
    "sha256": "Kildedokumentets SHA-256 (64 små hex-tegn; File-objektets sha256Checksum)",
}
INTEGER_PARAMS = {"meeting", "position", "n"}
SEARCH = [("q", "Søgningen (ord, \"fraser\", præfiks*, -udelad, OR)", True), ("kommune", "Kommune", False),
          ("udvalg", "Udvalg", False), ("aar", "År", False), ("udfald", "Udfald (approved, rejected, …)", False),
          ("kle", "KLE-emne (gruppe, fx 00.01)", False),
          ("person", "Deltager, som facetten viser dem, fx «Anja Holtze (A)»", False),
          ("fra", "Møder fra og med denne dag (ÅÅÅÅ-MM-DD)", False),
          ("til", "Møder til og med denne dag (ÅÅÅÅ-MM-DD)", False),
          ("sorter", "relevans eller dato", False)]


def _oparl_paths() -> list[tuple[str, str, bool]]:
    """(path, summary, is_list) of the OParl API."""
    paths = [("", "System (API-roden)", False), ("/system", "System", False), ("/bodies", "Alle kommuner (Body)", True),
             ("/body/{body}", "En kommune (Body)", False)]
    paths += [(f"/body/{{body}}/{suffix}", f"Kommunens {name}-objekter", True) for suffix, name in BODY_LISTS.items()]
    paths += [("/organization/{body}/{organization}", "Et udvalg (Organization)", False),
              ("/organization/{body}/{organization}/meetings", "Udvalgets møder", True),
              ("/person/{body}/{person}", "En person (Person)", False),
              ("/membership/{body}/{organization}/{person}", "Et medlemskab (Membership)", False),
              ("/meeting/{meeting}", "Et møde (Meeting) med dets punkter", False),
              ("/agendaitem/{meeting}/{position}", "Et punkt (AgendaItem); lukkede punkter kun id, nummer, titel",
               False),
              ("/paper/{body}/{reference}", "En sag (Paper): alle punkter med samme sagsnummer", False),
              ("/consultation/{meeting}/{position}/{n}", "Et punkts behandling af en sag (Consultation)", False),
              ("/file/{meeting}", "Mødets kildedokument (File)", False),
              ("/file/{meeting}/{position}/{n}", "Et bilag (File)", False)]
    return [(API_ROOT + p, s, lst) for p, s, lst in paths]


def _path_params(path: str) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in path.replace(".", "/").split("/") if part.startswith("{") and part.endswith("}")]
    return [{"name": n, "in": "path", "required": True, "description": PARAMS[n],
             "schema": {"type": "integer", "minimum": 1} if n in INTEGER_PARAMS else {"type": "string"}}
            for n in names]


def _query(name: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


LIST_PARAMS = [
    _query("page", "Side (fra 1)", {"type": "integer", "minimum": 1}),
    _query("limit", f"Objekter pr. side (standard {PAGE_SIZE})", {"type": "integer", "minimum": 1,
                                                                  "maximum": MAX_LIMIT}),
    _query("modified_since", "Kun objekter ændret på eller efter dette tidspunkt (ISO 8601)",
           {"type": "string", "format": "date-time"}),
    _query("modified_until", "Kun objekter ændret på eller før dette tidspunkt (ISO 8601)",
           {"type": "string", "format": "date-time"}),
    _query("created_since", "Kun objekter hvis møder først blev importeret på eller efter dette tidspunkt (ISO 8601)",
           {"type": "string", "format": "date-time"}),
    _query("created_until", "Kun objekter hvis møder først blev importeret på eller før dette tidspunkt (ISO 8601)",
           {"type": "string", "format": "date-time"}),
]
ERRORS = {"400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}


def _get(summary: str, params: list[dict[str, Any]], content: dict[str, Any], tag: str) -> dict[str, Any]:
    return {"get": {"summary": summary, "tags": [tag], "parameters": params,
                    "responses": {"200": {"description": "OK", "content": content}, **ERRORS}}}


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, summary, is_list in _oparl_paths():
        params = _path_params(path) + (LIST_PARAMS if is_list else [])
        paths[path] = _get(summary, params, {"application/json": {"schema": LIST if is_list else OBJECT}}, "OParl")
    search = [_query(n, d, {"type": "string"}, r) for n, d, r in SEARCH]
    committee = "/kommune/{municipality}/udvalg/{committee}"
    text = {"schema": {"type": "string"}}
    paths["/soeg.atom"] = _get("Atom-feed for en søgning (samme parametre som /soeg)", search,
                               {"application/atom+xml": text}, "Feeds")
    paths["/soeg/eksport.csv"] = _get(f"Søgeresultater som CSV (højst {EXPORT_CAP})", search, {"text/csv": text},
                                      "Eksport")
    paths["/soeg/eksport.json"] = _get(f"Søgeresultater som JSON (højst {EXPORT_CAP})", search,
                                       {"application/json": {"schema": {"type": "object"}}}, "Eksport")
    paths["/soeg/eksport.xlsx"] = _get(f"Søgeresultater som Excel-regneark (højst {EXPORT_CAP}; danske værdier)",
                                       search, {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                                                {"schema": {"type": "string", "format": "binary"}}}, "Eksport")
    paths["/moeder.ics"] = _get("Alle møder som iCal-kalender", [], {"text/calendar": text}, "Feeds")
    paths[committee + ".atom"] = _get("Atom-feed for et udvalgs møder", _path_params(committee),
                                      {"application/atom+xml": text}, "Feeds")
    paths[committee + ".ics"] = _get("Et udvalgs møder som iCal-kalender", _path_params(committee),
                                     {"text/calendar": text}, "Feeds")
    binary = {"schema": {"type": "string", "format": "binary"}}
    source = _get("Et mødes originale kildedokument (PDF, HTML, XML eller tekst), som det blev importeret; 403 når"
                  " mødet har lukkede punkter, og det ikke kan vises, at filen er den offentlige udgave",
                  _path_params("/dokument/{sha256}"), {t: binary for t in MEDIA_TYPES.values()}, "Eksport")
    source["get"]["responses"]["403"] = {"$ref": "#/components/responses/Error"}
    paths["/dokument/{sha256}"] = source
    return {
        "openapi": "3.0.3",
        "info": {"title": "Referat – åbent API", "version": "1",
                 "description": "Kommunale møder, punkter og beslutninger efter OParl 1.1 (https://oparl.org), samt"
                                " feeds og eksport. Lukkede punkter vises kun med id, nummer, titel og public=false."},
        "paths": paths,
        "components": {
            "schemas": {
                "OParlObject": {"type": "object", "required": ["id", "type"], "additionalProperties": True,
                                "properties": {"id": {"type": "string", "format": "uri"},
                                               "type": {"type": "string", "format": "uri"},
                                               "modified": {"type": "string", "format": "date-time"},
                                               "created": {"type": "string", "format": "date-time"}}},
                "OParlList": {"type": "object", "required": ["data", "pagination", "links"], "properties": {
                    "data": {"type": "array", "items": OBJECT},
                    "pagination": {"type": "object", "properties": {
                        k: {"type": "integer"} for k in ("totalElements", "elementsPerPage", "currentPage",
                                                          "totalPages")}},
                    "links": {"type": "object", "properties": {
                        k: {"type": "string", "format": "uri"} for k in ("first", "prev", "next", "last", "self")}}}},
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "properties": {"status": {"type": "integer"}, "title": {"type": "string"},
                                                     "message": {"type": "string"}}}}},
            },
            "responses": {"Error": {
                "description": "Fejl med en forklaring",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
    }
