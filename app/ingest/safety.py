"""Upload checks: is this file what its name says, and is it safe to open?

Everything here works on a file already saved to a (temporary) path and never modifies it.
Refusals are raised as :class:`IngestError` whose ``str()`` is a Vietnamese message for the user
(what is wrong and what to do); ``exc.code`` is a short machine-readable reason.

Zip containers (.docx and the other Office Open XML / OpenDocument formats) are judged from the
zip *central directory* before anything is decompressed (total declared size, per-member
compression ratio, member count, member names, nested archives, macros). Declared sizes can be
lies, so every member that is read afterwards goes through :func:`read_member`, which streams
and stops at a hard cap whatever the directory says.
"""
from __future__ import annotations

import os
import posixpath
import zipfile
import zlib
from dataclasses import dataclass

from lxml import etree

from app.errors import Invalid

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
#: Zip limits (all checked from the central directory, before decompressing anything).
MAX_TOTAL_UNCOMPRESSED = 200 * MB
MAX_MEMBERS = 2000
MAX_RATIO = 100
RATIO_MIN_SIZE = 1 * MB  # the ratio rule applies only to members larger than this
#: Cap for small package parts read during the check ([Content_Types].xml, _rels/.rels).
SMALL_PART_CAP = 2 * MB

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a normal zip, or an empty one

CT_DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_DOTX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

