"""Fixtures for the route tests of the plan area."""
import pytest

from tests.plan_world import build_world


@pytest.fixture
def world(app, make_user, make_unit):
    """Units, users of every role and a plan with tasks (see ``tests/plan_world.py``)."""
    return build_world(app, make_user, make_unit)
