"""Reference data created by migrations: the 7 reform fields (lĩnh vực CCHC)."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ReformField(db.Model):
    """One of the 7 administrative-reform fields; ``position`` is its official order."""

    __tablename__ = "reform_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
