"""Database models. Import from here so every table is registered with the metadata."""
from app.models.accounts import (  # noqa: F401
    ADMIN,
    ALL_ROLES,
    EDITOR,
    READER,
    REPORTER,
    ROLE_LABELS,
    LoginFailure,
    Role,
    Unit,
    User,
    user_roles,
)
from app.models.reference import ReformField  # noqa: F401
