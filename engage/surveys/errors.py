"""Errors raised by the survey statistics, with messages a survey officer can act on."""


class WeightingError(ValueError):
    """The responses or targets cannot be weighted as given; the message says which and why."""
