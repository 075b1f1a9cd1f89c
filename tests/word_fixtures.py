"""Every Word file the tests read, built here (deterministically) instead of kept as binaries.

``build(name, folder)`` writes the file ``name`` into ``folder`` the first time it is asked for
and returns its path; the session fixture ``word_samples`` (tests/conftest.py) gives each test
session one folder, and ``tests.helpers.sample(name)`` is how tests ask. The same name always
gives the same bytes (fixed timestamps in the zips, seeded "random" filler), except ``xxe.docx``,
which names the secret file beside it by its absolute path.

Good files (the demo's own, app/demo/documents.py, plus one in VNI):

``bao-cao-cchc-quy-1-2024.docx``
    Vụ Pháp chế's quarterly report 15/BC-VPC of 10/04/2024: official header table, 7 reform
    fields, a progress table whose last row holds a nested table, page header and footer.
``bao-cao-cchc-6-thang-2024-tcvn3.docx``
    Its six-month report 27/BC-VPC of 16/07/2024 typed in TCVN3 (``.VnTime``, ``.VnTimeH``),
    header and footer in Unicode.
``quy-trinh-tiep-cong-dan.docx``
    Procedure 05/QT-BTCD of 02/08/2023: steps and a table of time limits, no header or footer.
``thong-bao-vni.docx``
    Notice 41/TB-VP of 03/06/2024 typed entirely in ``VNI-Times``, page header and footer included.
``bao-cao-rat-dai.docx``
    A 5 MB report: 30,000 paragraphs (one in ten in ``.VnTime``), a 3,000-row table, and a
    picture-sized part that makes up the rest.

Files of the other shapes agencies send (app/demo/documents.py ``SHAPE_FILES``):

``nghi-dinh-30-2020-cong-tac-van-thu.docx``
    Decree 30/2020/NĐ-CP of 05/03/2020, abridged: number and date, two footnotes (one in
    ``.VnTime``) and an endnote.
``phu-luc-chu-viet-tat.docx``, ``phu-luc-the-thuc.docx``, ``phu-luc-viet-hoa.docx``
    Its annexes III, I and II: III typed in TCVN3 with "PHỤ LỤC III" and "(Kèm theo …" over two
    lines first; I with label, heading and reference as first lines and in its page header; II
    says what it is only in its page header, and spells ``Uỷ ban``, ``Hoà Bình``, ``Toà án``.
``mau-don-de-nghi-cap-ban-sao.docx``, ``mau-bien-ban-hop-to-cchc.docx``, ``mau-giay-xac-nhan.docx``
    Forms under the national motto, without number or issuing body: an application (Đơn), meeting
    minutes whose heading is a bare "BIÊN BẢN" with its subject below, a certificate whose heading
    names no type the library keeps.
``bao-cao-tu-danh-gia-co-chu-thich.docx``
    Report 41/BC-TCCB of 20/12/2024 with a footnote on its summary line, two more and an endnote in
    the body, and a text box beside the results.

Files that must be refused:

``hong-cat-cut.docx``
    The quarterly report cut off at 60 % (no zip directory).
``bao-cao-cu.doc``
    An old Word 97–2003 file: an OLE2 compound file with a ``WordDocument`` and a ``1Table`` stream.
``bao-cao-co-macro.docm``
    The quarterly report with a VBA project and the macro-enabled content type.
``bom-giai-nen.docx``
    About 2 MB on disk whose ``word/document.xml`` inflates to about 2 GB of zeros.
``xxe.docx``
    A document whose DTD declares external entities pointing at ``bi-mat.txt`` (written beside it,
    holding :data:`XXE_SECRET`) and at ``/etc/hostname``: its text is ``trước &xxe; giữa &host; sau``.
"""
from __future__ import annotations

import io
import os
import random
import struct
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from app.demo import documents
from app.demo.wordfile import Table, WordDocument, docx_bytes, para

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MB = 1024 * 1024
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
XXE_SECRET = "BI-MAT-KHONG-DUOC-LO"

#: The three good files a folder import takes in, and the two broken ones it reports by name.
IMPORTABLE = [documents.QUARTERLY_REPORT, documents.SIX_MONTH_REPORT, documents.PROCEDURE]
BROKEN = ["hong-cat-cut.docx", "bao-cao-cu.doc"]
#: A decree and its three annexes, as an agency sends them in one folder.
DECREE_FOLDER = [documents.DECREE, *documents.ANNEX_FILES]
FORMS = [documents.APPLICATION_FORM, documents.MINUTES_FORM, documents.CERTIFICATE_FORM]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
DOC_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
)


