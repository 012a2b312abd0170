"""The generic reader: minutes and agendas in layouts no dedicated parser knows.

``blocks`` is the format-neutral core (text blocks with their typography -> a meeting, the header
read by ``header``, the vocabulary of ``data/generic.toml`` loaded by ``vocab``); ``pdf``, ``html``,
``docx`` and ``text`` turn their format into such blocks; ``xml`` reads an export's records.  The registry lists
them flagged ``generic``: they are tried only when no dedicated parser claims a file.
"""
