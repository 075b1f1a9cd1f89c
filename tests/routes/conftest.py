"""Fixtures shared by the route tests."""
import pytest

from tests.helpers import logged_in
from tests.plan_world import build_world


@pytest.fixture
def world(app, make_user, make_unit):
    """Units, users of every role and a plan with tasks (see ``tests/plan_world.py``)."""
    return build_world(app, make_user, make_unit)


@pytest.fixture
def editor(app, make_user):
    """A logged-in client of the library editor ``bientap`` (unit VP)."""
    make_user("bientap", roles=["editor"], unit="VP")
    return logged_in(app, "bientap")
