"""Follow-up: who has completed the course, per team, enhet and förvaltning."""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/uppfoljning")


@bp.context_processor
def chart_helpers() -> dict:
    """Charts for the follow-up templates (drawn as SVG by the app)."""
    from .charts import bar_chart, line_chart, responsive_bar_chart, responsive_line_chart
    from .services import share_bars

    return {
        "bar_chart": bar_chart,
        "line_chart": line_chart,
        "responsive_bar_chart": responsive_bar_chart,
        "responsive_line_chart": responsive_line_chart,
        "share_bars": share_bars,
    }


from . import views  # noqa: E402,F401
