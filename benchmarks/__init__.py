"""Benchmarks run with `python -m benchmarks.<name>` (see `make bench`)."""
