"""Admin pages: reference data and the audit log."""

from __future__ import annotations

from flask import Blueprint, render_template

from engage.auth.permissions import Action, requires

blueprint = Blueprint("admin", __name__)


@blueprint.get("/reference")
@requires(Action.EDIT_REFERENCE)
def reference_index():
    """The kinds of reference data an admin can edit."""
    return render_template("admin/reference_index.html")


@blueprint.get("/audit")
@requires(Action.READ_AUDIT)
def audit_log():
    """Search the audit log."""
    return render_template("admin/audit_log.html")
