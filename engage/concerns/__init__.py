"""Concerns: issues raised by parishes and at roadshows, tracked to "You said, we did"."""
