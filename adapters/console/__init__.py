"""The console adapter: a terminal chat, and the JSONL protocol tests and benchmarks use."""
