"""The home page."""
from flask import Blueprint, render_template

from app import clock
from app.services.news.articles import latest

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Return the home page: who the user is, the latest published news and where to go."""
    return render_template("main/index.html", today=clock.to_vietnam(clock.utcnow()).date(), latest_news=latest(5))
