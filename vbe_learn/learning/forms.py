"""Forms of the learner's pages; the knowledge-check form is built per attempt."""

from flask_babel import lazy_gettext
from wtforms import RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import SwedishForm
from ..courses.languages import LANGUAGES
from ..courses.question_kinds import kind_named

UNANSWERED = lazy_gettext("Svara på frågan.")
NOT_AN_OPTION = lazy_gettext("Välj bland frågans svarsalternativ.")


class AttemptForm(SwedishForm):
    """The answers of one attempt: a field per question shown, named q<question id>."""

    def chosen_options(self) -> dict[int, set[int]]:
        """{question id: chosen option ids} from the validated fields."""
        chosen = {}
        for name, field in self._fields.items():
            if name.startswith("q"):
                values = field.data if isinstance(field.data, list) else [field.data]
                chosen[int(name[1:])] = {int(v) for v in values}
        return chosen

    def unexpected_fields(self, submitted: list[str]) -> set[str]:
        """Submitted field names that the form does not have (e.g. score, user_id)."""
        return set(submitted) - set(self._fields)


def attempt_form(shown) -> AttemptForm:
    """Build and instantiate the form for [(question, options in shown order), …]."""

    class Form(AttemptForm):
        pass

    for question, options in shown:
        choices = [SelectChoice(str(o.id), o.text) for o in options]
        if kind_named(question.kind).input_type == "checkbox":
            field = SelectMultipleField(
                question.prompt,
                choices=choices,
                widget=ListWidget(prefix_label=False),
                option_widget=CheckboxInput(),
                validators=[InputRequired(UNANSWERED)],
                invalid_choice_message=NOT_AN_OPTION,
            )
        else:
            field = RadioField(
                question.prompt,
                choices=choices,
                validators=[InputRequired(UNANSWERED)],
                invalid_choice_message=NOT_AN_OPTION,
            )
        setattr(Form, f"q{question.id}", field)
    return Form()


class CourseLanguageForm(SwedishForm):
    """The learner's course language (Min utbildning, "Byt språk")."""

    language = RadioField(
        lazy_gettext("Vilket språk vill du läsa kursen på?"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validators=[InputRequired(lazy_gettext("Välj ett språk."))],
        invalid_choice_message=lazy_gettext("Välj ett av språken i listan."),
    )
