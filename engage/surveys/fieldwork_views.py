"""Survey routes (being built)."""
