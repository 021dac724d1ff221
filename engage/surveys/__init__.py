"""Surveys: the representative perception survey, its weighting and its published results."""
