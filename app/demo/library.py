"""Demo library: the documents the seed articles name, their relations, and the demo's Word files
(app/demo/documents.py: a procedure and two unit reports, one typed in TCVN3), written at load time
and read like any upload."""
from __future__ import annotations

from datetime import date

from app import ingest
from app.demo.documents import PROCEDURE, QUARTERLY_REPORT, SIX_MONTH_REPORT, demo_files
from app.extensions import db
from app.models import Document, ReformField, Unit
from app.services import uploads
from app.services.library import documents as library
from app.services.library import importer

# number, type, issuer, signer, issued, effective, status, fields (positions), title, body
DEMO_DOCUMENTS = [
    ("61/2018/NĐ-CP", "Nghị định", "Chính phủ", "Nguyễn Xuân Phúc", date(2018, 4, 23), date(2018, 6, 21),
     "Còn hiệu lực", [3],
     "Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
     ("Nghị định này quy định về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục "
     "hành chính (TTHC) cho tổ chức, cá nhân.\nBộ phận Một cửa là tên gọi chung của Bộ phận tiếp nhận và "
     "trả kết quả giải quyết thủ tục hành chính.")),
    ("107/2021/NĐ-CP", "Nghị định", "Chính phủ", "Phạm Minh Chính", date(2021, 12, 6), date(2021, 12, 6),
     "Còn hiệu lực", [3, 7],
     ("Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về "
     "thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính"),
     ("Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện "
     "cơ chế một cửa, một cửa liên thông trong giải quyết TTHC.\nĐẩy mạnh số hóa hồ sơ, kết quả giải quyết "
     "thủ tục hành chính và tiếp nhận hồ sơ trực tuyến.")),
    ("02/2017/TT-VPCP", "Thông tư", "Văn phòng Chính phủ", "Mai Tiến Dũng", date(2017, 10, 31), date(2017, 12, 15),
     "Còn hiệu lực", [3], "Hướng dẫn về nghiệp vụ kiểm soát thủ tục hành chính",
     ("Thông tư hướng dẫn nghiệp vụ kiểm soát thủ tục hành chính, đánh giá tác động của thủ tục hành chính "
     "và công bố, công khai thủ tục hành chính.")),
    ("01/2018/TT-VPCP", "Thông tư", "Văn phòng Chính phủ", "Mai Tiến Dũng", date(2018, 11, 23), date(2019, 1, 7),
     "Còn hiệu lực", [3],
     ("Hướng dẫn thi hành một số quy định của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ "
     "về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính"),
     ("Thông tư hướng dẫn thi hành Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông "
     "trong giải quyết TTHC: mẫu phiếu, sổ theo dõi và đánh giá việc giải quyết thủ tục hành chính.")),
    ("2337/KH-TTCP", "Kế hoạch", "Thanh tra Chính phủ", "", None, None, None, [1, 2, 3, 4, 5, 6, 7],
     "Kế hoạch cải cách hành chính năm 2022 của Thanh tra Chính phủ",
     ("Kế hoạch xác định 40 nhiệm vụ trên 7 lĩnh vực CCHC: công tác chỉ đạo, điều hành CCHC; xây dựng, hoàn "
     "thiện thể chế; cải cách thủ tục hành chính (TTHC); cải cách tổ chức bộ máy; cải cách chế độ công vụ; "
     "cải cách tài chính công; xây dựng Chính phủ điện tử, Chính phủ số.\nCác vụ, cục, đơn vị thuộc TTCP "
     "xây dựng kế hoạch CCHC của đơn vị bám sát Kế hoạch này và báo cáo kết quả định kỳ.")),
    ("1298/TB-TTCP", "Thông báo", "Thanh tra Chính phủ", "", date(2019, 8, 2), None, None, [1, 7],
     "Thông báo kết luận về việc sử dụng phần mềm quản lý văn bản và điều hành tác nghiệp",
     ("Lãnh đạo Thanh tra Chính phủ sử dụng chữ ký số đối với văn bản trên phần mềm quản lý văn bản và điều "
     "hành tác nghiệp gửi đến các bộ, ban, ngành.")),
    ("3567/QĐ-UBND", "Quyết định", "UBND tỉnh Quảng Nam", "", date(2022, 12, 27), date(2022, 12, 27),
     "Còn hiệu lực", [7], "Phê duyệt Kiến trúc ICT phát triển đô thị thông minh tỉnh Quảng Nam",
     ("Phê duyệt Kiến trúc ICT phát triển đô thị thông minh tỉnh Quảng Nam, phục vụ xây dựng và phát triển "
     "chính quyền điện tử, chính quyền số.")),
    ("1171/QĐ-UBND", "Quyết định", "UBND tỉnh Quảng Nam", "", date(2024, 5, 16), date(2024, 5, 16),
     "Còn hiệu lực", [1],
     "Quy định trách nhiệm người đứng đầu các cơ quan hành chính nhà nước trong thực hiện cải cách hành chính",
     ("Quy định trách nhiệm người đứng đầu các cơ quan hành chính nhà nước trên địa bàn tỉnh Quảng Nam trong "
     "thực hiện cải cách hành chính, triển khai Nghị quyết số 16-NQ/TU ngày 14/10/2021 của Tỉnh ủy.")),
    ("16-NQ/TU", "Nghị quyết", "Tỉnh ủy Quảng Nam", "", date(2021, 10, 14), date(2021, 10, 14), "Còn hiệu lực",
     [1], "Về đẩy mạnh cải cách hành chính trên địa bàn tỉnh Quảng Nam",
     "Nghị quyết của Tỉnh ủy Quảng Nam về đẩy mạnh cải cách hành chính, phát huy vai trò người đứng đầu."),
]

