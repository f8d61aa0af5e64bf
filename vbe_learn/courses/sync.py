"""Load checked course specs into the database; a content change makes a new version.

The Swedish text goes into the content rows; each language variant that has every file
(CourseSpec.complete_languages) goes into the *_texts rows of the same content rows."""

import logging

from sqlalchemy import select

from ..core.extensions import db
from ..models import (
    Course,
    CourseVersion,
    CourseVersionText,
    Module,
    ModuleText,
    Option,
    OptionText,
    Page,
    PageText,
    Question,
    QuestionText,
)
from .files import CourseSpec, ModuleSpec

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
    languages = spec.complete_languages()
    version.texts = [
        CourseVersionText(
            language=language,
            title=spec.texts[language].title,
            description=spec.texts[language].description,
        )
        for language in languages
    ]
    db.session.add(version)
    for module_spec in spec.modules:
        module = Module(
            version=version,
            position=module_spec.position,
            slug=module_spec.slug,
            title=module_spec.title,
            summary=module_spec.summary,
            estimated_minutes=module_spec.estimated_minutes,
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
        _add_texts(module, module_spec, languages)
    db.session.flush()
    return version


def _add_texts(module: Module, spec: ModuleSpec, languages: list[str]) -> None:
    """The module's text rows in each variant language (its rows are built from the spec in
    the same order, so they pair with the spec's pages, questions and options)."""
    module.texts = [
        ModuleText(
            language=language,
            title=spec.texts[language].title,
            summary=spec.texts[language].summary,
            estimated_minutes=spec.minutes[language],
        )
        for language in languages
    ]
    for page, page_spec in zip(module.pages, spec.pages, strict=True):
        page.texts = [
            PageText(
                language=language,
                title=variant.title,
                html=variant.html,
                source_note=variant.source_note,
                word_count=variant.word_count,
            )
            for language in languages
            for variant in [page_spec.variants[language]]
        ]
    for question, question_spec in zip(module.questions, spec.questions, strict=True):
        question.texts = [
            QuestionText(language=language, prompt=text.prompt, scenario=text.scenario)
            for language in languages
            for text in [question_spec.variants[language]]
        ]
        for number, option in enumerate(question.options):
            option.texts = [
                OptionText(
                    language=language,
                    text=question_spec.variants[language].options[number].text,
                    feedback=question_spec.variants[language].options[number].feedback,
                )
                for language in languages
            ]
