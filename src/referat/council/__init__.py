"""The meeting side: accounts, committees, agendas, attendance, decisions, minutes and their approval.

``Council`` (``service.py``) is the one entry point; the web layer and the CLI
call it with the acting user for every operation.  The tables live in the
archive's own database (``council_*``), and what gets published goes into the
archive ``Store`` as ordinary meetings, so the portal, search and renderer
take them like any imported document.
"""

from .accounts import ROLES, User
from .agenda import AttachmentInfo, ItemInfo, MeetingInfo
from .committees import MEMBERSHIP_ROLES, Committee, Membership
from .service import SYSTEM, Council, Session, public_view

__all__ = [
           "MEMBERSHIP_ROLES",
           "ROLES",
           "SYSTEM",
           "AttachmentInfo",
           "Committee",
           "Council",
           "ItemInfo",
           "MeetingInfo",
           "Membership",
           "Session",
           "User",
           "public_view",
]
