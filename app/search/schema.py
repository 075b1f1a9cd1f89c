"""The one index over all content (documents, news, progress updates, unit reports)."""
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema

from app.search.analysis import ANALYZER_VERSION, SyllableField

# Bumped whenever fields change; with the analyzer version it decides whether the index is current.
SCHEMA_VERSION = 5  # 5: syllables as written (accents kept) with positions in text and title; task state
INDEX_FORMAT = f"schema-{SCHEMA_VERSION}/analysis-{ANALYZER_VERSION}"

KINDS = {
    "document": "Văn bản",
    "news": "Tin tức",
    "progress": "Tiến độ nhiệm vụ",
    "report": "Báo cáo đơn vị",
}


def make_schema() -> Schema:
    """Return the Whoosh schema. Text and title hold syllables as written (lower case, one tone
    convention, accents kept) with their positions: a syllable typed without accents is
    matched through every accented form the index holds (``arrays.SegmentArrays.variants``),
    phrases and adjacent pairs through positions (``engine``)."""
    return Schema(
        uid=ID(unique=True, stored=True),          # "document:42"
        kind=ID(stored=True),
        record_id=STORED(),
        title=SyllableField(positions=True),
        content=SyllableField(positions=True),  # number, type, title, summary, body, attachments' text
        number=KEYWORD(stored=True, lowercase=False, commas=True),  # number keys and their prefixes
        number_display=STORED(),
        category=ID(),
        doc_type=ID(),
        issuer=ID(stored=True),
        fields=KEYWORD(commas=True),               # reform field ids
        year=ID(),
        status=ID(),                               # validity of a document (Còn hiệu lực…)
        state=ID(),                                # state of a task in a progress update
        unit=ID(),                                 # owning unit code (progress, reports)
        period=ID(),
        date=NUMERIC(stored=True, bits=32, signed=False, sortable=True),  # yyyymmdd
        access=KEYWORD(),                          # "all", "unit:3", "user:7": who may read it
        # Minutes since 1970 (UTC) from which / until which a record may be shown (news
        # scheduling and expiry); 0 = no limit. Checked against the clock at query time.
        live_from=NUMERIC(bits=32, signed=False, sortable=True, default=0),
        live_until=NUMERIC(bits=32, signed=False, sortable=True, default=0),
        version=STORED(),                          # the record's version, to detect stale entries
    )
