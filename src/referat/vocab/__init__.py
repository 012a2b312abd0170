"""The Danish vocabulary every part shares: dates, case ids, section headings and decision outcomes,
names and parties, KLE subjects, the municipalities and regions.

Parsers read documents with it, the renderer prints with it and the council side writes with it, so a
word learnt once (a new heading synonym, a region's name) is known everywhere; the words themselves
live as data in ``referat/data/``.
"""
