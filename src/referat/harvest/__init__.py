"""Harvesting: keep an archive in step with where municipalities publish (issue 19).

Sources are registered in the store (``registry``); a FirstAgenda Publication portal is read
through its JSON API (``firstagenda``, over the polite HTTP client in ``http``), a publication
folder file by file (``folder``).  What each source offered and what became of it lives in the
store (``store.harvestdb``), written in the transaction that saves the meeting, so a harvest can be
killed at any point and run again to the same archive.  ``run`` drives sources and counts the
outcome; ``cli`` is ``referat harvest`` and ``referat sources``.
"""
