"""Login, logout, set password, forgotten password."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required

from ..core.extensions import login_manager
from ..core.urls import is_same_site_path
from ..jobs import QueueUnavailable
from ..models import User
from . import bp
from .forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from .passwords import MIN_PASSWORD_LENGTH
from .services import (
    authenticate,
    find_signed_in_user,
    set_password,
    user_for_set_password_token,
)
from .sessions import end_every_session, start_session
from .tasks import send_set_password_link

login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Logga in för att fortsätta.")


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The active person whose current session token is in the session (or remember) cookie."""
    return find_signed_in_user(session_token)


def safe_next_url(target: str | None) -> str:
    """Only same-site paths are followed after login; anything else goes home."""
    if is_same_site_path(target):
        return target
    return url_for("learning.dashboard")


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    """Log in with e-post and password."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next")))
        flash(gettext("Fel e-postadress eller lösenord."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logga-ut")
@login_required
def logout():
    """End the session, and every other session and remember-me cookie of the person."""
    end_every_session(current_user)
    flash(gettext("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/satt-losenord/<token>", methods=["GET", "POST"], endpoint="set_password")
def set_password_view(token: str):
    """Choose a password from a set-password link (the link works once)."""
    config = current_app.config
    user = user_for_set_password_token(
        token, config["SECRET_KEY"], config["SET_PASSWORD_LINK_MAX_AGE"]
    )
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data)
        start_session(user)
        flash(gettext("Ditt lösenord är sparat."), "info")
        return redirect(url_for("learning.dashboard"))
    return render_template(
        "auth/set_password.html", form=form, user=user, min_length=MIN_PASSWORD_LENGTH
    )


@bp.route("/glomt-losenord", methods=["GET", "POST"])
def forgot_password():
    """Queue a set-password link; the answer (and its work) is the same whether the account
    exists or not: the account is looked up by the job."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            send_set_password_link.enqueue(form.email.data)
        except QueueUnavailable:
            message = gettext("Det gick inte att skicka länken just nu. Försök igen om en stund.")
            flash(message, "error")
            return render_template("auth/forgot_password.html", form=form), 503
        flash(
            gettext(
                "Om adressen finns hos oss skickar vi en länk för att välja lösenord. "
                "Den brukar komma inom några minuter."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)
