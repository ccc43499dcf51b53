"""What both the answer path and ingest stand on: text utilities, the gazetteer, and the grammar of official
documents (headings, dates, validity) — no imports of either."""
