"""The Frågeanalys page as one service: version, scope, per-module figures and choices."""

from collections.abc import Iterable
from dataclasses import dataclass

from ..courses.languages import LANGUAGES
from ..models import Administration, CourseVersion
from . import question_analysis as analysis


@dataclass(frozen=True)
class QuestionAnalysisPage:
    """Everything the Frågeanalys page shows for one course version and scope."""

    version: CourseVersion
    administration: Administration | None
    modules: list[tuple[str, list[analysis.QuestionStat]]]
    versions: list[analysis.Choice]
    administrations: list[analysis.Choice]
    compared: list[analysis.Choice]  # other versions with figures for the same questions
    across_versions: dict[int, dict[int, analysis.VersionFigure]]  # question id → version id
    languages: list[tuple[str, str]]  # the version's languages (code, name), Swedish first
    by_language: dict[int, dict[str, analysis.LanguageFigure]]  # question id → language

    @property
    def version_name(self) -> str:
        """The chosen version as the page names it."""
        return next(choice.label for choice in self.versions if choice.id == self.version.id)


def question_analysis_page(
    course_slug: str,
    version_id: int | None,
    administration: Administration | None,
    within_reach: Iterable[int] | None,
) -> QuestionAnalysisPage | None:
    """The page for a version (None: the current one), or None when there is no such version.

    `administration` narrows the figures to one förvaltning already checked against reach;
    `within_reach` is the förvaltningar the person follows up (None: the whole city).
    """
    version = analysis.find_version(version_id, course_slug)
    if version is None:
        return None
    ids = [administration.id] if administration is not None else within_reach
    compared, across = analysis.across_versions(version, ids)
    languages = analysis.version_languages(version.id)
    return QuestionAnalysisPage(
        version=version,
        administration=administration,
        modules=analysis.by_module(analysis.question_analysis(version.id, ids)),
        versions=analysis.version_choices(version.course_id),
        administrations=analysis.administration_choices(within_reach),
        compared=compared,
        across_versions=across,
        languages=[(code, LANGUAGES[code]) for code in languages],
        by_language=analysis.by_language(version.id, languages, ids),
    )
