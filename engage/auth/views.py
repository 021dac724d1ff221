"""Sign-in and account pages, and the office's user management."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from engage.auth import services
from engage.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    NewPasswordForm,
)
from engage.auth.models import TokenPurpose, User
from engage.auth.permissions import INVITABLE_ROLES, Action, Role, may, may_invite, requires
from engage.core.links import external_url
from engage.core.mail import MailError, send_mail
from engage.core.models import Agency, Area, AreaKind
from engage.extensions import db, limiter

blueprint = Blueprint("auth", __name__)


def _login_account_key() -> str:
    """Rate-limit key for the account being tried, whichever address it is tried from."""
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    """Only failed sign-ins count against the limits (a success redirects)."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site, never to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("core.home")


@blueprint.route("/login", methods=["GET", "POST"])
@requires(Action.SIGN_IN)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed,
    scope="login-address",
)
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Enter a correct email address and password")
        status = 401
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@blueprint.route("/logout", methods=["GET", "POST"])
@requires(Action.SIGN_IN)
def logout():
    """Sign out (POST from the header button; GET asks first, so links cannot sign people out)."""
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if form.validate_on_submit():
        services.record_sign_out(current_user)
        logout_user()
        flash("You have been signed out.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)


def _password_page(purpose: TokenPurpose, secret: str, template: str, done: str):
    """Shared flow of the invitation and reset links: check the link, take a new password."""
    try:
        token = services.check_token(secret, purpose)
    except services.AccountError as error:
        return render_template("auth/link_problem.html", message=str(error)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.set_password_with_token(secret, purpose, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            login_user(user)
            flash(done, "success")
            return redirect(url_for("core.home"))
    return render_template(template, form=form, user=token.user), 400 if form.errors else 200


@blueprint.route("/invitation/<secret>", methods=["GET", "POST"])
@requires(Action.SIGN_IN)
def accept_invitation(secret: str):
    """Set a password from an invitation link and sign in."""
    return _password_page(
        TokenPurpose.INVITATION, secret, "auth/accept_invitation.html", "Your account is ready."
    )


@blueprint.route("/password/reset/<secret>", methods=["GET", "POST"])
@requires(Action.SIGN_IN)
def reset_password(secret: str):
    """Choose a new password from a reset link."""
    return _password_page(
        TokenPurpose.PASSWORD_RESET, secret, "auth/reset_password.html", "Your password is changed."
    )


@blueprint.route("/password/forgot", methods=["GET", "POST"])
@requires(Action.SIGN_IN)
@limiter.limit("5 per hour", methods=["POST"], scope="password-reset")
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        minutes = current_app.config["PASSWORD_RESET_MINUTES"]
        found = services.request_password_reset(form.email.data, timedelta(minutes=minutes))
        if found:
            user, secret = found
            try:
                send_mail(
                    user.email,
                    "Reset your Engage password",
                    "auth/email/password_reset.txt",
                    user=user,
                    link=external_url("auth.reset_password", secret=secret),
                    minutes=minutes,
                )
            except MailError:
                current_app.logger.error("Reset mail to %s failed", user.email)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


@blueprint.route("/account")
@requires(Action.USE_ACCOUNT)
def account():
    """Your own account: role, what it is bound to, and a link to change the password."""
    return render_template("auth/account.html", user=current_user)


@blueprint.route("/account/password", methods=["GET", "POST"])
@requires(Action.USE_ACCOUNT)
def change_password():
    """Change your password; other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(str(error))
        else:
            # Sign in again with the new session token; pass the user, not the current_user
            # proxy, which Flask-Login would otherwise store as the user it points to.
            login_user(g.actor)
            flash("Your password is changed.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


def _send_invitation(user: User, secret: str) -> bool:
    days = current_app.config["INVITATION_DAYS"]
    try:
        send_mail(
            user.email,
            f"You are invited to {current_app.config['ENGAGE_SERVICE_NAME']}",
            "auth/email/invitation.txt",
            user=user,
            inviter=current_user,
            link=external_url("auth.accept_invitation", secret=secret),
            days=days,
        )
    except MailError:
        flash(
            f"The account for {user.email} is saved but the email could not be sent. "
            "Use 'Send the invitation again' when mail is working.",
            "error",
        )
        return False
    return True


def _account_form(form: AccountForm, roles, account: User | None = None) -> AccountForm:
    """The form with the roles given, and the agencies and parishes in use (plus the account's
    own, even if retired since, so its other details can still be saved)."""
    agency_id = account.agency_id if account else None
    parish_ids = [parish.id for parish in account.parishes] if account else []
    agencies = db.session.scalars(
        select(Agency).where(or_(Agency.active, Agency.id == agency_id)).order_by(Agency.name)
    )
    parishes = db.session.scalars(
        select(Area)
        .options(joinedload(Area.parent))  # each choice names its district
        .where(Area.kind == AreaKind.PARISH, or_(Area.active, Area.id.in_(parish_ids)))
        .order_by(Area.name)
    )
    form.set_choices(sorted(roles, key=list(Role).index), agencies, parishes)
    return form


@blueprint.get("/users")
@requires(Action.INVITE_USERS)
def users():
    """Everyone with an account, their role and whether they have accepted the invitation."""
    return render_template("auth/users.html", users=services.list_users())


@blueprint.route("/users/invite", methods=["GET", "POST"])
@requires(Action.INVITE_USERS)
def invite():
    """Invite a person by email; the link lets them set a password once."""
    form = _account_form(InviteForm(), INVITABLE_ROLES[current_user.role])
    if form.validate_on_submit():
        days = current_app.config["INVITATION_DAYS"]
        try:
            user, secret = services.invite(
                current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.chosen_role,
                agency_id=form.chosen_agency_id,
                parish_ids=form.parishes.data or [],
                lifetime=timedelta(days=days),
            )
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            if _send_invitation(user, secret):
                flash(f"Invitation sent to {user.email}.", "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/invite.html", form=form), 400 if form.errors else 200


@blueprint.get("/users/<int:user_id>")
@requires(Action.INVITE_USERS)
def user_detail(user_id: int):
    """One account: role, bindings, status, and what this viewer may do with it."""
    account = db.get_or_404(User, user_id)
    return render_template(
        "auth/user.html",
        account=account,
        form=ConfirmForm(),
        can_manage=may(current_user.role, Action.MANAGE_USERS),
        can_reinvite=account.password_hash is None and may_invite(current_user.role, account.role),
    )


@blueprint.post("/users/<int:user_id>/reinvite")
@requires(Action.INVITE_USERS)
def reinvite(user_id: int):
    """Send a fresh invitation link; the old one stops working."""
    account = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        days = current_app.config["INVITATION_DAYS"]
        try:
            secret = services.reinvite(current_user, account, timedelta(days=days))
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            if _send_invitation(account, secret):
                flash(f"A new invitation was sent to {account.email}.", "success")
    return redirect(url_for("auth.user_detail", user_id=account.id))


@blueprint.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_USERS)
def edit_user(user_id: int):
    """Change a person's name, role, agency and parishes."""
    account = db.get_or_404(User, user_id)
    form = _account_form(AccountForm(), Role, account)
    if request.method == "GET":
        form.name.data = account.name
        form.role.data = account.role.value
        form.agency.data = str(account.agency_id or "")
        form.parishes.data = [parish.id for parish in account.parishes]
    elif form.validate_on_submit():
        try:
            services.update_account(
                current_user,
                account,
                name=form.name.data,
                role=form.chosen_role,
                agency_id=form.chosen_agency_id,
                parish_ids=form.parishes.data or [],
            )
        except services.AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "role").errors.append(str(error))
        else:
            flash(f"{account.name}'s account is updated.", "success")
            return redirect(url_for("auth.user_detail", user_id=account.id))
    status = 400 if form.errors else 200
    return render_template("auth/edit_user.html", form=form, account=account), status


@blueprint.post("/users/<int:user_id>/active")
@requires(Action.MANAGE_USERS)
def set_active(user_id: int):
    """Close or reopen an account (the button says which)."""
    account = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        reopen = request.form.get("active") == "yes"
        try:
            services.set_active(current_user, account, reopen)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(f"{account.name}'s account is {'reopened' if reopen else 'closed'}.", "success")
    return redirect(url_for("auth.user_detail", user_id=account.id))
