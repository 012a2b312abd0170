"""Reading documents: format sniffing, the parser registry, one parser per publishing system, the generic
reader, and the checks every import passes (guards, lossless check).

Data flows one way: source bytes -> ``importer.parse_bytes`` -> a registered parser -> ``model``.
Nothing here touches a store.
"""
