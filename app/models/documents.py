"""The document library: documents, their revisions, attachments, relations and citations."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.models.accounts import Unit, User
from app.models.ocr import OcrJob, OcrPageText
from app.models.reference import ReformField
from app.models.searchable import Searchable, SearchPart

CATEGORIES = {
    "legal": "Văn bản pháp luật",
    "reform": "Văn bản CCHC",
    "procedure": "Quy trình nội bộ",
}

# type name → (category, number code used in document numbers)
DOCUMENT_TYPES = {
    "Luật": ("legal", "L"),
    "Nghị định": ("legal", "NĐ"),
    "Thông tư": ("legal", "TT"),
    "Quyết định": ("legal", "QĐ"),
    "Chỉ thị": ("legal", "CT"),
    "Nghị quyết": ("legal", "NQ"),
    "Kế hoạch": ("reform", "KH"),
    "Báo cáo": ("reform", "BC"),
    "Thông báo": ("reform", "TB"),
    "Công văn": ("reform", "CV"),
    "Tờ trình": ("reform", "TTr"),
    "Hướng dẫn": ("reform", "HD"),
    "Quy trình": ("procedure", "QT"),
    "Quy chế": ("procedure", "QC"),
    "Quy định": ("procedure", "QyĐ"),
    "Biên bản": ("reform", "BB"),
    "Đơn": ("reform", "Đơn"),
    "Mẫu": ("reform", "Mẫu"),
    "Tờ khai": ("reform", "TK"),
    "Giấy đề nghị": ("reform", "GĐN"),
    "Phụ lục": ("legal", "PL"),  # an annex goes with its parent: imports give it the parent's category
    "Văn bản khác": ("reform", ""),  # a heading that names no type above
}

ANNEX_TYPE = "Phụ lục"
OTHER_TYPE = "Văn bản khác"

STATUSES = ["Còn hiệu lực", "Hết hiệu lực toàn bộ", "Hết hiệu lực một phần", "Chưa có hiệu lực"]

VISIBILITY_ALL, VISIBILITY_UNITS = "all", "units"

# relation type → (wording on the source document, wording on the target document)
RELATION_TYPES = {
    "amends": ("Sửa đổi, bổ sung", "Được sửa đổi, bổ sung bởi"),
    "replaces": ("Thay thế", "Bị thay thế bởi"),
    "repeals": ("Bãi bỏ", "Bị bãi bỏ bởi"),
    "repeals_part": ("Bãi bỏ một phần", "Bị bãi bỏ một phần bởi"),
    "guides": ("Hướng dẫn", "Được hướng dẫn bởi"),
    "based_on": ("Căn cứ", "Là căn cứ của"),
}
#: The annex relation is not a row of document_relations: an annex names its parent's number
#: (``Document.parent_number``) and is linked to whichever document holds that number, when it arrives.
ANNEX_WORDING = ("Là phụ lục của", "Có phụ lục")

document_fields = Table(
    "document_fields",
    db.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("reform_fields.id"), primary_key=True),
)

document_units = Table(
    "document_units",
    db.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class Document(Searchable, db.Model):
    """A legal text, reform document or internal procedure with its official metadata.

    Deleting sets ``deleted_at``: the document disappears everywhere, its revisions stay.
    ``version`` guards against two people saving over each other.
    """

    __tablename__ = "documents"
    search_kind = "document"
    __table_args__ = (
        Index("ix_documents_number_issuer", "number_key", "issuer"),
        Index("ix_documents_issued_on", "issued_on"),
        Index("ix_documents_parent_key", "parent_key"),
        Index("ix_documents_content_hash", "content_hash"),
        Index("ix_documents_source_key", "source_key"),
        Index("ix_documents_effective_on", "effective_on"),
        Index("ix_documents_expires_on", "expires_on"),
        # The library's default order (newest first): a page of the list or the home page's latest
        # documents walks this index instead of sorting every live document (50 ms at 20,000).
        Index("ix_documents_listing", text("(issued_on IS NULL)"), text("issued_on DESC"), text("id DESC"),
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        # The list filters' issuers and years, with the columns that decide who may read a document:
        # read from the index alone, not from the wide rows.
        Index("ix_documents_issuer_readers", "issuer", "visibility", "created_by_id", "id",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("ix_documents_issued_readers", "issued_on", "visibility", "created_by_id", "id",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20), index=True)
    doc_type: Mapped[str] = mapped_column(String(60), index=True)
    number: Mapped[str | None] = mapped_column(String(100))
    number_key: Mapped[str | None] = mapped_column(String(100))
    number_sort: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(1000))
    title_sort: Mapped[str] = mapped_column(String(400))
    summary: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(255), default="", index=True)
    signer: Mapped[str] = mapped_column(String(255), default="")
    signer_title: Mapped[str] = mapped_column(String(255), default="", server_default="")
    issued_on: Mapped[date | None]
    effective_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    gazette_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    gazette_on: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(10), default=VISIBILITY_ALL)
    # An annex (Phụ lục): the number of the document it comes with, as written and as a key, and its
    # place among that document's annexes (2 for 'Phụ lục II'); None for other documents.
    parent_number: Mapped[str | None] = mapped_column(String(100))
    parent_key: Mapped[str | None] = mapped_column(String(100))
    annex_position: Mapped[int | None]
    # What a folder import recognises a file by: the SHA-256 of its text and of its path.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    source_key: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    fields: Mapped[list[ReformField]] = relationship(secondary=document_fields, order_by=ReformField.position,
                                                     lazy="selectin")
    units: Mapped[list[Unit]] = relationship(secondary=document_units, order_by=Unit.code, lazy="selectin")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="document", order_by="Attachment.id",
                                                         cascade="all, delete-orphan")
    revisions: Mapped[list[DocumentRevision]] = relationship(back_populates="document",
                                                             order_by="DocumentRevision.version.desc()",
                                                             cascade="all, delete-orphan")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    @property
    def is_restricted(self) -> bool:
        return self.visibility == VISIBILITY_UNITS

    @property
    def display_name(self) -> str:
        """``Nghị định 107/2021/NĐ-CP`` or the title when there is no number."""
        return f"{self.doc_type} {self.number}" if self.number else self.title

    @property
    def is_annex(self) -> bool:
        return self.doc_type == ANNEX_TYPE

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.number!r}>"


class DocumentRevision(db.Model):
    """A snapshot of a document after one change (create, update, delete, attachment, relation)."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "version", name="uq_document_revisions_document_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    snapshot: Mapped[dict] = mapped_column(JSON)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="revisions")
    changed_by: Mapped[User | None] = relationship()


