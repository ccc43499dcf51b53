"""What both the answer path and ingest stand on: text utilities and the gazetteer (no imports of either)."""
