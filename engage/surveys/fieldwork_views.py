"""Fieldwork pages for a wave: invitation codes, importing an agency's responses, the monitor."""

from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from engage.auth.permissions import Action, requires
from engage.core.admin_views import local_time
from engage.core.links import external_url
from engage.errors import render_error
from engage.extensions import db
from engage.surveys import import_services, invitations, monitor_services
from engage.surveys.blueprint import blueprint, form_page
from engage.surveys.fieldwork_forms import (
    ConfirmForm,
    UploadForm,
    answers_form,
    columns_form,
    invitation_form,
    targets_form,
)
from engage.surveys.import_files import Table, examples
from engage.surveys.import_services import AlreadyImported, ImportRefused, PendingImport
from engage.surveys.imports import (
    ImportMapping,
    MappingError,
    answer_values,
    check_rows,
    stored_text,
    suggest_columns,
)
from engage.surveys.invitations import InvitationError
from engage.surveys.models import Wave
from engage.surveys.monitor import TOLERANCE, TargetsError, percentages_of, targets_from_percentages
from engage.surveys.questions import CHOICE_TYPES
from engage.surveys.services import specs_of

WAVE = "/manage/waves/<int:wave_id>"
UPLOAD_LIMIT = 20 * 1024 * 1024  # bytes; ENGAGE_MAX_UPLOAD_BYTES in the app's config overrides
PENDING_IMPORTS = "fieldwork_imports"  # session key: {wave id: ticket of the user's upload}
REFUSALS_SHOWN = 200


def _wave(wave_id: int) -> Wave:
    return db.get_or_404(Wave, wave_id)


# Invitation codes --------------------------------------------------------------------------


