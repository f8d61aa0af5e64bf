"""Load checked course specs into the database; a content change makes a new version."""

import logging

from sqlalchemy import select

from ..core.extensions import db
from ..models import Course, CourseVersion, Module, Option, Page, Question
from .files import CourseSpec

log = logging.getLogger(__name__)


def sync_course(spec: CourseSpec) -> tuple[CourseVersion, bool]:
    """Make the spec's content the course's current version; return (version, created)."""
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    if course is None:
        course = Course(slug=spec.slug)
        db.session.add(course)
        db.session.flush()
    version = db.session.scalar(
        select(CourseVersion).where(
            CourseVersion.course_id == course.id,
            CourseVersion.content_hash == spec.content_hash,
        )
    )
    created = version is None
    if created:
        version = _store_version(course, spec)
    course.current_version_id = version.id
    db.session.flush()
    log.info("course %s: version %s (%s)", spec.slug, version.label, "new" if created else "kept")
    return version, created


def _store_version(course: Course, spec: CourseSpec) -> CourseVersion:
    settings = spec.settings
    version = CourseVersion(
        course_id=course.id,
        content_hash=spec.content_hash,
        title=spec.title,
        description=spec.description,
        pass_mark=settings["pass_mark"],
        questions_per_check=settings["questions_per_check"],
        validity_years=settings["validity_years"],
    )
    db.session.add(version)
    for module_spec in spec.modules:
        module = Module(
            version=version,
            position=module_spec.position,
            slug=module_spec.slug,
            title=module_spec.title,
            summary=module_spec.summary,
            estimated_minutes=module_spec.estimated_minutes,
            discuss_prompts=module_spec.discuss,
        )
        db.session.add(module)
        module.pages = [
            Page(
                position=page.position,
                slug=page.slug,
                title=page.title,
                html=page.html,
                source_note=page.source_note,
                word_count=page.word_count,
            )
            for page in module_spec.pages
        ]
        module.questions = [
            Question(
                position=position,
                key=question.key,
                kind=question.kind,
                prompt=question.prompt,
                scenario=question.scenario,
                options=[
                    Option(position=i, text=o.text, is_correct=o.is_correct, feedback=o.feedback)
                    for i, o in enumerate(question.options)
                ],
            )
            for position, question in enumerate(module_spec.questions)
        ]
    db.session.flush()
    return version
