"""The public check of approved minutes: ``/moede/<id>/kontrol`` (HTML) and ``/moede/<id>/kontrol.json``.

Why: signatures nobody can see prove nothing to the public.  For minutes the
meeting side published, these pages show the approval chain's head, every
entry's signer, time, hashes and Ed25519 signature, the signed statement of
what was published, and the public key, so anyone can check the "Godkendt"
minutes without trusting the portal (how: ``council/public.py``).  The portal
also runs the check itself and says whether it holds.  Imported meetings (no
chain) are a 404 with a Danish explanation.  Answers are computed each time
(never from the page cache: the check must see the archive as it is now).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import NotFound, ReferatError
from .params import digits

NO_CHAIN = ("Dette møde har ingen godkendelseskæde her: referatet er importeret fra kommunens egen"
            " publicering, ikke godkendt i dette system.")


def verification_routes(portal: Any, office: Any) -> list[Route]:
    def check(raw: str) -> dict[str, Any]:
        if not digits(raw, 12):
            raise NotFound(raw)
        with portal.lock:  # the archive store is the portal's (one connection)
            return dict(office.council.public_chain(int(raw)).as_dict())

    async def page(request: Request) -> Response:
        wants_json = request.url.path.endswith(".json")
        try:
            data = await run_in_threadpool(check, request.path_params["meeting_id"])
        except NotFound:
            return portal.error(request, 404, NO_CHAIN)
        except ReferatError:
            return portal.error(request, 500, "Kontrollen kunne ikke gennemføres. Prøv igen senere.")
        headers = {"Cache-Control": "no-store"}
        if wants_json:
            return JSONResponse(data, headers=headers)
        html = portal.env.get_template("verification.html").render(data=data, request=request)
        return Response(html, media_type="text/html; charset=utf-8", headers=headers)

    return [Route("/moede/{meeting_id}/kontrol.json", page, methods=["GET", "HEAD"]),
            Route("/moede/{meeting_id}/kontrol", page, methods=["GET", "HEAD"])]