@blueprint.route(f"{WAVE}/invitations", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_invitations(wave_id: int):
    """Codes made and used per district and batch; make a new batch."""
    wave = _wave(wave_id)
    form = invitation_form(invitations.districts())
    if form.validate_on_submit():
        try:
            batch = invitations.make_batch(wave.id, form.counts())
        except InvitationError as error:
            form.district_fields[0][1].errors.append(str(error))
        else:
            made = sum(form.counts().values())
            flash(f"Batch {batch}: {made:,} invitation codes are made.", "success")
            return redirect(url_for(".fieldwork_invitations", wave_id=wave.id))
    return form_page(
        "surveys/fieldwork/invitations.html",
        form,
        wave=wave,
        usage=invitations.usage(wave.id),
        batches=invitations.batches(wave.id),
        recently_used=invitations.recently_used(wave.id),
        shown=invitations.shown,
        used_on=invitations.used_on,
        local_time=local_time,
    )


@blueprint.get(f"{WAVE}/invitations.csv")
@requires(Action.RUN_SURVEYS)
def fieldwork_invitations_csv(wave_id: int):
    """The codes for a mail merge: all, one batch (?batch=2), or those unused (?unused=1)."""
    wave = _wave(wave_id)
    batch = None
    if request.args.get("batch"):
        batch = request.args.get("batch", type=int)
        if batch is None or not invitations.batch_exists(wave.id, batch):
            abort(404)
    unused = request.args.get("unused") == "1"
    content = invitations.mail_merge_csv(wave.id, external_url("surveys.index"), batch, unused)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", wave.code) + "-invitations"
    name += (f"-batch-{batch}" if batch else "") + ("-unused" if unused else "")
    return Response(
        content,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# Importing responses -----------------------------------------------------------------------


def _upload_limit() -> int:
    return int(current_app.config.get("ENGAGE_MAX_UPLOAD_BYTES") or UPLOAD_LIMIT)


def _limit_text() -> str:
    """The upload limit in words, like '20 MB'."""
    limit = _upload_limit()
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit // 1024:,} KB"


@blueprint.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, values: dict | None) -> None:
    """Cap an upload's size before anything reads the form: the CSRF check reads it first."""
    if endpoint == "surveys.fieldwork_import":
        request.max_content_length = _upload_limit() + 64 * 1024  # the form's own parts


@blueprint.errorhandler(413)
def _too_large(error=None):
    """A file over the limit: say the limit and what to do, on the page's own address."""
    if request.endpoint != "surveys.fieldwork_import":  # another survey page: the usual page
        return render_error(413, "What was sent is too large for this page.")
    page = render_template(
        "surveys/fieldwork/too_large.html",
        limit=_limit_text(),
        back=request.path,
    )
    return page, 413


def _folder() -> Path:
    """Where uploads wait between steps (shared between app servers if there are several)."""
    configured = current_app.config.get("ENGAGE_UPLOAD_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "imports"


def _tickets() -> dict[str, str]:
    tickets = session.get(PENDING_IMPORTS)
    return dict(tickets) if isinstance(tickets, dict) else {}


def _remember(wave_id: int, ticket: str) -> None:
    session[PENDING_IMPORTS] = _tickets() | {str(wave_id): ticket}


def _forget(wave_id: int) -> None:
    tickets = _tickets()
    ticket = tickets.pop(str(wave_id), None)
    if ticket:
        import_services.discard(_folder(), ticket)
    session[PENDING_IMPORTS] = tickets


def _pending(wave: Wave) -> PendingImport | None:
    ticket = _tickets().get(str(wave.id))
    return import_services.pending_import(_folder(), ticket, wave.id, current_user.id)


def _start_again(wave: Wave, message: str = "Upload the file to import first.") -> Response:
    flash(message)
    return redirect(url_for(".fieldwork_import", wave_id=wave.id))


@blueprint.route(f"{WAVE}/import", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_import(wave_id: int):
    """Upload an agency's file (step 1 of 4), and the wave's past imports."""
    wave = _wave(wave_id)
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read()
        if len(content) > _upload_limit():
            return _too_large()
        try:
            pending = import_services.start_import(
                _folder(), wave.id, current_user.id, upload.filename or "", content
            )
        except ImportRefused as error:
            form.file.errors.append(str(error))
            status = 409 if isinstance(error, AlreadyImported) else 400
        else:
            _forget(wave.id)
            _remember(wave.id, pending.ticket)
            return redirect(url_for(".fieldwork_import_columns", wave_id=wave.id))
    elif form.errors:
        status = 400
    page = render_template(
        "surveys/fieldwork/import_upload.html",
        wave=wave,
        form=form,
        pending=_pending(wave),
        imports=import_services.imports_of(wave.id),
        limit=_limit_text(),
        local_time=local_time,
    )
    return page, status


def _pending_table(wave: Wave) -> tuple[PendingImport, Table]:
    """The user's pending import and its rows; without them, back to the upload page (aborts)."""
    pending = _pending(wave)
    if pending is None:
        abort(_start_again(wave))
    try:
        table = import_services.pending_table(_folder(), pending)
    except ImportRefused as error:
        _forget(wave.id)
        abort(_start_again(wave, str(error)))
    return pending, table


@blueprint.route(f"{WAVE}/import/columns", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_import_columns(wave_id: int):
    """Match each column of the file to a question, or leave it out (step 2 of 4)."""
    wave = _wave(wave_id)
    pending, table = _pending_table(wave)
    specs = specs_of(wave.version)
    mapping = pending.import_mapping
    chosen = mapping.columns if pending.mapping else suggest_columns(table.columns, specs)
    form = columns_form(table.columns, specs, chosen)
    if form.validate_on_submit():
        mapping = ImportMapping(columns=form.chosen(), values=mapping.values)
        import_services.save_mapping(_folder(), pending, mapping)
        return redirect(url_for(".fieldwork_import_answers", wave_id=wave.id))
    return form_page(
        "surveys/fieldwork/import_columns.html",
        form,
        wave=wave,
        pending=pending,
        table=table,
        examples={column: examples(table, column) for column in table.columns},
    )


@blueprint.route(f"{WAVE}/import/answers", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_import_answers(wave_id: int):
    """Match the values of each choice column to answer codes (step 3 of 4)."""
    wave = _wave(wave_id)
    pending, table = _pending_table(wave)
    mapping = pending.import_mapping
    if not mapping.columns:
        flash("Match at least one column to a question.")
        return redirect(url_for(".fieldwork_import_columns", wave_id=wave.id))
    specs = {spec.code: spec for spec in specs_of(wave.version)}
    matched = [
        (column, specs[code])
        for column, code in mapping.columns.items()
        if code in specs and column in table.columns and specs[code].type in CHOICE_TYPES
    ]
    if not matched:
        return redirect(url_for(".fieldwork_import_check", wave_id=wave.id))
    values = {column: answer_values(table, column, spec) for column, spec in matched}
    form = answers_form(table, matched, values, mapping.values)
    if form.validate_on_submit():
        mapping = ImportMapping(columns=mapping.columns, values=form.chosen())
        import_services.save_mapping(_folder(), pending, mapping)
        return redirect(url_for(".fieldwork_import_check", wave_id=wave.id))
    return form_page("surveys/fieldwork/import_answers.html", form, wave=wave, pending=pending)


@blueprint.route(f"{WAVE}/import/check", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_import_check(wave_id: int):
    """Preview the rows as stored, list refused rows, and import all or nothing (step 4 of 4)."""
    wave = _wave(wave_id)
    pending, table = _pending_table(wave)
    form = ConfirmForm()
    status, message, refused = 200, None, ()
    if form.validate_on_submit():
        try:
            record = import_services.finish_import(_folder(), pending, table, current_user.id)
        except ImportRefused as error:
            status = 409 if isinstance(error, AlreadyImported) else 400
            message, refused = str(error), error.refused
        else:
            _forget(wave.id)
            flash(f"{record.rows:,} responses from {record.filename} are imported.", "success")
            return redirect(url_for(".fieldwork_import", wave_id=wave.id))
    specs = specs_of(wave.version)
    try:
        check = check_rows(table, pending.import_mapping, specs)
    except MappingError as error:
        flash(f"Change how the columns are matched: {error}.")
        return redirect(url_for(".fieldwork_import_columns", wave_id=wave.id))
    refused = refused or check.refused
    matched = set(pending.import_mapping.columns.values())
    page = render_template(
        "surveys/fieldwork/import_check.html",
        wave=wave,
        pending=pending,
        check=check,
        form=form,
        message=message,
        refused_count=len(refused),
        refusals=[line for row in refused[:REFUSALS_SHOWN] for line in row.lines()],
        shown_limit=REFUSALS_SHOWN,
        preview_codes=[spec.code for spec in specs if spec.code in matched],
        unmatched_required=[
            spec.code for spec in specs if spec.required and spec.code not in matched
        ],
        stored_text=stored_text,
    )
    return page, status


@blueprint.post(f"{WAVE}/import/cancel")
@requires(Action.RUN_SURVEYS)
def fieldwork_import_cancel(wave_id: int):
    """Discard the pending upload."""
    wave = _wave(wave_id)
    if ConfirmForm().validate_on_submit():
        _forget(wave.id)
        flash("The upload is discarded: nothing was imported.", "success")
    return redirect(url_for(".fieldwork_import", wave_id=wave.id))


# Fieldwork monitor -------------------------------------------------------------------------


@blueprint.get(f"{WAVE}/monitor")
@requires(Action.RUN_SURVEYS)
def fieldwork_monitor(wave_id: int):
    """Complete responses by district, age band and sex against the sample's target shares."""
    wave = _wave(wave_id)
    return render_template(
        "surveys/fieldwork/monitor.html",
        wave=wave,
        progress=monitor_services.fieldwork_progress(wave.id),
        tolerance_points=round(TOLERANCE * 100),
    )


@blueprint.route(f"{WAVE}/monitor/targets", methods=["GET", "POST"])
@requires(Action.RUN_SURVEYS)
def fieldwork_targets(wave_id: int):
    """Set the shares the sample should reach, as percentages per category."""
    wave = _wave(wave_id)
    categories = monitor_services.monitored_categories(wave)
    form = targets_form(categories, percentages_of(wave.sample_targets))
    if form.validate_on_submit():
        try:
            targets = targets_from_percentages(categories, form.typed())
        except TargetsError as error:
            form.show_errors(error.errors)
        else:
            monitor_services.save_sample_targets(wave.id, targets)
            flash("The targets are saved." if targets else "The targets are cleared.", "success")
            return redirect(url_for(".fieldwork_monitor", wave_id=wave.id))
    return form_page("surveys/fieldwork/monitor_targets.html", form, wave=wave)