#: Extensions of macro-enabled Office files (refused everywhere).
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppsm", ".ppam", ".sldm"}
#: Programs, scripts and active web content: never stored, whatever ``allowed`` says.
DANGEROUS_EXTENSIONS = {
    ".exe", ".dll", ".com", ".scr", ".msi", ".msp", ".bat", ".cmd", ".pif", ".cpl", ".jar", ".js", ".jse",
    ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".psm1", ".sh", ".hta", ".lnk", ".reg", ".html", ".htm",
    ".xhtml", ".shtml", ".svg", ".mht", ".mhtml", ".url", ".chm", ".php", ".asp", ".aspx", ".jsp", ".py", ".apk",
    ".iso", ".img",
}
#: Zip-based formats whose package is checked for bombs and macros even when stored as 'other'.
ZIP_CONTAINER_EXTENSIONS = {".docx", ".dotx", ".xlsx", ".xltx", ".pptx", ".potx", ".ppsx", ".odt", ".ods", ".odp"}
OOXML_EXTENSIONS = {".docx", ".dotx", ".xlsx", ".xltx", ".pptx", ".potx", ".ppsx"}
#: Archive formats that must not appear inside a package (nested archives).
ARCHIVE_EXTENSIONS = {".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".cab", ".zipx"}
#: Office documents Word itself embeds (charts keep their data as word/embeddings/*.xlsx).
EMBEDDED_OFFICE_EXTENSIONS = {".xlsx", ".docx", ".pptx", ".xlsb", ".bin", ".xls", ".doc", ".ppt", ".vsdx", ".sldx"}

KIND_LABELS = {"docx": "văn bản Word (.docx)", "pdf": "tệp PDF (.pdf)", "other": "tệp đính kèm khác (Excel, hình ảnh…)"}

# Messages shared by several checks.
MSG_CORRUPT = (
    "Tệp bị hỏng hoặc không đầy đủ (có thể việc sao chép hoặc tải lên bị gián đoạn). "
    "Hãy mở thử tệp trên máy tính, lưu lại rồi tải lên lại."
)
MSG_OLD_DOC = (
    "Tệp là văn bản Word định dạng cũ (.doc, Word 97–2003), hệ thống không đọc được định dạng này. "
    "Hãy mở tệp bằng Microsoft Word, chọn File > Save As (Tệp > Lưu thành), chọn kiểu "
    "«Word Document (*.docx)» rồi tải tệp .docx lên."
)
MSG_ENCRYPTED_OFFICE = (
    "Tệp Word đang được đặt mật khẩu nên hệ thống không đọc được. Hãy mở tệp bằng Word, gỡ mật khẩu "
    "(File > Info > Protect Document > Encrypt with Password, xóa mật khẩu), lưu lại rồi tải lên."
)
MSG_MACRO = (
    "Tệp có chứa macro (mã VBA) nên không được chấp nhận vì lý do an toàn. Hãy mở tệp bằng Word, "
    "chọn File > Save As, chọn kiểu «Word Document (*.docx)» (không chứa macro) rồi tải lên lại."
)
MSG_UNSAFE_ZIP = "Tệp có cấu trúc bất thường nên bị từ chối vì lý do an toàn"


def _mb(size: float) -> str:
    """A size in MB written the Vietnamese way: '1,5 MB', '2.000 MB'."""
    value = size / MB
    text = f"{value:,.1f}" if value < 10 else f"{value:,.0f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " MB"


class IngestError(Invalid):
    """Refused file; ``str(exc)`` is a clear Vietnamese message for the user.

    ``code`` is a short reason for programs and logs: ``empty``, ``too_large``, ``old_doc``,
    ``encrypted``, ``macro``, ``corrupt``, ``mismatch``, ``not_allowed``, ``dangerous``,
    ``zip_bomb``, ``unsafe_zip``.
    """

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.code = code


@dataclass
class FileCheck:
    """What :func:`check_upload` found out about an accepted file."""

    kind: str  # 'docx' | 'pdf' | 'other'
    extension: str  # lower-case, with dot, e.g. '.docx' ('' when the name has none)
    size: int = 0  # bytes on disk


def _extension(original_name: str) -> str:
    name = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return os.path.splitext(name)[1].lower()


def _kind_for(ext: str) -> str:
    return {".docx": "docx", ".pdf": "pdf"}.get(ext, "other")


def _describe_content(head: bytes) -> str | None:
    """A Vietnamese name for what ``head`` (the first bytes of a file) really is, or None."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "tệp PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "ảnh PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "ảnh JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "ảnh GIF"
    if head.startswith(OLE2_MAGIC):
        return "tệp Office định dạng cũ (Word/Excel 97–2003)"
    if head.startswith(b"{\\rtf"):
        return "tệp RTF"
    if head.startswith(b"Rar!") or head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "tệp nén RAR/7z"
    if head.startswith(b"MZ"):
        return "tệp chương trình (.exe)"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "trang web HTML"
    return None


def _mismatch(ext: str, actual: str, expected_label: str) -> IngestError:
    return IngestError(
        f"Tệp có đuôi {ext} nhưng nội dung thực tế là {actual}, không phải {expected_label}. "
        f"Hãy tải lên đúng tệp {expected_label}, hoặc mở tệp bằng phần mềm tương ứng và lưu lại đúng định dạng.",
        "mismatch",
    )


def _contains_utf16(path: str, word: str, limit: int) -> bool:
    """True if the UTF-16LE form of ``word`` occurs in the first ``limit`` bytes of the file."""
    needle = word.encode("utf-16-le")
    tail = b""
    read = 0
    with open(path, "rb") as fh:
        while read < limit:
            chunk = fh.read(MB)
            if not chunk:
                return False
            read += len(chunk)
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def check_upload(
    path: str,
    original_name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed: tuple[str, ...] | None = None,
) -> FileCheck:
    """Inspect a file already saved at ``path`` whose user-given name is ``original_name``.

    Returns a :class:`FileCheck` (kind 'docx', 'pdf' or 'other', the lower-case extension, the size).
    The kind comes from the extension, and the content must match it: a .docx must be a safe,
    complete Word package, a .pdf must have a PDF header, a few other known formats (.png, .jpg,
    .gif, .xlsx, .pptx…) are checked by their signature; other extensions are accepted as 'other'
    unless ``allowed`` (a tuple of kinds, e.g. ``('docx',)``) excludes them.

    Raises :class:`IngestError` with a Vietnamese message for: an empty file; a file over
    ``max_bytes``; an old binary Word file (.doc, or OLE2 content) or a password-protected Word
    file; a macro-enabled file (.docm/.dotm…, or a package containing ``vbaProject.bin`` or a
    macro-enabled content type); a truncated or corrupt zip; content that does not match the
    extension; an unsafe zip (declared total over 200 MB, a member over 1 MB compressed more than
    100:1, over 2000 members, nested archives, absolute or ``..`` member paths, duplicate names,
    encrypted members, unknown compression); programs and scripts (.exe, .js, .html, .svg…);
    a kind not in ``allowed``. Never modifies or deletes the file.
    """
    ext = _extension(original_name)
    kind = _kind_for(ext)
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise IngestError("Không đọc được tệp vừa tải lên. Hãy thử tải lên lại.", "corrupt") from exc

    if ext in DANGEROUS_EXTENSIONS:
        raise IngestError(
            f"Không chấp nhận tệp chương trình, tệp lệnh hoặc trang web ({ext}) vì lý do an toàn. "
            "Hãy tải lên văn bản (.docx, .pdf) hoặc tệp dữ liệu (Excel, hình ảnh).",
            "dangerous",
        )
    if ext in MACRO_EXTENSIONS:
        raise IngestError(MSG_MACRO, "macro")
    if ext in (".doc", ".dot"):
        _refuse_doc_extension(path, ext)
    if allowed is not None and kind not in allowed:
        accepted = ", ".join(KIND_LABELS.get(k, k) for k in allowed)
        shown = ext or "(không có đuôi)"
        raise IngestError(
            f"Định dạng tệp {shown} không được chấp nhận ở đây. Chỉ chấp nhận: {accepted}.", "not_allowed"
        )
    if size == 0:
        raise IngestError("Tệp trống (0 byte). Hãy kiểm tra lại tệp trên máy rồi tải lên lại.", "empty")
    if size > max_bytes:
        raise IngestError(
            f"Tệp có dung lượng {_mb(size)}, vượt giới hạn {_mb(max_bytes)}. "
            "Hãy giảm dung lượng (nén ảnh, tách thành nhiều tệp) rồi tải lên lại.",
            "too_large",
        )
    with open(path, "rb") as fh:
        head = fh.read(1024)

    if kind == "docx":
        _check_docx_content(path, ext, head)
    elif kind == "pdf":
        if b"%PDF-" not in head:
            actual = _describe_content(head) or "một loại tệp khác"
            raise _mismatch(ext, actual, "tệp PDF")
    else:
        _check_other_content(path, ext, head)
    return FileCheck(kind=kind, extension=ext, size=size)


def _refuse_doc_extension(path: str, ext: str) -> None:
    """A .doc/.dot is always refused; the message says what the file really is."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:
        head = b""
    if head.startswith(ZIP_MAGICS):
        raise IngestError(
            f"Tệp có đuôi {ext} nhưng thực chất là văn bản Word mới (.docx). Hãy đổi đuôi tệp thành .docx "
            "(hoặc mở bằng Word và lưu thành «Word Document (*.docx)») rồi tải lên lại.",
            "mismatch",
        )
    if head.startswith(OLE2_MAGIC) and _contains_utf16(path, "EncryptedPackage", 64 * MB):
        raise IngestError(MSG_ENCRYPTED_OFFICE, "encrypted")
    raise IngestError(MSG_OLD_DOC, "old_doc")


def _check_docx_content(path: str, ext: str, head: bytes) -> None:
    if head.startswith(OLE2_MAGIC):
        # Word saves a password-protected .docx as an OLE2 file holding an "EncryptedPackage" stream.
        if _contains_utf16(path, "EncryptedPackage", 64 * MB):
            raise IngestError(MSG_ENCRYPTED_OFFICE, "encrypted")
        raise IngestError(MSG_OLD_DOC, "old_doc")
    if not head.startswith(ZIP_MAGICS):
        actual = _describe_content(head)
        if actual is None:
            raise IngestError(
                f"Tệp có đuôi {ext} nhưng không phải văn bản Word. Hãy mở tệp bằng Microsoft Word, "
                "lưu thành «Word Document (*.docx)» rồi tải lên lại.",
                "mismatch",
            )
        raise _mismatch(ext, actual, "văn bản Word (.docx)")
    with open_zip(path) as zf:
        check_zip(zf)
        main = _main_content_type(zf)
        if main not in (CT_DOCX_MAIN, CT_DOTX_MAIN):
            raise IngestError(
                f"Tệp có đuôi {ext} nhưng không phải văn bản Word (nội dung là {_describe_package(main)}). "
                "Hãy tải lên đúng tệp Word (.docx).",
                "mismatch",
            )
        part = main_document_part(zf)
        if part is None or part not in zf.NameToInfo:
            raise IngestError(MSG_CORRUPT, "corrupt")


def _check_other_content(path: str, ext: str, head: bytes) -> None:
    """Light signature checks for well-known 'other' formats; zip containers get the zip checks."""
    signatures = {
        ".png": ((b"\x89PNG\r\n\x1a\n",), "ảnh PNG"),
        ".jpg": ((b"\xff\xd8\xff",), "ảnh JPEG"),
        ".jpeg": ((b"\xff\xd8\xff",), "ảnh JPEG"),
        ".gif": ((b"GIF87a", b"GIF89a"), "ảnh GIF"),
    }  # (.xls is not checked: many programs export HTML/XML tables under that name)
    if ext in signatures:
        magics, label = signatures[ext]
        if not head.startswith(magics):
            raise _mismatch(ext, _describe_content(head) or "một loại tệp khác", label)
    if ext in ZIP_CONTAINER_EXTENSIONS or ext == ".zip":
        if not head.startswith(ZIP_MAGICS):
            if head.startswith(OLE2_MAGIC) and ext in ZIP_CONTAINER_EXTENSIONS:
                if _contains_utf16(path, "EncryptedPackage", 64 * MB):
                    raise IngestError(
                        "Tệp đang được đặt mật khẩu. Hãy gỡ mật khẩu, lưu lại rồi tải lên.", "encrypted"
                    )
            raise _mismatch(ext, _describe_content(head) or "một loại tệp khác", f"tệp {ext}")
        with open_zip(path) as zf:
            # A plain .zip may legitimately hold other archives; Office/ODF packages may not.
            check_zip(zf, allow_nested=(ext == ".zip"))
            if ext in OOXML_EXTENSIONS:
                main = _main_content_type(zf)
                if main is None:
                    raise _mismatch(ext, "tệp nén ZIP", f"tệp Office {ext}")


# ------------------------------------------------------------------------------------------------
# Zip helpers
# ------------------------------------------------------------------------------------------------


#: What zipfile raises on corrupt member data (bad CRC, truncated stream, unsupported method, encryption).
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


def open_zip(path: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip (reading only its directory); IngestError if truncated or corrupt."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise IngestError(MSG_CORRUPT, "corrupt") from exc


def _unsafe(detail: str, code: str = "unsafe_zip") -> IngestError:
    return IngestError(
        f"{MSG_UNSAFE_ZIP} ({detail}). Nếu đây là văn bản bình thường, hãy mở bằng Word, lưu lại "
        "thành tệp mới rồi tải lên lại.",
        code,
    )


def _bad_member_path(name: str) -> bool:
    if not name or "\x00" in name:
        return True
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or (len(normalized) > 1 and normalized[1] == ":"):
        return True
    return ".." in normalized.split("/")


def check_zip(
    zf: zipfile.ZipFile,
    *,
    max_total: int = MAX_TOTAL_UNCOMPRESSED,
    max_members: int = MAX_MEMBERS,
    max_ratio: int = MAX_RATIO,
    ratio_min_size: int = RATIO_MIN_SIZE,
    allow_nested: bool = False,
) -> None:
    """Judge an opened zip from its central directory only (nothing is decompressed).

    Raises IngestError for: too many members, a declared total uncompressed size over
    ``max_total``, a member larger than ``ratio_min_size`` compressed more than ``max_ratio``:1,
    absolute or ``..`` member paths, duplicate names, encrypted members, compression other than
    stored/deflate, nested archives (unless ``allow_nested``; Office documents Word embeds under
    ``*/embeddings/`` are allowed), and macros (``vbaProject.bin``, macro-enabled embedded files).
    """
    infos = zf.infolist()
    if len(infos) > max_members:
        raise _unsafe(f"chứa {len(infos)} thành phần, vượt giới hạn {max_members}", "zip_bomb")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        total += info.file_size
        if total > max_total:
            declared = sum(i.file_size for i in infos)
            raise _unsafe(
                f"dung lượng sau giải nén khai báo tới {_mb(declared)}, vượt giới hạn {_mb(max_total)}",
                "zip_bomb",
            )
        if info.file_size > ratio_min_size and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise _unsafe(f"thành phần {name!r} nén với tỷ lệ bất thường {ratio:,.0f}:1".replace(",", "."), "zip_bomb")
        if _bad_member_path(name):
            raise _unsafe(f"đường dẫn thành phần không hợp lệ: {name!r}")
        key = name.lower()
        if key in seen:
            raise _unsafe(f"thành phần {name!r} bị lặp")
        seen.add(key)
        if info.flag_bits & 0x1:
            raise IngestError(MSG_ENCRYPTED_OFFICE, "encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unsafe(f"thành phần {name!r} dùng kiểu nén không hỗ trợ")
        base = posixpath.basename(name).lower()
        ext = os.path.splitext(base)[1]
        if base == "vbaproject.bin" or base == "vbadata.xml" or ext in MACRO_EXTENSIONS:
            raise IngestError(MSG_MACRO, "macro")
        if not allow_nested and ext in ARCHIVE_EXTENSIONS:
            raise _unsafe(f"có tệp nén lồng bên trong: {name!r}")
        if not allow_nested and ext in ZIP_CONTAINER_EXTENSIONS and "/embeddings/" not in "/" + name.lower():
            raise _unsafe(f"có tệp nén lồng bên trong: {name!r}")
    if not allow_nested:
        _check_no_hidden_archives(zf, infos)
    _check_content_types_for_macros(zf)


def _check_no_hidden_archives(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse members that are zips under another name (first bytes ``PK\\x03\\x04``).

    Only the first few bytes of each member are decompressed. Office embeddings (charts'
    ``word/embeddings/*.xlsx``) and binary parts Word writes (``*.bin``, images) are skipped.
    """
    for info in infos:
        lower = info.filename.lower()
        if info.is_dir() or info.file_size < 4 or "/embeddings/" in "/" + lower:
            continue
        try:
            with zf.open(info) as fh:
                start = fh.read(4)
        except _READ_ERRORS as exc:
            raise IngestError(MSG_CORRUPT, "corrupt") from exc
        if start == b"PK\x03\x04":
            raise _unsafe(f"có tệp nén lồng bên trong: {info.filename!r}")


def read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """Return the bytes of member ``name``, streamed, never more than ``cap`` bytes.

    The declared size in the zip directory is not trusted: the member is decompressed in 64 KB
    steps and reading stops with IngestError as soon as more than ``cap`` bytes come out (or the
    declared size alone is over ``cap``). Raises IngestError for a missing member or corrupt
    data (bad CRC, truncated stream, header mismatch).
    """
    try:
        info = zf.getinfo(name)
    except KeyError as exc:
        raise IngestError(MSG_CORRUPT, "corrupt") from exc
    if info.file_size > cap:
        raise _unsafe(f"thành phần {name!r} quá lớn ({_mb(info.file_size)})", "zip_bomb")
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(min(64 * 1024, cap + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    raise _unsafe(
                        f"thành phần {name!r} giải nén ra nhiều hơn giới hạn {_mb(cap)}",
                        "zip_bomb",
                    )
                chunks.append(chunk)
    except IngestError:
        raise
    except _READ_ERRORS as exc:
        raise IngestError(MSG_CORRUPT, "corrupt") from exc
    return b"".join(chunks)


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse a package part with :func:`safe_xml_parser`; IngestError if it is not well-formed."""
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise IngestError(MSG_CORRUPT, "corrupt") from exc
    if root is None:
        raise IngestError(MSG_CORRUPT, "corrupt")
    return root


def _content_types(zf: zipfile.ZipFile) -> etree._Element | None:
    if "[Content_Types].xml" not in zf.NameToInfo:
        return None
    return parse_xml(read_member(zf, "[Content_Types].xml", SMALL_PART_CAP))


def _check_content_types_for_macros(zf: zipfile.ZipFile) -> None:
    root = _content_types(zf)
    if root is None:
        return
    for el in root.iter(CT_NS + "Override", CT_NS + "Default"):
        content_type = (el.get("ContentType") or "").lower()
        if "macroenabled" in content_type or "vbaproject" in content_type:
            raise IngestError(MSG_MACRO, "macro")


def _main_content_type(zf: zipfile.ZipFile) -> str | None:
    """The content type of the package's main part (document / workbook / presentation), if any.

    The main part is the target of the ``officeDocument`` relationship in ``_rels/.rels``; its
    content type is its ``Override`` in ``[Content_Types].xml`` (or the ``Default`` for its extension).
    """
    part = main_document_part(zf)
    root = _content_types(zf)
    if part is None or root is None:
        return None
    for el in root.iter(CT_NS + "Override"):
        if (el.get("PartName") or "").lstrip("/").lower() == part.lower():
            return el.get("ContentType")
    ext = posixpath.splitext(part)[1].lstrip(".").lower()
    for el in root.iter(CT_NS + "Default"):
        if (el.get("Extension") or "").lower() == ext:
            return el.get("ContentType")
    return None


def _describe_package(content_type: str | None) -> str:
    if content_type is None:
        return "tệp nén ZIP"
    if "spreadsheetml" in content_type:
        return "bảng tính Excel"
    if "presentationml" in content_type:
        return "trình chiếu PowerPoint"
    return "một tài liệu Office khác"


def main_document_part(zf: zipfile.ZipFile) -> str | None:
    """The zip name of the main Word part (from ``_rels/.rels``; usually ``word/document.xml``)."""
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    if "_rels/.rels" in zf.NameToInfo:
        root = parse_xml(read_member(zf, "_rels/.rels", SMALL_PART_CAP))
        for rel in root:
            if rel.get("Type") == rel_type and rel.get("TargetMode") != "External":
                target = (rel.get("Target") or "").lstrip("/")
                return posixpath.normpath(target) if target else None
    return "word/document.xml" if "word/document.xml" in zf.NameToInfo else None
