"""Staff accounts: create, sign in with lock-out, sessions and API tokens. Functions take ``*, session``."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.modelbase import utcnow
from directory.staff import passwords
from directory.staff.tables import ROLES, StaffApiToken, StaffSession, StaffUser, aware

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)


class AccountError(ValueError):
    """A plain-words reason an account could not be created or changed."""


@dataclass(frozen=True)
class SignInResult:
    user: StaffUser | None
    error: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(*, session: Session, email: str, password: str, role: str) -> StaffUser:
    email = normalise_email(email)
    if "@" not in email or "." not in email.split("@")[-1]:
        raise AccountError("Enter an email address in the correct format, like name@example.gov.uk")
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)}")
    problems = passwords.password_problems(password, email=email)
    if problems:
        raise AccountError("; ".join(problems))
    if session.scalar(select(StaffUser).where(StaffUser.email == email)):
        raise AccountError("A staff account with that email address already exists")
    user = StaffUser(email=email, password_hash=passwords.hash_password(password), role=role)
    session.add(user)
    session.flush()
    log.info("staff account created: %s (%s)", email, role)
    return user


def sign_in(*, session: Session, email: str, password: str, now: datetime | None = None) -> SignInResult:
    """Checks the password; five failures in a row lock the account for 15 minutes."""
    now = now or utcnow()
    user = session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None or not user.active:
        passwords.verify_password(passwords.DUMMY_HASH, password)  # same time either way
        return SignInResult(None, "Email address or password is not right")
    locked_until = aware(user.locked_until)
    if locked_until and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        log.warning("sign-in refused for locked staff account %s", user.id)
        return SignInResult(
            None,
            f"This account is locked after too many wrong passwords. "
            f"Try again in {minutes} minutes or ask an admin.",
        )
    if not passwords.verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            log.warning("staff account %s locked after %d failed sign-ins", user.id, MAX_FAILURES)
            return SignInResult(
                None,
                "This account is locked after too many wrong passwords. "
                "Try again in 15 minutes or ask an admin.",
            )
        log.info("failed sign-in for staff account %s", user.id)
        return SignInResult(None, "Email address or password is not right")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_sign_in = now
    return SignInResult(user)


def set_password(*, session: Session, user: StaffUser, password: str) -> None:
    problems = passwords.password_problems(password, email=user.email)
    if problems:
        raise AccountError("; ".join(problems))
    user.password_hash = passwords.hash_password(password)
    session.execute(StaffSession.__table__.delete().where(StaffSession.user_id == user.id))


def start_session(*, session: Session, user: StaffUser) -> str:
    """Returns the raw session token for the cookie; the database keeps only its digest."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            expires_at=utcnow() + SESSION_LIFETIME,
        )
    )
    session.flush()
    return token


def load_session(*, session: Session, token: str) -> StaffSession | None:
    row = session.get(StaffSession, _digest(token))
    if row is None:
        return None
    if aware(row.expires_at) <= utcnow() or not row.user.active:
        session.delete(row)
        session.flush()
        return None
    return row


def end_session(*, session: Session, token: str) -> None:
    row = session.get(StaffSession, _digest(token))
    if row is not None:
        session.delete(row)


def create_api_token(*, session: Session, user: StaffUser, name: str) -> str:
    """Returns the raw token once; it cannot be shown again."""
    token = "lo_" + secrets.token_urlsafe(32)
    session.add(StaffApiToken(user_id=user.id, name=name.strip() or "API token", token_hash=_digest(token)))
    session.flush()
    return token


def user_for_api_token(*, session: Session, token: str) -> StaffUser | None:
    row = session.scalar(select(StaffApiToken).where(StaffApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user
