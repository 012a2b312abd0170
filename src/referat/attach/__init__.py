"""Attachments (bilag) as files: their kind and MIME type, and their text page by page (PDF, Word, office
formats, scans by OCR) within a per-file budget.  Library only: the publication readers
(``referat.parse.folders``) use it, and the store keeps what it returns."""

from .extract import Extraction, extract_text
from .files import AttachmentFile, Limits, read_attachment
from .formats import sniff

__all__ = ["AttachmentFile", "Extraction", "Limits", "extract_text", "read_attachment", "sniff"]
