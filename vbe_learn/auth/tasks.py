"""The auth feature's jobs: the set-password e-mail asked for on *Glömt lösenord*.

The request only enqueues the e-post it was given; the account is looked up here, in the
worker, so the response does the same work, in the same time, whether it exists or not."""

from ..jobs import job
from .messages import send_set_password_message
from .services import find_user_by_email


@job()
def send_set_password_link(email: str) -> None:
    """E-mail a set-password link to the active account with this e-post, if there is one."""
    user = find_user_by_email(email)
    if user is not None and user.active:
        send_set_password_message(user)