def entry(name: str) -> zipfile.ZipInfo:
    """A zip entry stamped with the fixed time, deflated."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def package(parts: dict[str, str | bytes]) -> bytes:
    """Return a zip holding ``parts`` in order, every entry with the fixed timestamp."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(entry(name), data)
    return out.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    """{name: bytes} of every member of the zip ``data``, in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info.filename) for info in zf.infolist()}


# -- good files ---------------------------------------------------------------------------------


def vni_notice() -> WordDocument:
    """Văn phòng's notice of the 2024 reform inspections, typed in VNI-Times throughout."""
    font = "VNI-Times"
    schedule = Table([["STT", "Đơn vị được kiểm tra", "Ngày kiểm tra"],
                      ["1", "Vụ Pháp chế", "18/6/2024"], ["2", "Vụ Tổ chức Cán bộ", "20/6/2024"],
                      ["3", "Ban Tiếp công dân Trung ương", "25/6/2024"], ["4", "Trường Cán bộ Thanh tra", "27/6/2024"],
                      ["5", "Báo Thanh tra", "02/7/2024"], ["6", "Tạp chí Thanh tra", "04/7/2024"]],
                     widths=[1, 6, 3], header_rows=1)
    return documents.official_document(
        parent="Thanh tra Chính phủ", issuer="Văn phòng", number="41/TB-VP", issued=date(2024, 6, 3),
        kind="Thông báo", summary="Lịch kiểm tra công tác cải cách hành chính năm 2024 tại các đơn vị",
        body=[para("Thực hiện Kế hoạch số 2337/KH-TTCP, Văn phòng thông báo lịch kiểm tra công tác cải cách hành "
                   "chính tại 6 đơn vị, bằng 30% số đơn vị thuộc Thanh tra Chính phủ:"),
              schedule,
              para("Đề nghị các đơn vị chuẩn bị báo cáo tự đánh giá và hồ sơ minh chứng, gửi Văn phòng trước ngày "
                   "kiểm tra 03 ngày làm việc.")],
        recipients=["Các đơn vị có tên trên;", "Lưu: VT, VP."], signer_title="Chánh Văn phòng",
        header=[para("Văn phòng Thanh tra Chính phủ", italic=True, align="right")],
        footer=[para("Lịch kiểm tra CCHC năm 2024", italic=True, align="center")],
        font=font,
    )


def long_report() -> bytes:
    """A 5 MB report: 30,000 numbered paragraphs, a 3,000-row table, a filler picture part."""
    rng = random.Random(7)
    words = ["cải", "cách", "hành", "chính", "thủ", "tục", "công", "vụ", "chính", "phủ", "điện", "tử", "số", "hóa",
             "báo", "cáo", "kế", "hoạch", "đơn", "vị", "nhiệm", "vụ", "tiến", "độ", "hoàn", "thành", "kiểm", "chứng",
             "số", "liệu", "quy", "trình", "nội", "bộ"]
    blocks = [para(f"{i} " + " ".join(rng.choices(words, k=25)), font=".VnTime" if i % 10 == 0 else None)
              for i in range(30000)]
    blocks.append(Table([[str(i), f"ô {i}"] for i in range(3000)]))
    data = docx_bytes(WordDocument(blocks=blocks, title="Báo cáo rất dài"))
    parts = _members(data)
    filler = 5 * MB - len(data) + 4096  # the zip overhead of one more entry is well under 4 KB
    parts["word/media/image1.jpeg"] = b"\xff\xd8\xff\xe0" + rng.randbytes(filler)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, member in parts.items():
            info = entry(name)
            if name.endswith(".jpeg"):
                info.compress_type = zipfile.ZIP_STORED  # pictures are stored as they are
            zf.writestr(info, member)
    return out.getvalue()


# -- refused files ------------------------------------------------------------------------------


def truncated() -> bytes:
    """The quarterly report cut off at 60 %: the local entries start, the zip directory is gone."""
    data = docx_bytes(documents.quarterly_report())
    return data[: len(data) * 6 // 10]


def with_macros() -> bytes:
    """The quarterly report saved as a macro-enabled document: a VBA project and its content types."""
    parts = _members(docx_bytes(documents.quarterly_report()))
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                          "application/vnd.ms-word.document.macroEnabled.main+xml")
    types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                                      "</Types>")
    parts["[Content_Types].xml"] = types.encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/></Relationships>')).encode()
    parts["word/vbaProject.bin"] = old_word_file(text="Sub AutoOpen()\r\nEnd Sub")
    return package(parts)


