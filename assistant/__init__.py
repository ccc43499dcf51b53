"""智策 Zhice — the core: settings, domain types, retrieval, answering, eligibility."""