class StoredFileColumns:
    """The columns of an accepted upload kept under ``UPLOAD_DIR`` (see ``app.services.uploads``):
    the user's file name, the generated stored name, type, size, checksum, kind and extracted text."""

    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(Text)


class Attachment(StoredFileColumns, SearchPart, db.Model):
    """A file stored under ``UPLOAD_DIR`` with a generated name; ``text`` is what was extracted."""

    __tablename__ = "attachments"
    search_parent = ("document", "document_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # OCR (app.services.library.ocr): 'ocr' when ``text`` was recognised page by page (the pages are
    # ocr_pages rows), else None; the stored name of the searchable copy (text layer added), if made.
    text_source: Mapped[str | None] = mapped_column(String(10))
    searchable_name: Mapped[str | None] = mapped_column(String(80), unique=True)

    document: Mapped[Document] = relationship(back_populates="attachments")
    ocr_job: Mapped[OcrJob | None] = relationship(back_populates="attachment", cascade="all, delete-orphan")
    ocr_pages: Mapped[list[OcrPageText]] = relationship(order_by="OcrPageText.number", cascade="all, delete-orphan")


class DocumentRelation(db.Model):
    """A typed, directed relation: ``source`` amends/replaces/repeals/guides/is based on ``target``."""

    __tablename__ = "document_relations"
    __table_args__ = (
        UniqueConstraint("source_id", "target_id", "relation_type", name="uq_document_relations_triple"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    relation_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Document] = relationship(foreign_keys=[source_id])
    target: Mapped[Document] = relationship(foreign_keys=[target_id])

    @property
    def source_wording(self) -> str:
        return RELATION_TYPES[self.relation_type][0]

    @property
    def target_wording(self) -> str:
        return RELATION_TYPES[self.relation_type][1]


class Citation(db.Model):
    """A document number mentioned in some text of the portal (``source_kind``/``source_id``).

    Stored by number key, so a document added later is cited by texts written earlier.
    """

    __tablename__ = "citations"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_id", "number_key", name="uq_citations_source_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int]
    number_key: Mapped[str] = mapped_column(String(100), index=True)
