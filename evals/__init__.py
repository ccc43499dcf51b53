"""Gold-set evaluation: metrics (pure), the runner, and the plain langchain baseline."""
