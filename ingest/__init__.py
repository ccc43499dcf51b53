"""Turn policy files into cleaned pages, a section tree, chunks and an index (files → Chunk[] → store)."""
