"""What anyone may check of published minutes: the approval chain's head, every entry's signature and the
signed statement of what was published, with the public key that checks them.

Why: the signatures (``signing``) only make tampering evident to someone who can
see them.  The portal publishes, for each meeting whose minutes the meeting side
published, a verification page and a JSON document (``web/verification.py``)
built from ``public_chain``: no closed content (no correction texts, no user
ids), only names, times, hashes and signatures.  How to check without referat:

* each entry: Ed25519 ``signature`` (base64) by ``public_key`` (base64, raw 32
  bytes) over the ASCII text ``"referat-council-chain-v1:" + link_hash``; each
  entry's ``prev_hash`` is the previous entry's ``link_hash`` (the first names
  64 zeros), so the ``head`` fixes every entry before it;
* the publication: ``statement`` is the line recorded when the minutes were
  published; its ``sig`` is a signature over that JSON object without ``sig``
  (keys sorted, ``json.dumps`` separators ", " and ": "), and it names the head's
  ``seq``/``link`` and the published ``document`` SHA-256, which the meeting's
  page shows as the source document's hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .minutes import ChainReport, local
from .signing import ALGORITHM, CHAIN_PREFIX, Recorded


@dataclass(frozen=True)
class PublicChain:
    """One published meeting's chain, as the verification page shows it."""

    archive_id: int
    public_key: str
    report: ChainReport
    publication: Recorded | None

    def as_dict(self) -> dict[str, Any]:
        r = self.report
        entries = [{"seq": lk.seq, "kind": lk.kind, "signer": lk.signer, "party": lk.party, "role": lk.role,
                    "at": lk.at.isoformat(), "local_time": f"{local(lk.at):%d-%m-%Y kl. %H:%M}",
                    "item_number": lk.item_number, "content_hash": lk.content_hash, "prev_hash": lk.prev_hash,
                    "link_hash": lk.link_hash, "signature": lk.signature} for lk in r.links]
        pub = self.publication
        return {"meeting": self.archive_id, "algorithm": ALGORITHM, "public_key": self.public_key,
                "signed_message": CHAIN_PREFIX + "<link_hash>", "count": len(r.links), "head": r.head,
                "entries": entries,
                "publication": None if pub is None else {"seq": pub.seq, "link": pub.link_hash,
                                                         "document": pub.document_sha256, "statement": pub.line},
                "verified": r.ok and pub is not None and r.published == pub.document_sha256,
                "problem": r.problem}
