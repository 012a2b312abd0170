"""The generic reader: minutes and agendas in layouts no dedicated parser knows.

``blocks`` is the format-neutral core (text blocks with their typography -> a meeting); ``pdf``,
``html``, ``xml``, ``docx`` and ``text`` turn their format into such blocks.  The registry lists
them flagged ``generic``: they are tried only when no dedicated parser claims a file.
"""
