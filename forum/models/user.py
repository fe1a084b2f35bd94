"""Members, their API tokens and their standing (role, trust, suspension)."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40))
    # Lower-cased username, unique, so "Maple" and "maple" cannot both exist.
    username_key: Mapped[str] = mapped_column(String(40), unique=True)
    # None once the account is deleted; never shown to other members.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member")
    onset: Mapped[str | None] = mapped_column(String(20))
    condition: Mapped[str | None] = mapped_column(String(20))
    symptom: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    # Second level of onset (a detail of the family in `onset`), ME/CFS severity, years ill.
    onset_detail: Mapped[str | None] = mapped_column(String(20))
    severity: Mapped[str | None] = mapped_column(String(20))
    years_ill: Mapped[str | None] = mapped_column(String(20))
    # What a new experience's visibility and share_profile choices start as.
    default_visibility: Mapped[str] = mapped_column(
        String(10), default="public", server_default="public"
    )
    default_share_profile: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Moved by a commit that changed only what this member's own kept pages show (their
    # notifications, their pending stories) and not the content version.
    page_revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Approvals since the last rejection or hide; trust is reached at TRUST_THRESHOLD.
    approvals_toward_trust: Mapped[int] = mapped_column(default=0)
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(String(500))
    # Part of the login id: rotating it signs out every session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # When the member opened the verification link sent to `email`; None until then (and
    # again after an e-mail change). Unverified addresses get only account mail.
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.deleted_at is None

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def profile(self) -> dict[str, str | None]:
        return {
            "onset": self.onset,
            "condition": self.condition,
            "symptom": self.symptom,
            "age_band": self.age_band,
            "onset_detail": self.onset_detail,
            "severity": self.severity,
            "years_ill": self.years_ill,
        }

    def is_suspended(self, now: datetime | None = None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (now or utcnow())


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
