"""The service's tables: accounts, submissions, graded results, tokens, the audit log.

A submission row is written (file, sha256, time, attempt number) before its job is
queued, so a broker that loses the job loses nothing: the row is still ``queued`` and the
sweeper queues it again. The result of grading a file is keyed by what determines it,
(file sha256, item, hidden suite fingerprint), in ``grades``; grading the same key twice
(a worker killed after it wrote, a job delivered twice) finds the row and grades nothing.
``changes`` is an append-only log of every submission's state changes: the live pages
read it in order (its id is the server-sent event's id), whichever process wrote it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # "student" | "instructor"
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    #: sha256 of the one-time sign-up token (never the token itself); None once used.
    signup_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    signup_expires: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Grade(Base):
    """One graded file: the engine's result for (sha256, item, suite)."""

    __tablename__ = "grades"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    item: Mapped[str] = mapped_column(String(100), primary_key=True)
    suite: Mapped[str] = mapped_column(String(64), primary_key=True)
    result: Mapped[str] = mapped_column(Text)  # ItemResult.to_json(detail=True)
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    graded_by: Mapped[str] = mapped_column(String(200), default="")  # the host and process that ran it


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "item", "attempt"),
        Index("ix_submissions_status_queued", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item: Mapped[str] = mapped_column(String(100))
    attempt: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    #: Whole days past the deadline when it was submitted (0 on time).
    days_late: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # "queued" | "graded"
    #: The suite fingerprint the job is for; with the sha and item it keys ``grades``.
    suite: Mapped[str] = mapped_column(String(64), default="")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    #: How many times the job was handed to a grader (1, or more after a requeue or regrade).
    dispatches: Mapped[int] = mapped_column(Integer, default=0)
    #: Regrade: run the engine even when ``grades`` holds the key.
    force: Mapped[bool] = mapped_column(Boolean, default=False)
    graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: How many times a result was written to this row: one per grading (a regrade adds one).
    writes: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float, default=None)  # after the late penalty
    max_score: Mapped[float] = mapped_column(Float, default=0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class Change(Base):
    """A submission changed (stored, graded, queued again): what the live pages stream."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "queued" | "graded"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class RefreshToken(Base):
    """A refresh token's record: each is used once; using one twice revokes its family."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    family: Mapped[str] = mapped_column(String(64), index=True)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    """One instructor action (roster import, regrade, export...): who, what, when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
