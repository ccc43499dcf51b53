"""The local index: a SQLite file in the data directory caching the store's chunks for reading.

`local.LocalIndex` writes it (rebuilt from the store, or changed document by document), `reader.Reader`
reads one consistent version of it, `fts` ranks passages lexically (SQLite FTS5 or bm25s, chosen by
ZHICE_LEXICAL) and `learned` is what each document adds when it is indexed (search tokens, the
words' sounds, the contexts names are learned from).
"""
