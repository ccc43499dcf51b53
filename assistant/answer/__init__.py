"""The answer path, one module per step: understand → retrieve → rerank → compose by type → verify."""