# number → the signer's title (chức vụ người ký)
SIGNER_TITLES = {
    "61/2018/NĐ-CP": "Thủ tướng",
    "107/2021/NĐ-CP": "Thủ tướng",
    "02/2017/TT-VPCP": "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
    "01/2018/TT-VPCP": "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
}

DEMO_RELATIONS = [
    ("107/2021/NĐ-CP", "amends", "61/2018/NĐ-CP"),
    ("01/2018/TT-VPCP", "guides", "61/2018/NĐ-CP"),
    ("1171/QĐ-UBND", "based_on", "16-NQ/TU"),
]

# demo Word file, visibility (None = all staff, else unit codes)
DEMO_SAMPLES = [
    (PROCEDURE, None),
    (QUARTERLY_REPORT, ["VPC", "KHTCTH"]),
    (SIX_MONTH_REPORT, None),
]


def load_demo_documents() -> list[str]:
    """Add the demo documents, relations and Word files if missing; return lines to print."""
    fields_by_position = {f.position: f.id for f in db.session.scalars(db.select(ReformField))}
    created = 0
    for number, doc_type, issuer, signer, issued, effective, status, fields, title, body in DEMO_DOCUMENTS:
        if library.find_by_number(number, issuer) is not None:
            continue
        library.create_document(library.DocumentData(
            category="legal" if doc_type in ("Nghị định", "Thông tư", "Quyết định", "Nghị quyết") else "reform",
            doc_type=doc_type, number=number, title=title, issuer=issuer, signer=signer,
            signer_title=SIGNER_TITLES.get(number, ""), issued_on=issued,
            effective_on=effective, status=status, field_ids=[fields_by_position[p] for p in fields], body=body,
        ), None)
        created += 1
    for source, relation_type, target in DEMO_RELATIONS:
        source_doc, target_doc = library.find_by_number(source), library.find_by_number(target)
        try:
            library.add_relation(source_doc, target_doc, relation_type, None)
        except library.DocumentError:
            pass  # already there
    lines = [f"Văn bản: {len(DEMO_DOCUMENTS)} văn bản nêu trong các bài viết ({created} mới)."]
    lines += _load_samples()
    return lines


def _already_loaded(data: library.DocumentData) -> bool:
    if data.number:
        return library.find_by_number(data.number, data.issuer) is not None
    return db.session.scalar(db.select(Document.id).where(
        Document.title == data.cleaned().title, Document.deleted_at.is_(None))) is not None


def _load_samples() -> list[str]:
    """Write the demo's Word files into a temporary folder and add each as a library document read
    from its official header, unless a document with its number and issuer exists; return lines to
    print (a file refused by the upload checks is reported, not raised)."""
    units = {u.code: u.id for u in db.session.scalars(db.select(Unit))}
    lines = []
    with demo_files() as paths:
        for name, unit_codes in DEMO_SAMPLES:
            try:
                stored = uploads.accept_path(paths[name], name, allowed=("docx",))
            except ingest.IngestError as exc:
                lines.append(f"  {name}: {exc}")
                continue
            data = importer.data_from_docx(stored)
            if _already_loaded(data):
                stored.discard()
                continue
            if unit_codes:
                data.visibility, data.unit_ids = "units", [units[c] for c in unit_codes if c in units]
            document = library.create_document(data, None, [stored])
            scope = "mọi người" if not unit_codes else "chỉ " + ", ".join(unit_codes)
            lines.append(f"  tệp Word {name} → {document.display_name} ({scope})")
    return lines
