"""Accounts: sign-in, invitations, password resets, roles and the permission rules."""
