"""E-mail alert pages, for anyone: subscribe, confirm by the link e-mailed, unsubscribe by the
link in every alert. No page shows a subscriber's address or says whether one is subscribed."""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, render_template, request, url_for

from engage.auth.permissions import Action, requires
from engage.concerns import alerts as alert_services
from engage.concerns.alert_forms import AlertForm, UnsubscribeForm, area_choices
from engage.concerns.blueprint import blueprint, form_page
from engage.concerns.roadshows import districts_and_parishes
from engage.core.columns import utcnow
from engage.core.form_fields import put_error
from engage.core.mail import MailError
from engage.extensions import limiter

SUBSCRIBE_LIMIT = "5 per hour"  # requests from one network address; config overrides
EMAIL_LIMIT = "3 per day"  # requests for one email address, so no one's inbox can be flooded
LINK_GUESSES = "10 per 15 minutes"  # wrong link secrets from one address, as for follow links
MAIL_FAILED = "We could not send the email just now. Try again later."


def _subscribe_limit() -> str:
    return current_app.config.get("ALERT_LIMIT_PER_ADDRESS") or SUBSCRIBE_LIMIT


def _email_limit() -> str:
    return current_app.config.get("ALERT_LIMIT_PER_EMAIL") or EMAIL_LIMIT


def _typed_email() -> str:
    """Rate-limit key for the address typed, whichever network address it comes from."""
    return "alert-email:" + alert_services.normalise_email(request.form.get("email", ""))


def _asked(response) -> bool:
    """Only requests that sent a confirmation count against the limits (a refused form does
    not)."""
    return response.status_code == 302


def _not_found(response) -> bool:
    return response.status_code == 404


# One count for both kinds of link, so guessing at either uses up the same allowance.
_link_guesses = limiter.shared_limit(LINK_GUESSES, scope="alert-links", deduct_when=_not_found)


def _private(response):
    """A page reached by a secret link: kept out of caches and search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _link_not_valid():
    page = render_template("concerns/alerts/link_not_valid.html", days=alert_services.CONFIRM_DAYS)
    return _private(make_response(page, 404))


@blueprint.route("/alerts", methods=["GET", "POST"])
@requires(Action.VIEW_PUBLIC)
@limiter.limit(
    _email_limit, key_func=_typed_email, methods=["POST"], deduct_when=_asked, scope="alert-email"
)
@limiter.limit(_subscribe_limit, methods=["POST"], deduct_when=_asked, scope="alert-subscribe")
def alerts():
    """Ask for e-mail alerts of newly published responses in a district, parish or the county."""
    form = AlertForm()
    form.area.choices = area_choices(districts_and_parishes())
    mail_failed = False
    if form.validate_on_submit():
        try:
            alert_services.subscribe(form.email.data, form.area_id(), now=utcnow())
        except alert_services.AlertError as error:
            put_error(form, error.field, str(error), fallback="email")
        except MailError:
            mail_failed = True
            form.email.errors = [*form.email.errors, MAIL_FAILED]
        else:
            flash(
                "Check your email. We have sent you a link to confirm your alerts; it works for "
                f"{alert_services.CONFIRM_DAYS} days. If it does not arrive, check your spam folder.",
                "success",
            )
            return redirect(url_for(".alerts"))
    page, status = form_page(
        "concerns/alerts/subscribe.html", form, days=alert_services.CONFIRM_DAYS
    )
    return page, 503 if mail_failed else status


@blueprint.get("/alerts/confirm/<secret>")
@requires(Action.VIEW_PUBLIC)
@_link_guesses
def alert_confirm(secret: str):
    """Follow the link in the confirmation e-mail: alerts start with the next day's digest."""
    subscription = alert_services.confirm(secret, now=utcnow())
    if subscription is None:
        return _link_not_valid()
    page = render_template(
        "concerns/alerts/confirmed.html",
        place=alert_services.place_of(subscription.area),
        unsubscribe=url_for(
            ".alert_unsubscribe", secret=alert_services.unsubscribe_secret(subscription)
        ),
    )
    return _private(make_response(page))


@blueprint.route("/alerts/unsubscribe/<secret>", methods=["GET", "POST"])
@requires(Action.VIEW_PUBLIC)
@_link_guesses
def alert_unsubscribe(secret: str):
    """Stop the alerts the link came in, and forget the address they went to."""
    subscription = alert_services.subscription_to_end(secret)
    if subscription is None:
        return _link_not_valid()
    place = alert_services.place_of(subscription.area)
    form = UnsubscribeForm()
    if form.validate_on_submit():
        alert_services.unsubscribe(subscription)
        flash(f"You have unsubscribed from alerts about {place}.", "success")
        return redirect(url_for(".alerts"))
    page, status = form_page("concerns/alerts/unsubscribe.html", form, place=place)
    return _private(make_response(page, status))
