"""Database models. Import from here so every table is registered with the metadata."""
from app.models.accounts import (  # noqa: F401
    ADMIN,
    ALL_ROLES,
    EDITOR,
    PUBLISHER,
    READER,
    REPORTER,
    ROLE_LABELS,
    LoginFailure,
    Role,
    Unit,
    User,
    UserSession,
    user_roles,
)
from app.models.audit import AuditEntry  # noqa: F401,E402
from app.models.documents import (  # noqa: F401,E402
    ANNEX_TYPE,
    ANNEX_WORDING,
    CATEGORIES,
    DOCUMENT_TYPES,
    OTHER_TYPE,
    RELATION_TYPES,
    STATUSES,
    VISIBILITY_ALL,
    VISIBILITY_UNITS,
    Attachment,
    Citation,
    Document,
    DocumentRelation,
    DocumentRevision,
    document_fields,
    document_units,
)
from app.models.news import (  # noqa: F401,E402
    ARTICLE_STATUSES,
    Article,
    ArticleImage,
    ArticleRevision,
    article_fields,
)
from app.models.notify import (  # noqa: F401,E402
    DocumentFollow,
    MailOutbox,
    Notification,
    NotificationClaim,
    NotificationPreference,
    ReminderLog,
)
from app.models.ocr import JOB_STATUSES, OcrJob, OcrPageText  # noqa: F401,E402
from app.models.outbox import DatabaseIdentity, IndexChange, UpkeepMark  # noqa: F401,E402
from app.models.plans import (  # noqa: F401,E402
    DELAYED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    PERIOD_KINDS,
    TASK_STATES,
    TASK_STATUSES,
    Plan,
    ProgressAttachment,
    ProgressUpdate,
    ReportPeriod,
    ReportVersion,
    Task,
    UnitReport,
    task_units,
)
from app.models.reference import ReformField  # noqa: F401