def _directory_entry(name: str, kind: int, color: int, left: int, right: int, child: int, start: int, size: int,
                     clsid: bytes = b"\0" * 16) -> bytes:
    """One 128-byte entry of a compound file directory."""
    encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, color, left, right, child)
            + clsid + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))


def old_word_file(text: str = "Báo cáo kết quả cải cách hành chính năm 2003") -> bytes:
    """An old binary Word file: a version 3 OLE2 compound file (512-byte sectors) whose directory
    holds a ``WordDocument`` stream, starting with a Word 97 file information block, and a
    ``1Table`` stream; ``text`` is written in UTF-16 in the document stream."""
    free, end_of_chain, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    stream_size = 4096  # at the mini-stream cutoff, so both streams live in ordinary sectors
    sectors_per_stream = stream_size // 512
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack(
        "<HHHHH6sIIIIIIIII", 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 0x1000, end_of_chain, 0,
        end_of_chain, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # the FAT is sector 0
    fat = [fat_sector, end_of_chain]  # sector 0: the FAT itself, sector 1: the directory
    for first in (2, 2 + sectors_per_stream):
        fat += [first + i + 1 for i in range(sectors_per_stream - 1)] + [end_of_chain]
    fat_bytes = b"".join(struct.pack("<I", value) for value in fat).ljust(512, b"\xff")
    word_clsid = bytes.fromhex("0609020000000000c000000000000046")
    directory = (
        _directory_entry("Root Entry", 5, 1, no_stream, no_stream, 1, end_of_chain, 0, word_clsid)
        + _directory_entry("WordDocument", 2, 1, 2, no_stream, no_stream, 2, stream_size)
        + _directory_entry("1Table", 2, 0, no_stream, no_stream, no_stream, 2 + sectors_per_stream, stream_size)
        + _directory_entry("", 0, 0, no_stream, no_stream, no_stream, 0, 0)
    )
    # File information block: wIdent, nFib (Word 97), unused, lid (Vietnamese), pnNext, flags (1Table), nFibBack.
    fib = struct.pack("<HHHHHHH", 0xA5EC, 0x00C1, 0, 0x042A, 0, 0x0200, 0x00BF)
    word_stream = (fib.ljust(0x800, b"\0") + text.encode("utf-16-le")).ljust(stream_size, b"\0")
    table_stream = b"\0" * stream_size
    return header + fat_bytes + directory + word_stream + table_stream


def zip_bomb() -> bytes:
    """A ~2 MB .docx whose word/document.xml inflates to ~2 GB (under the zip64 limit, so its
    declared size is easy to patch), written in streaming mode."""
    out = io.BytesIO()
    chunk = b"\0" * MB
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(entry("[Content_Types].xml"), CONTENT_TYPES)
        zf.writestr(entry("_rels/.rels"), ROOT_RELS)
        with zf.open(entry("word/document.xml"), "w", force_zip64=True) as member:
            member.write(DOC_START)
            for _ in range(2000):
                member.write(chunk)
    return out.getvalue()


def xxe(folder: Path) -> bytes:
    """A document declaring external entities: the secret file beside it and /etc/hostname."""
    secret = folder / "bi-mat.txt"
    secret.write_text(XXE_SECRET, encoding="utf-8")
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}"><!ENTITY host SYSTEM "file:///etc/hostname">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>trước &xxe; giữa &host; sau</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return package({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": xml})


#: File name -> how to make its bytes (given the folder, for the files that name a neighbour).
BUILDERS: dict[str, Callable[[Path], bytes]] = {
    **{name: (lambda _folder, make=make: docx_bytes(make())) for name, make in documents.DEMO_FILES.items()},
    **{name: (lambda _folder, make=make: docx_bytes(make())) for name, make in documents.SHAPE_FILES.items()},
    "thong-bao-vni.docx": lambda _folder: docx_bytes(vni_notice()),
    "bao-cao-rat-dai.docx": lambda _folder: long_report(),
    "hong-cat-cut.docx": lambda _folder: truncated(),
    "bao-cao-cu.doc": lambda _folder: old_word_file(),
    "bao-cao-co-macro.docm": lambda _folder: with_macros(),
    "bom-giai-nen.docx": lambda _folder: zip_bomb(),
    "xxe.docx": xxe,
}


def build(name: str, folder: str | os.PathLike) -> str:
    """Return the path of the test file ``name`` in ``folder``, writing it first if it is not there.

    Raises KeyError for a name this module does not build. The file is written under a temporary
    name and renamed, so a path returned always holds the whole file.
    """
    folder = Path(folder)
    path = folder / name
    if not path.exists():
        data = BUILDERS[name](folder)
        partial = folder / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, path)
    return str(path)
