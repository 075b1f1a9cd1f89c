"""Home page and the sections whose content later parts of the portal fill in."""
from flask import Blueprint, render_template

from app import clock

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Return the home page: who the user is, the latest published news and where to go."""
    from app.services.news import latest

    return render_template("main/index.html", today=clock.to_vietnam(clock.utcnow()).date(), latest_news=latest(5))


def _section(title: str, lead: str):
    return render_template("main/section.html", title=title, lead=lead)


@bp.route("/progress")
def progress():
    """Return the reform plan progress page."""
    return _section("Tiến độ CCHC", "Kế hoạch CCHC, nhiệm vụ và tiến độ thực hiện của các đơn vị.")


@bp.route("/reports")
def reports():
    """Return the periodic reports page."""
    return _section("Báo cáo", "Báo cáo định kỳ về công tác CCHC của các đơn vị.")
