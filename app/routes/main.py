"""Home page and the sections whose content later parts of the portal fill in."""
from flask import Blueprint, render_template

from app import clock

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Return the home page: who the user is and where to go."""
    return render_template("main/index.html", today=clock.to_vietnam(clock.utcnow()).date())


def _section(title: str, lead: str):
    return render_template("main/section.html", title=title, lead=lead)


@bp.route("/news")
def news():
    """Return the reform news page."""
    return _section("Tin tức", "Tin tức, bài tuyên truyền cải cách hành chính.")
