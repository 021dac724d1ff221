"""Shared building blocks: areas, agencies, priorities, the audit log, mail and public pages."""
