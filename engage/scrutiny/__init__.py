"""Scrutiny: volunteer panels (custody visiting, animal welfare, complaints review)."""
