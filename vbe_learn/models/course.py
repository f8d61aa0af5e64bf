"""Course content as loaded from courses/: versions never change once stored.

The Swedish text (the source) is in the content tables' own columns. A language variant
(lättläst svenska, English) is text only: one row per (content row, language) in the
*_texts tables, so a page or an option is the same row (the same id) in every language and
progress and answers are shared. A version holds a variant language exactly when it has a
course_version_texts row for it (`courses sync` loads a language only when every file of it
is there)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from .types import UTCDateTime, utcnow, version_label


class Course(db.Model):
    """A course, identified by its folder name under courses/."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True)
    )

    current_version: Mapped["CourseVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class CourseVersion(db.Model):
    """One content state of a course, named by the SHA-256 of its files."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int] = mapped_column(Integer)
    questions_per_check: Mapped[int] = mapped_column(Integer)
    validity_years: Mapped[int] = mapped_column(Integer)
    # Set by `flask courses require-renewal`: from this day, completions of older versions
    # no longer count (their holders are "Ska förnyas").
    renewal_required_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # loaded at

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    modules: Mapped[list["Module"]] = relationship(
        back_populates="version", order_by="Module.position"
    )
    texts: Mapped[list["CourseVersionText"]] = relationship(order_by="CourseVersionText.language")

    @property
    def label(self) -> str:
        """The version as people read it: the month it was loaded ("december 2026")."""
        return version_label(self.created_at or utcnow())


class Module(db.Model):
    """A module of a course version: pages followed by a knowledge check."""

    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    estimated_minutes: Mapped[int] = mapped_column(Integer)

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    pages: Mapped[list["Page"]] = relationship(order_by="Page.position")
    questions: Mapped[list["Question"]] = relationship(order_by="Question.position")
    texts: Mapped[list["ModuleText"]] = relationship()


class Page(db.Model):
    """A page of a module, stored as sanitised HTML rendered at sync time."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("module_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    html: Mapped[str] = mapped_column(Text)
    source_note: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)

    texts: Mapped[list["PageText"]] = relationship()


class Question(db.Model):
    """A question in a module's bank; `key` is the stable id from questions.yaml."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    prompt: Mapped[str] = mapped_column(Text)
    scenario: Mapped[str] = mapped_column(Text, default="")

    options: Mapped[list["Option"]] = relationship(order_by="Option.position")
    texts: Mapped[list["QuestionText"]] = relationship()


class Option(db.Model):
    """An answer option with the feedback that explains it."""

    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[str] = mapped_column(Text)

    texts: Mapped[list["OptionText"]] = relationship()


class CourseVersionText(db.Model):
    """A course version's title and description in a variant language."""

    __tablename__ = "course_version_texts"

    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class ModuleText(db.Model):
    """A module's title, summary and estimated time (at that language's reading speed) in a
    variant language."""

    __tablename__ = "module_texts"

    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    estimated_minutes: Mapped[int] = mapped_column(Integer)


class PageText(db.Model):
    """A page in a variant language (sanitised HTML rendered at sync time)."""

    __tablename__ = "page_texts"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    html: Mapped[str] = mapped_column(Text)
    source_note: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)


class QuestionText(db.Model):
    """A question's prompt and scenario in a variant language."""

    __tablename__ = "question_texts"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    prompt: Mapped[str] = mapped_column(Text)
    scenario: Mapped[str] = mapped_column(Text, default="")


class OptionText(db.Model):
    """An answer option's text and feedback in a variant language."""

    __tablename__ = "option_texts"

    option_id: Mapped[int] = mapped_column(ForeignKey("options.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(20), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str] = mapped_column(Text)
