"""The home page."""
from flask import Blueprint, render_template
from flask_login import current_user

from app.services import home

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Return the home page for the user's roles: a focal point's unit tasks due and reports,
    an editor's drafts and articles awaiting review, the reform office's follow-up; for everyone
    the newest documents they may read and the latest news (``app.services.home``)."""
    return render_template("main/index.html", home=home.home_for(current_user), due_soon_days=home.DUE_SOON_DAYS)
