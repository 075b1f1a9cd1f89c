#!/usr/bin/env python3
"""Synthetic library of Vietnamese administrative-reform (CCHC) documents, for benchmarks and tests.

Writes N documents as JSON lines, the format of ``flask --app wsgi documents import``: number, type,
category, title, summary, issuer, signer, issued_on, effective_on, status, fields, visibility, body.

- Kinds and numbers as agencies write them: ``15/2024/NĐ-CP``, ``42/2019/TT-BNV``, ``123/QĐ-UBND``,
  ``2337/KH-TTCP``, ``1298/TB-VPCP``, ``745/TTCP-VP``, ``16-NQ/TU``, ``12/QT-BTCDTW``, ``25/2018/QH14``.
  Every number (1–4999 before the slash or dash) is used once, so every line creates a document.
- Issuers (Chính phủ, ministries, Thanh tra Chính phủ and its units, provincial UBND, HĐND, Sở Nội vụ,
  Tỉnh ủy) with a few signers each; dates 2010 to ``REFERENCE_DAY``; effective dates and the legal
  status follow the kind and the age (recent texts may not be in force yet, old ones have expired).
- Relations between the generated documents, written the way texts cite each other, so the portal's
  citations resolve: ``Căn cứ Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ ...`` (based on),
  titles that amend, replace or guide an earlier text of the same kind and issuer (whose status says
  so), reports that cite the issuer's plan of the same year.
- Bodies laid out by kind (articles of a decree, sections of a plan or report, steps of a procedure),
  written from a CCHC vocabulary of multi-syllable words (``thủ tục hành chính``, ``một cửa liên
  thông``, ``dịch vụ công trực tuyến``) with abbreviations (CCHC, TTHC, UBND) and figures written the
  Vietnamese way (``185.969 hồ sơ``, ``99,22%``, ``1.250,5 triệu đồng``).
- ``--restricted`` of the documents are visible to units only (``unit:VPC`` or a list from ``--units``).

The same seed always gives the same corpus, and a smaller corpus is the beginning of a larger one with
the same seed (nothing depends on ``--docs``); ``--restricted`` and ``--units`` draw from their own
random stream, so they change the visibility of documents and nothing else.

    python bench/corpus.py --docs 20000 --seed 7 --out corpus.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from bisect import bisect
from datetime import date
from itertools import accumulate

REFERENCE_DAY = date(2026, 11, 30)  # "today" for statuses: a fixed day, so the corpus never changes
FIRST_DAY = date(2010, 1, 1)
MAX_NUMBER = 4999  # bench/load.py numbers its extra import from 5000 up
# Numbers of the demo library (app/demo/library.py): never generated, so importing a corpus
# into a demo instance adds documents and updates none.
RESERVED = {"61/2018/NĐ-CP", "107/2021/NĐ-CP", "02/2017/TT-VPCP", "01/2018/TT-VPCP", "2337/KH-TTCP",
            "1298/TB-TTCP", "3567/QĐ-UBND", "1171/QĐ-UBND", "16-NQ/TU"}

FIELDS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Xây dựng, hoàn thiện thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
]
FIELD_HEADINGS = [  # how plans and reports title their section for each field
    "Công tác chỉ đạo, điều hành",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng Chính phủ điện tử, Chính phủ số",
]

# (name, "tỉnh" or "Thành phố", where its documents are dated, weight)
PROVINCES = [
    ("Quảng Nam", "tỉnh", "Tam Kỳ", 6), ("Cao Bằng", "tỉnh", "Cao Bằng", 6), ("Hà Nội", "Thành phố", "Hà Nội", 6),
    ("Hồ Chí Minh", "Thành phố", "Thành phố Hồ Chí Minh", 2), ("Đà Nẵng", "Thành phố", "Đà Nẵng", 2),
    ("Hải Phòng", "Thành phố", "Hải Phòng", 1), ("Cần Thơ", "Thành phố", "Cần Thơ", 1),
    ("Thừa Thiên Huế", "tỉnh", "Huế", 1), ("Nghệ An", "tỉnh", "Vinh", 1), ("Thanh Hóa", "tỉnh", "Thanh Hóa", 1),
    ("Quảng Ninh", "tỉnh", "Hạ Long", 1), ("Lào Cai", "tỉnh", "Lào Cai", 1), ("Bắc Ninh", "tỉnh", "Bắc Ninh", 1),
    ("Hà Giang", "tỉnh", "Hà Giang", 1), ("Lạng Sơn", "tỉnh", "Lạng Sơn", 1), ("Sơn La", "tỉnh", "Sơn La", 1),
    ("Điện Biên", "tỉnh", "Điện Biên Phủ", 1), ("Yên Bái", "tỉnh", "Yên Bái", 1),
    ("Thái Nguyên", "tỉnh", "Thái Nguyên", 1), ("Phú Thọ", "tỉnh", "Việt Trì", 1),
    ("Vĩnh Phúc", "tỉnh", "Vĩnh Yên", 1), ("Nam Định", "tỉnh", "Nam Định", 1), ("Ninh Bình", "tỉnh", "Ninh Bình", 1),
    ("Hà Tĩnh", "tỉnh", "Hà Tĩnh", 1), ("Quảng Bình", "tỉnh", "Đồng Hới", 1), ("Quảng Trị", "tỉnh", "Đông Hà", 1),
    ("Quảng Ngãi", "tỉnh", "Quảng Ngãi", 1), ("Bình Định", "tỉnh", "Quy Nhơn", 1), ("Phú Yên", "tỉnh", "Tuy Hòa", 1),
    ("Khánh Hòa", "tỉnh", "Nha Trang", 1), ("Bình Thuận", "tỉnh", "Phan Thiết", 1), ("Gia Lai", "tỉnh", "Pleiku", 1),
    ("Đắk Lắk", "tỉnh", "Buôn Ma Thuột", 1), ("Lâm Đồng", "tỉnh", "Đà Lạt", 1), ("Đồng Nai", "tỉnh", "Biên Hòa", 1),
    ("Bình Dương", "tỉnh", "Thủ Dầu Một", 1), ("Long An", "tỉnh", "Tân An", 1), ("Tiền Giang", "tỉnh", "Mỹ Tho", 1),
    ("Bến Tre", "tỉnh", "Bến Tre", 1), ("Đồng Tháp", "tỉnh", "Cao Lãnh", 1), ("An Giang", "tỉnh", "Long Xuyên", 1),
    ("Kiên Giang", "tỉnh", "Rạch Giá", 1), ("Cà Mau", "tỉnh", "Cà Mau", 1), ("Sóc Trăng", "tỉnh", "Sóc Trăng", 1),
    ("Tây Ninh", "tỉnh", "Tây Ninh", 1), ("Hòa Bình", "tỉnh", "Hòa Bình", 1), ("Tuyên Quang", "tỉnh", "Tuyên Quang", 1),
    ("Bắc Giang", "tỉnh", "Bắc Giang", 1), ("Hải Dương", "tỉnh", "Hải Dương", 1), ("Thái Bình", "tỉnh", "Thái Bình", 1),
    ("Hà Nam", "tỉnh", "Phủ Lý", 1), ("Kon Tum", "tỉnh", "Kon Tum", 1), ("Trà Vinh", "tỉnh", "Trà Vinh", 1),
]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Hà"]
MIDDLE_M = ["Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh", "Xuân", "Ngọc", "Công", "Mạnh", "Sỹ", "Tiến", "Hải"]
MIDDLE_F = ["Thị", "Thị Kim", "Thị Thu", "Thị Thanh", "Ngọc", "Thu", "Thị Minh", "Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Thanh", "Hải", "Sơn", "Long", "Nam", "Bảy", "Hòa", "Phúc", "Chính", "Cường",
           "Thắng", "Trung", "Quang", "Vinh", "Khoa", "Bình", "Lâm", "Toàn", "Kiên"]
GIVEN_F = ["Hoa", "Lan", "Hương", "Mai", "Hạnh", "Thủy", "Yến", "Nga", "Trang", "Hằng", "Liên", "Vân", "Hà"]


class Issuer:
    """An issuing body: the name stored in ``issuer``, the code in its numbers, how texts name it."""

    __slots__ = ("_signers", "city", "code", "depts", "home", "known", "level", "long", "name", "positions", "province",
                 "rank")

    def __init__(self, name, code, level, positions, long=None, city="Hà Nội", depts=("VP",), province=None,
                 known=(), rank=None):
        self.name, self.code, self.level, self.positions = name, code, level, positions
        self.long, self.city, self.depts, self.province = long or name, city, depts, province
        self.known, self._signers = known, None
        # rank: which texts it may cite as its legal basis (its own rank or higher; 1 = local texts too);
        # home: whose local texts those are (a province, or Thanh tra Chính phủ for its units).
        self.rank = rank or {"QH": 5, "TW": 5, "CP": 4, "TTg": 3}.get(code) or (2 if level == "ministry" else 1)
        self.home = province or ("ttcp" if level == "ttcp" else "national")

    def signers(self, seed: int) -> list[str]:
        """Three to five people who sign for this body, the same for a seed whatever the order of use."""
        if self._signers is None:
            rnd = random.Random(f"{seed}:{self.name}")
            people = list(self.known)
            while len(people) < len(self.known) + rnd.randint(2, 4):
                if rnd.random() < 0.3:
                    name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE_F)} {rnd.choice(GIVEN_F)}"
                else:
                    name = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE_M)} {rnd.choice(GIVEN_M)}"
                if name not in people:
                    people.append(name)
            self._signers = people
        return self._signers


CP = Issuer("Chính phủ", "CP", "central", ["TM. CHÍNH PHỦ\nTHỦ TƯỚNG", "TM. CHÍNH PHỦ\nKT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG"],
            depts=("KSTT",))
TTG = Issuer("Thủ tướng Chính phủ", "TTg", "central", ["THỦ TƯỚNG", "KT. THỦ TƯỚNG\nPHÓ THỦ TƯỚNG"])
QH = Issuer("Quốc hội", "QH", "central", ["CHỦ TỊCH QUỐC HỘI"])
TW = Issuer("Ban Chấp hành Trung ương", "TW", "party", ["T/M BAN CHẤP HÀNH TRUNG ƯƠNG\nTỔNG BÍ THƯ"])
TTCP = Issuer("Thanh tra Chính phủ", "TTCP", "ttcp", ["TỔNG THANH TRA", "KT. TỔNG THANH TRA\nPHÓ TỔNG THANH TRA"],
              depts=("VP", "PC", "TCCB", "KHTCTH", "BTCDTW", "TTTT"), known=("Lê Sỹ Bảy", "Nguyễn Văn Thanh"), rank=2)
BNV = Issuer("Bộ Nội vụ", "BNV", "ministry", ["BỘ TRƯỞNG", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"], depts=("CCHC", "TCBC", "CCVC"),
             known=("Phạm Minh Hùng",))
VPCP = Issuer("Văn phòng Chính phủ", "VPCP", "ministry",
              ["BỘ TRƯỞNG, CHỦ NHIỆM", "KT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM"], depts=("KSTT", "TH", "HC"))
MINISTRIES = [
    BNV, VPCP, TTCP,
    Issuer("Bộ Tài chính", "BTC", "ministry", ["BỘ TRƯỞNG", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"], depts=("HCSN", "KHTC")),
    Issuer("Bộ Thông tin và Truyền thông", "BTTTT", "ministry", ["BỘ TRƯỞNG", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"],
           depts=("CĐSQG", "THH")),
    Issuer("Bộ Tư pháp", "BTP", "ministry", ["BỘ TRƯỞNG", "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG"], depts=("VĐCXDPL", "KTrVB")),
]
# Units of Thanh tra Chính phủ (their codes are the portal's unit codes in the demo plan).
TTCP_UNITS = [
    Issuer("Văn phòng Thanh tra Chính phủ", "VP", "ttcp",
           ["CHÁNH VĂN PHÒNG", "KT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG"]),
    Issuer("Vụ Pháp chế", "VPC", "ttcp", ["VỤ TRƯỞNG", "KT. VỤ TRƯỞNG\nPHÓ VỤ TRƯỞNG"]),
    Issuer("Vụ Tổ chức cán bộ", "TCCB", "ttcp", ["VỤ TRƯỞNG", "KT. VỤ TRƯỞNG\nPHÓ VỤ TRƯỞNG"]),
    Issuer("Vụ Kế hoạch, Tài chính và Tổng hợp", "KHTCTH", "ttcp", ["VỤ TRƯỞNG", "KT. VỤ TRƯỞNG\nPHÓ VỤ TRƯỞNG"]),
    Issuer("Ban Tiếp công dân Trung ương", "BTCDTW", "ttcp", ["TRƯỞNG BAN", "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN"]),
    Issuer("Viện Chiến lược và Khoa học thanh tra", "VCL", "ttcp", ["VIỆN TRƯỞNG", "KT. VIỆN TRƯỞNG\nPHÓ VIỆN TRƯỞNG"]),
]


def _province_issuers():
    ubnd, hdnd, party, snv = [], [], [], []
    for name, kind, city, weight in PROVINCES:
        where = f"{kind} {name}"
        known = ("Trần Thị Kim Hoa", "Đinh Mạnh Hùng") if name == "Hà Nội" else ()
        ubnd.append((Issuer(f"UBND {where}", "UBND", "province", ["TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
                                                                  "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"],
                            long=f"Ủy ban nhân dân {where}", city=city, depts=("KSTT", "NC", "TH", "KGVX"),
                            province=where), weight))
        hdnd.append((Issuer(f"HĐND {where}", "HĐND", "province", ["CHỦ TỊCH"], long=f"Hội đồng nhân dân {where}",
                            city=city, province=where), weight))
        party.append((Issuer(f"{'Thành ủy' if kind == 'Thành phố' else 'Tỉnh ủy'} {name}", "TU", "party",
                             ["T/M BAN THƯỜNG VỤ\nBÍ THƯ", "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ"], city=city,
                             province=where), weight))
        snv.append((Issuer(f"Sở Nội vụ {where}", "SNV", "province", ["GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"],
                           city=city, depts=("CCHC", "TCBC", "CCVC"), province=where, known=known), weight))
    return ubnd, hdnd, party, snv


UBND, HDND, PARTY, SNV = _province_issuers()


def _even(issuers):
    return [(issuer, 1) for issuer in issuers]


class Kind:
    """A kind of document: its type, how its numbers are written, who issues it, how it takes effect."""

    __slots__ = ("body", "category", "code", "cum", "doc_type", "effect", "issuers", "max_no", "style", "title")

    def __init__(self, doc_type, category, style, code, issuers, max_no, effect, body, title):
        self.doc_type, self.category, self.style, self.code = doc_type, category, style, code
        self.issuers = [i for i, _ in issuers]
        self.cum = list(accumulate(w for _, w in issuers))
        self.max_no, self.effect, self.body, self.title = max_no, effect, body, title


# style: "year" n/yyyy/CODE, "plain" n/CODE, "party" n-CODE; {i} the issuer's code, {d} one of its departments.
# effect: "law" 1 January or 1 July after, "later" 15-60 days after, "signed" the day it is signed,
# "none" (reform documents: no effective date, no status).
# (weight, type, category, style, code, issuers, highest number, effect, body builder, title builder)
KIND_TABLE = [
    (1, "Luật", "legal", "year", "QH{term}", [(QH, 1)], 60, "law", "legal", "law"),
    (6, "Nghị định", "legal", "year", "NĐ-CP", [(CP, 1)], 199, "later", "legal", "decree"),
    (6, "Thông tư", "legal", "year", "TT-{i}", _even(MINISTRIES), 60, "later", "legal", "circular"),
    (2, "Quyết định", "legal", "year", "QĐ-TTg", [(TTG, 1)], 60, "later", "legal", "decision"),
    (4, "Quyết định", "legal", "plain", "QĐ-TTg", [(TTG, 1)], MAX_NUMBER, "signed", "legal", "decision"),
    (8, "Quyết định", "legal", "plain", "QĐ-UBND", UBND, MAX_NUMBER, "signed", "legal", "decision"),
    (2, "Quyết định", "legal", "year", "QĐ-UBND", UBND, 80, "later", "legal", "decision"),
    (4, "Quyết định", "legal", "plain", "QĐ-{i}", [(TTCP, 3), (BNV, 1)], MAX_NUMBER, "signed", "legal", "decision"),
    (1.5, "Chỉ thị", "legal", "plain", "CT-TTg", [(TTG, 1)], 60, "signed", "legal", "directive"),
    (1, "Chỉ thị", "legal", "plain", "CT-UBND", UBND, 99, "signed", "legal", "directive"),
    (1, "Chỉ thị", "legal", "party", "CT/TU", PARTY, 99, "signed", "plan", "directive"),
    (2, "Nghị quyết", "legal", "plain", "NQ-CP", [(CP, 1)], 299, "signed", "legal", "resolution"),
    (1.5, "Nghị quyết", "legal", "year", "NQ-HĐND", HDND, 80, "later", "legal", "resolution"),
    (1, "Nghị quyết", "legal", "party", "NQ/TU", PARTY, 99, "signed", "plan", "resolution"),
    (0.3, "Nghị quyết", "legal", "party", "NQ/TW", [(TW, 1)], 99, "signed", "plan", "resolution"),
    (3, "Kế hoạch", "reform", "plain", "KH-TTCP", [(TTCP, 1)], MAX_NUMBER, "none", "plan", "plan"),
    (4, "Kế hoạch", "reform", "plain", "KH-UBND", UBND, MAX_NUMBER, "none", "plan", "plan"),
    (1, "Kế hoạch", "reform", "plain", "KH-BNV", [(BNV, 1)], MAX_NUMBER, "none", "plan", "plan"),
    (1.5, "Kế hoạch", "reform", "plain", "KH-SNV", SNV, MAX_NUMBER, "none", "plan", "plan"),
    (1.5, "Kế hoạch", "reform", "plain", "KH-{i}", _even(TTCP_UNITS), MAX_NUMBER, "none", "plan", "plan"),
    (0.5, "Kế hoạch", "reform", "party", "KH/TU", PARTY, 999, "none", "plan", "plan"),
    (3, "Báo cáo", "reform", "plain", "BC-TTCP", [(TTCP, 1)], MAX_NUMBER, "none", "report", "report"),
    (4, "Báo cáo", "reform", "plain", "BC-UBND", UBND, MAX_NUMBER, "none", "report", "report"),
    (2, "Báo cáo", "reform", "plain", "BC-SNV", SNV, MAX_NUMBER, "none", "report", "report"),
    (3, "Báo cáo", "reform", "plain", "BC-{i}", _even(TTCP_UNITS), MAX_NUMBER, "none", "report", "report"),
    (1, "Báo cáo", "reform", "plain", "BC-BNV", [(BNV, 1)], MAX_NUMBER, "none", "report", "report"),
    (2, "Thông báo", "reform", "plain", "TB-TTCP", [(TTCP, 1)], MAX_NUMBER, "none", "notice", "notice"),
    (1.5, "Thông báo", "reform", "plain", "TB-VPCP", [(VPCP, 1)], MAX_NUMBER, "none", "notice", "notice"),
    (1.5, "Thông báo", "reform", "plain", "TB-UBND", UBND, MAX_NUMBER, "none", "notice", "notice"),
    (3, "Công văn", "reform", "plain", "{i}-{d}", [(TTCP, 3), (BNV, 1), (VPCP, 1)], MAX_NUMBER, "none", "letter",
     "letter"),
    (2, "Công văn", "reform", "plain", "{i}-{d}", UBND, MAX_NUMBER, "none", "letter", "letter"),
    (1, "Công văn", "reform", "plain", "{i}-{d}", SNV, MAX_NUMBER, "none", "letter", "letter"),
    (1.5, "Tờ trình", "reform", "plain", "TTr-{i}", _even(TTCP_UNITS) + [(TTCP, 2)], MAX_NUMBER, "none",
     "submission", "submission"),
    (1, "Tờ trình", "reform", "plain", "TTr-SNV", SNV, MAX_NUMBER, "none", "submission", "submission"),
    (1, "Hướng dẫn", "reform", "plain", "HD-{i}", [(TTCP, 2), (BNV, 1)], MAX_NUMBER, "none", "guide", "guide"),
    (1, "Hướng dẫn", "reform", "plain", "HD-SNV", SNV, MAX_NUMBER, "none", "guide", "guide"),
    (2, "Quy trình", "procedure", "plain", "QT-{i}", [(TTCP, 2)] + _even(TTCP_UNITS), 999, "signed", "procedure",
     "procedure"),
    (1, "Quy trình", "procedure", "plain", "QT-UBND", UBND, 999, "signed", "procedure", "procedure"),
    (1.5, "Quy chế", "procedure", "plain", "QC-{i}", [(TTCP, 2)] + _even(TTCP_UNITS), 999, "signed", "rules",
     "rules"),
    (1, "Quy định", "procedure", "plain", "QyĐ-{i}", [(TTCP, 2)] + _even(TTCP_UNITS), 999, "signed", "rules",
     "rules"),
]
KINDS = [Kind(*row[1:]) for row in KIND_TABLE]
KIND_CUM = list(accumulate(row[0] for row in KIND_TABLE))

# Topics: what a document is about, with the reform field (1-7) it belongs to.
TOPICS = [
    ("thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", 3),
    ("kiểm soát thủ tục hành chính", 3),
    ("tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính", 3),
    ("số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 3),
    ("đơn giản hóa thủ tục hành chính, giấy tờ công dân liên quan đến quản lý dân cư", 3),
    ("thực hiện thủ tục hành chính trên môi trường điện tử", 7),
    ("quản lý, sử dụng chữ ký số chuyên dùng trong hoạt động của cơ quan nhà nước", 7),
    ("xây dựng, quản lý và khai thác Cổng Dịch vụ công quốc gia", 7),
    ("kết nối, chia sẻ dữ liệu số của cơ quan nhà nước", 7),
    ("ứng dụng công nghệ thông tin và chuyển đổi số trong hoạt động thanh tra", 7),
    ("quản lý văn bản và hồ sơ công việc điện tử trên hệ thống quản lý văn bản và điều hành", 7),
    ("thanh toán trực tuyến phí, lệ phí trong giải quyết thủ tục hành chính", 7),
    ("chế độ báo cáo trong cơ quan hành chính nhà nước", 1),
    ("công tác cải cách hành chính và nâng cao Chỉ số cải cách hành chính", 1),
    ("trách nhiệm người đứng đầu cơ quan hành chính nhà nước trong thực hiện cải cách hành chính", 1),
    ("tăng cường kỷ luật, kỷ cương hành chính trong cơ quan hành chính nhà nước các cấp", 1),
    ("thông tin, tuyên truyền về cải cách hành chính", 1),
    ("đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước", 1),
    ("xây dựng, ban hành và kiểm tra văn bản quy phạm pháp luật", 2),
    ("theo dõi tình hình thi hành pháp luật", 2),
    ("rà soát, hệ thống hóa văn bản quy phạm pháp luật", 2),
    ("tiếp công dân và xử lý đơn khiếu nại, tố cáo, kiến nghị, phản ánh", 2),
    ("phòng, chống tham nhũng, tiêu cực trong hoạt động công vụ", 2),
    ("chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của các đơn vị trực thuộc", 4),
    ("sắp xếp, kiện toàn tổ chức bộ máy theo hướng tinh gọn, hoạt động hiệu lực, hiệu quả", 4),
    ("vị trí việc làm và biên chế công chức trong cơ quan, tổ chức hành chính", 4),
    ("tinh giản biên chế", 4),
    ("tuyển dụng, sử dụng và quản lý công chức", 5),
    ("đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức", 5),
    ("văn hóa công sở và đạo đức công vụ", 5),
    ("đào tạo, bồi dưỡng cán bộ, công chức, viên chức", 5),
    ("xử lý kỷ luật cán bộ, công chức, viên chức", 5),
    ("cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập", 6),
    ("quản lý, sử dụng tài sản công tại cơ quan, đơn vị", 6),
    ("chế độ khoán kinh phí quản lý hành chính và chi tiêu nội bộ", 6),
    ("định mức kinh tế - kỹ thuật áp dụng đối với dịch vụ sự nghiệp công sử dụng ngân sách nhà nước", 6),
]

# The vocabulary of sentences: {slot} is drawn from the list of that name, or computed (numbers, dates).
WORDS = {
    "action": [
        "tiếp tục đẩy mạnh", "triển khai thực hiện", "chủ động rà soát", "tập trung chỉ đạo", "tăng cường kiểm tra",
        "nâng cao chất lượng", "kiện toàn", "đôn đốc thực hiện", "tổ chức tuyên truyền", "quán triệt và cụ thể hóa",
        "rà soát, đơn giản hóa", "công khai đầy đủ", "theo dõi, đánh giá", "tham mưu triển khai", "phối hợp thực hiện",
        "khẩn trương hoàn thành", "chấn chỉnh", "đổi mới", "ứng dụng có hiệu quả", "duy trì, cải tiến",
        "đẩy nhanh tiến độ", "nghiêm túc thực hiện", "tổng hợp, đánh giá", "hoàn thiện",
    ],
    "object": [
        "công tác cải cách hành chính", "công tác CCHC", "thủ tục hành chính", "các TTHC thuộc thẩm quyền giải quyết",
        "cơ chế một cửa, một cửa liên thông", "dịch vụ công trực tuyến toàn trình", "dịch vụ công trực tuyến một phần",
        "chữ ký số chuyên dùng", "hệ thống quản lý văn bản và điều hành", "vị trí việc làm",
        "kỷ luật, kỷ cương hành chính", "cơ chế tự chủ tài chính", "cơ sở dữ liệu quốc gia về dân cư",
        "Cổng Dịch vụ công quốc gia", "hồ sơ công việc điện tử",
        "hệ thống quản lý chất lượng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015", "chế độ báo cáo định kỳ",
        "văn bản quy phạm pháp luật", "công tác tiếp công dân", "việc giải quyết khiếu nại, tố cáo",
        "tinh giản biên chế", "sắp xếp tổ chức bộ máy", "đánh giá, xếp loại cán bộ, công chức", "văn hóa công sở",
        "đạo đức công vụ", "quản lý tài chính công", "chính quyền điện tử", "chuyển đổi số",
        "ứng dụng công nghệ thông tin", "Chỉ số cải cách hành chính (PAR Index)",
        "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", "thông tin tuyên truyền về cải cách hành chính",
        "kiểm soát thủ tục hành chính", "phản ánh, kiến nghị của người dân, doanh nghiệp", "thanh toán trực tuyến",
        "lưu trữ hồ sơ điện tử", "các nhiệm vụ được giao tại Kế hoạch cải cách hành chính năm {year}",
        "quy chế dân chủ ở cơ sở", "trách nhiệm người đứng đầu", "thủ tục hành chính nội bộ",
        "việc gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia", "số hóa hồ sơ, kết quả giải quyết TTHC",
        "đào tạo, bồi dưỡng cán bộ, công chức, viên chức", "công tác kiểm tra cải cách hành chính",
        "Chính phủ điện tử, Chính phủ số", "cơ sở dữ liệu về cán bộ, công chức, viên chức",
    ],
    "purpose": [
        "nhằm nâng cao mức độ hài lòng của người dân, doanh nghiệp",
        "bảo đảm công khai, minh bạch, đúng quy định",
        "góp phần xây dựng nền hành chính dân chủ, chuyên nghiệp, hiện đại",
        "tạo thuận lợi cho tổ chức, cá nhân trong giải quyết thủ tục hành chính",
        "giảm thời gian, chi phí tuân thủ thủ tục hành chính", "khắc phục tình trạng chậm báo cáo, báo cáo sơ sài",
        "phục vụ công tác chỉ đạo, điều hành", "nâng cao hiệu lực, hiệu quả quản lý nhà nước",
        "đáp ứng yêu cầu chuyển đổi số", "siết chặt kỷ luật, kỷ cương hành chính",
        "phấn đấu nâng cao thứ hạng Chỉ số cải cách hành chính", "bảo đảm chất lượng và đúng tiến độ đề ra",
        "nâng cao trách nhiệm thực thi công vụ của cán bộ, công chức",
    ],
    "time": [
        "trong năm {year}", "trong 6 tháng đầu năm {year}", "trong quý {q} năm {year}", "trước ngày {date}",
        "định kỳ hằng quý", "đến hết ngày {date}", "trong giai đoạn 2021 - 2025", "trong giai đoạn 2021 - 2030",
        "trong thời gian tới", "từ đầu năm đến nay", "ngay trong tháng {month}",
    ],
    "quality": ["kịp thời", "đầy đủ", "đúng thời hạn", "chất lượng", "thực chất", "đồng bộ", "hiệu quả"],
    "weak": [
        "một số đơn vị còn chậm báo cáo, nội dung báo cáo sơ sài, thiếu số liệu kiểm chứng",
        "việc triển khai dịch vụ công trực tuyến toàn trình chưa đồng đều giữa các đơn vị",
        "tỷ lệ hồ sơ nộp trực tuyến còn thấp, mới đạt {pct}",
        "một số thủ tục hành chính còn để xảy ra tình trạng trễ hạn",
        "cơ sở vật chất, trang thiết bị tại Bộ phận Một cửa chưa đáp ứng yêu cầu",
        "việc số hóa hồ sơ, kết quả giải quyết TTHC còn chậm",
        "công tác tuyên truyền về cải cách hành chính chưa thường xuyên, hình thức chưa phong phú",
        "sự phối hợp giữa các cơ quan, đơn vị trong giải quyết thủ tục liên thông có lúc chưa chặt chẽ",
        "một bộ phận cán bộ, công chức chưa thực sự chủ động, còn ngại đổi mới",
        "việc cập nhật, công khai thủ tục hành chính trên Cổng thông tin điện tử chưa kịp thời",
        "chữ ký số chưa được sử dụng thường xuyên trong gửi, nhận văn bản",
    ],
    "cause": [
        "người đứng đầu một số cơ quan chưa thực sự quan tâm chỉ đạo",
        "đội ngũ làm công tác cải cách hành chính chủ yếu kiêm nhiệm",
        "hạ tầng công nghệ thông tin chưa đồng bộ, kết nối còn gián đoạn",
        "kinh phí bố trí cho cải cách hành chính còn hạn chế",
        "thói quen giao dịch trực tiếp của người dân chưa thay đổi",
    ],
}
AGENTS = {
    "ttcp": [
        "Thanh tra Chính phủ", "các vụ, cục, đơn vị thuộc Thanh tra Chính phủ", "Văn phòng Thanh tra Chính phủ",
        "Vụ Tổ chức cán bộ", "Vụ Pháp chế", "Vụ Kế hoạch, Tài chính và Tổng hợp", "Ban Tiếp công dân Trung ương",
        "người đứng đầu các vụ, cục, đơn vị", "đội ngũ cán bộ, công chức, viên chức", "đầu mối CCHC của các đơn vị",
        "Viện Chiến lược và Khoa học thanh tra", "Trung tâm Thông tin", "thanh tra các bộ, ngành, địa phương",
    ],
    "province": [
        "Sở Nội vụ", "Văn phòng UBND tỉnh", "các sở, ban, ngành", "UBND các huyện, thị xã, thành phố",
        "UBND cấp xã", "Trung tâm Phục vụ hành chính công tỉnh", "Bộ phận Một cửa các cấp",
        "Sở Thông tin và Truyền thông", "Sở Tài chính", "Sở Tư pháp", "người đứng đầu các cơ quan, đơn vị",
        "đội ngũ cán bộ, công chức, viên chức",
        "Thanh tra tỉnh", "các cơ quan hành chính nhà nước trên địa bàn",
    ],
    "central": [
        "các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        "Bộ Nội vụ", "Văn phòng Chính phủ", "Bộ Thông tin và Truyền thông", "Bộ Tài chính", "Bộ Tư pháp",
        "người đứng đầu các cơ quan hành chính nhà nước", "Thanh tra Chính phủ",
        "các cơ quan, tổ chức, cá nhân có liên quan",
        "Tổ công tác cải cách thủ tục hành chính của Thủ tướng Chính phủ", "cán bộ, công chức, viên chức",
    ],
}
AGENTS["ministry"] = AGENTS["central"]
AGENTS["party"] = ["các cấp ủy, tổ chức đảng", "các sở, ban, ngành, đoàn thể", "cấp ủy, người đứng đầu các cơ quan",
                   "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
                   "Ban cán sự đảng UBND tỉnh", "đội ngũ cán bộ, đảng viên"]
# Who units report to and answer to, by the issuer's level.
LEVEL_WORDS = {
    "ttcp": {"reporter": ["Thanh tra Chính phủ (qua Vụ Tổ chức cán bộ)", "Vụ Tổ chức cán bộ",
                          "Văn phòng Thanh tra Chính phủ", "Ban Chỉ đạo cải cách hành chính của Thanh tra Chính phủ"],
             "superior": ["Tổng Thanh tra Chính phủ", "Lãnh đạo Thanh tra Chính phủ", "cấp trên trực tiếp"]},
    "province": {"reporter": ["Sở Nội vụ", "Văn phòng UBND tỉnh", "Ban Chỉ đạo cải cách hành chính tỉnh",
                              "Tổ công tác cải cách hành chính"],
                 "superior": ["Chủ tịch Ủy ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh", "cấp trên trực tiếp"]},
    "central": {"reporter": ["Bộ Nội vụ", "Văn phòng Chính phủ", "Ban Chỉ đạo cải cách hành chính của Chính phủ"],
                "superior": ["Thủ tướng Chính phủ", "Chính phủ", "Bộ trưởng"]},
    "party": {"reporter": ["Ban Thường vụ Tỉnh ủy (qua Văn phòng Tỉnh ủy)", "Văn phòng Tỉnh ủy"],
              "superior": ["Ban Thường vụ Tỉnh ủy", "cấp ủy cấp trên"]},
}
LEVEL_WORDS["ministry"] = LEVEL_WORDS["central"]
ARTICLES = [  # headings of the middle articles of a legal text
    "Nguyên tắc thực hiện", "Trách nhiệm của {agent}", "Quy định về {object}", "Thực hiện {object}",
    "Kinh phí thực hiện", "Chế độ báo cáo", "Kiểm tra, giám sát", "Khen thưởng và xử lý vi phạm",
    "Công khai {object}", "Nhiệm vụ, giải pháp",
]

# Sentence templates: our own words, for the kinds of paragraphs official texts are made of.
DIRECTIVES = [
    "{agent} {action} {object} {time}, {purpose}.",
    "Giao {agent} chủ trì, phối hợp với {agent} {action} {object}; báo cáo kết quả về {reporter} trước ngày {date}.",
    "Yêu cầu {agent} {action} {object}, {purpose}.",
    "Đề nghị {agent} quan tâm {action} {object} {place}.",
    "Tiếp tục {action} {object} gắn với {object}, {purpose}.",
    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước {superior} về kết quả {object} tại cơ quan, đơn vị mình.",
    "{agent} thực hiện {quality}, {quality} {object} theo đúng quy định.",
    "Chú trọng {object}; xác định đây là nhiệm vụ trọng tâm, thường xuyên {time}.",
    "Phân công cụ thể cán bộ, công chức theo dõi {object}, định kỳ báo cáo {reporter}.",
    "Lồng ghép {object} vào chương trình công tác của cơ quan, đơn vị {time}.",
    "Đưa kết quả {object} vào tiêu chí đánh giá, xếp loại tập thể, cá nhân và bình xét thi đua cuối năm.",
]
RESULTS = [
    ("{time}, {agent} đã tiếp nhận {big} hồ sơ, trong đó {big} hồ sơ trực tuyến; tỷ lệ hồ sơ giải quyết đúng hạn "
     "đạt {pct}."),
    "Đã rà soát {n} thủ tục hành chính, đề xuất đơn giản hóa {n} thủ tục, cắt giảm {pct} thời gian giải quyết.",
    "{ratio} đơn vị đã ban hành kế hoạch cải cách hành chính năm {year} và triển khai đúng tiến độ.",
    "Chỉ số cải cách hành chính năm {prev} đạt {score} điểm, xếp thứ {rank}, tăng {n} bậc so với năm trước.",
    "Chỉ số SIPAS năm {prev} đạt {pct}, cao hơn mức bình quân chung.",
    "Tổng kinh phí bố trí cho công tác cải cách hành chính năm {year} là {money}.",
    "Tỷ lệ văn bản đi được ký số và gửi trên môi trường mạng đạt {pct}.",
    ("{agent} đã tổ chức {n} cuộc kiểm tra công tác cải cách hành chính tại {n} cơ quan, đơn vị, đạt {pct} "
     "kế hoạch."),
    "Đã tiếp {big} lượt công dân với {n} đoàn đông người; tiếp nhận {big} đơn, trong đó {pct} đơn đủ điều kiện xử lý.",
    "Đã số hóa {big} hồ sơ, kết quả giải quyết thủ tục hành chính, đạt {pct} so với chỉ tiêu.",
    "Toàn {unit} có {n} dịch vụ công trực tuyến toàn trình và {n} dịch vụ công trực tuyến một phần.",
    "Biên chế được giao là {big} chỉ tiêu, đã sử dụng {big}; thực hiện tinh giản {n} người theo quy định.",
    "{ratio} cơ quan, đơn vị đã áp dụng hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015.",
    "Đã ban hành {n} văn bản chỉ đạo, điều hành về cải cách hành chính; {ratio} nhiệm vụ hoàn thành đúng hạn.",
    "Tỷ lệ thanh toán trực tuyến phí, lệ phí đạt {pct}, tăng {pct} so với cùng kỳ năm {prev}.",
    "{agent} đã xử lý {big} phản ánh, kiến nghị; không có phản ánh, kiến nghị tồn đọng quá hạn.",
    "Kết quả tự đánh giá, chấm điểm đạt {score}/100 điểm, cao hơn {score} điểm so với năm {prev}.",
]
PROBLEMS = [
    "Tuy nhiên, {weak}.",
    "Bên cạnh kết quả đạt được, {weak}; nguyên nhân chủ yếu là do {cause}.",
    "Nguyên nhân của hạn chế là {cause}.",
    "{weak}, ảnh hưởng đến kết quả chung.",
]
OPENINGS = [
    "Thực hiện {ref}, {org} ban hành {kindlow} về {topic} như sau:",
    "Căn cứ {ref} và tình hình thực tế, {org} xây dựng {kindlow} với các nội dung sau:",
    "Nhằm triển khai có hiệu quả {ref}, {org} ban hành {kindlow} như sau:",
]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
QUARTERS = ["I", "II", "III", "IV"]
OLD_TONES = [("hóa", "hoá"), ("Hóa", "Hoá"), ("hòa", "hoà"), ("Hòa", "Hoà"), ("ủy", "uỷ"), ("Ủy", "Uỷ"),
             ("thủy", "thuỷ"), ("Thủy", "Thuỷ")]


def vn_int(n: int) -> str:
    """1250000 → ``1.250.000``."""
    return f"{n:,}".replace(",", ".")


def vn_dec(x: float, places: int) -> str:
    """86.52 → ``86,52``; the thousands separated by points."""
    whole, frac = f"{x:,.{places}f}".split(".") if places else (f"{x:,.0f}", "")
    whole = whole.replace(",", ".")
    return f"{whole},{frac}" if frac else whole


def d_short(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d.day % 2 else f"{d.day}/{d.month}/{d.year}"


def d_long(d: date) -> str:
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Ref:
    """A generated document as later documents cite it."""

    __slots__ = ("about", "day", "doc_type", "issuer", "number", "ordinal")

    def __init__(self, ordinal, doc_type, number, issuer, about, day):
        self.ordinal, self.doc_type, self.number, self.issuer, self.about, self.day = (
            ordinal, doc_type, number, issuer, about, day)

    def cite(self, rnd: random.Random, long_date: bool = False) -> str:
        x = rnd.random()
        who = self.issuer.long if x < 0.5 else self.issuer.name
        when = d_long(self.day) if long_date else f"ngày {d_short(self.day)}"
        if x < 0.75:
            return f"{self.doc_type} số {self.number} {when} của {who} {self.about}"
        if x < 0.9:
            return f"{self.doc_type} số {self.number} {when} của {who}"
        return f"{self.doc_type} số {self.number}"


class Generator:
    def __init__(self, seed: int):
        self.seed = seed
        self.rnd = random.Random(seed)
        self.rand = self.rnd.random
        self.used: set[str] = set(RESERVED)
        self.refs: dict = {}  # pool key → [Ref]
        self.level_words = {level: {**WORDS, **LEVEL_WORDS[level], "agent": agents} for level, agents in AGENTS.items()}

    # Random helpers (rand() indexing: a few times faster than rnd.choice, same determinism)

    def pick(self, seq):
        return seq[int(self.rand() * len(seq))]

    def between(self, lo: int, hi: int) -> int:
        return lo + int(self.rand() * (hi - lo + 1))

    def pool_pick(self, key, before: int, tries: int = 6):
        pool = self.refs.get(key)
        if not pool:
            return None
        for _ in range(tries):
            ref = pool[int(self.rand() * len(pool))]
            if ref.ordinal < before:
                return ref
        return None

    def basis(self, issuer: Issuer, before: int):
        """An earlier legal text ``issuer`` may act upon: of its rank or higher, or one of its province's."""
        if issuer.rank == 1 and self.rand() < 0.5:
            ref = self.pool_pick(("local", issuer.home), before)
            if ref:
                return ref
        return (self.pool_pick(("rank", self.between(max(issuer.rank, 2), 5)), before)
                or self.pool_pick(("rank", 4), before))

    def plan(self, issuer: Issuer, before: int):
        """An earlier plan of the issuer's province or agency, else a national one."""
        return self.pool_pick(("plans", issuer.home), before) or self.pool_pick(("plans", "national"), before)

    def remember(self, key, ref: Ref) -> None:
        self.refs.setdefault(key, []).append(ref)

    def take(self, key, before: int):
        """Pick an earlier document from a pool and remove it (a text is replaced or repealed once)."""
        pool = self.refs.get(key)
        if not pool:
            return None
        for _ in range(4):
            i = int(self.rand() * len(pool))
            if pool[i].ordinal < before:
                pool[i], pool[-1] = pool[-1], pool[i]
                return pool.pop()
        return None

    # Slots

    def fill(self, template: str, ctx: dict) -> str:
        text = template.format_map(ctx)
        return text.format_map(ctx) if "{" in text else text

    def sentences(self, templates, ctx, n: int) -> str:
        """``n`` sentences from random templates (the hot loop: pick, fill and cap written out)."""
        rand, k, out = self.rand, len(templates), []
        for _ in range(n):
            text = templates[int(rand() * k)].format_map(ctx)
            if "{" in text:
                text = text.format_map(ctx)
            out.append(text[:1].upper() + text[1:])
        return " ".join(out)

    # One document

    def number_for(self, kind: Kind, issuer: Issuer, year: int) -> str | None:
        code = kind.code
        if "{" in code:
            code = code.format(i=issuer.code, d=self.pick(issuer.depts), term=_term(year))
        for _ in range(12):
            n = self.between(1, kind.max_no)
            if kind.style == "year":
                number = f"{n}/{year}/{code}"
            elif kind.style == "party":
                number = f"{n}-{code}"
            else:
                number = f"{n}/{code}"
            if number not in self.used:
                self.used.add(number)
                return number
        return None

    def document(self) -> dict:
        rand = self.rand
        span = (REFERENCE_DAY - FIRST_DAY).days
        while True:
            kind = KINDS[bisect(KIND_CUM, rand() * KIND_CUM[-1])]
            issuer = kind.issuers[bisect(kind.cum, rand() * kind.cum[-1])] if len(kind.issuers) > 1 else kind.issuers[0]
            ordinal = FIRST_DAY.toordinal() + int(span * rand() ** 0.75)  # more recent documents than old ones
            day = date.fromordinal(ordinal)
            number = self.number_for(kind, issuer, day.year)
            if number:
                break
        topic, field = self.pick(TOPICS)
        fields = [field]
        if rand() < 0.35:
            other = self.between(1, 7)
            if other != field:
                fields.append(other)
        effective = _effective(kind.effect, day, rand)
        status = None
        if kind.effect != "none":
            status = _status(effective, day, rand)
        year = day.year
        place = {"ttcp": "trong toàn ngành thanh tra", "province": f"trên địa bàn {issuer.province}",
                 "party": f"trên địa bàn {issuer.province or 'cả nước'}"}.get(issuer.level, "trên phạm vi cả nước")
        ctx = Slots(self, self.level_words.get(issuer.level, self.level_words["central"]), issuer)
        ctx.update(year=year, prev=year - 1, next=year + 1, month=day.month, place=place, org=issuer.long,
                   unit={"province": issuer.province or "tỉnh", "ttcp": "ngành thanh tra"}.get(issuer.level, "quốc"),
                   topic=topic, kindlow=kind.doc_type.lower())
        doc = Doc(self, kind, issuer, number, day, ordinal, topic, fields, effective, status, ctx)
        TITLES[kind.title](doc)
        BODIES[kind.body](doc)
        ref = Ref(ordinal, kind.doc_type, number, issuer, doc.about, day)
        self.remember(("type", kind.doc_type), ref)
        self.remember(("ti", kind.doc_type, issuer.name), ref)
        if kind.category == "legal":
            if issuer.rank >= 2:
                self.remember(("rank", issuer.rank), ref)
            if issuer.rank == 1 or issuer.home == "ttcp":
                self.remember(("local", issuer.home), ref)
        if kind.doc_type == "Kế hoạch":
            self.remember(("plan", issuer.name, doc.plan_year), ref)
            self.remember(("plans", issuer.home), ref)
        if status == "Hết hiệu lực toàn bộ":
            self.remember(("gone", kind.doc_type, issuer.name), ref)
        elif status == "Hết hiệu lực một phần":
            self.remember(("part", kind.doc_type, issuer.name), ref)
        body = "\n".join(doc.lines)
        if rand() < 0.08:  # older typing habits: hoá, hoà, uỷ (the portal folds both to one form)
            for new, old in OLD_TONES:
                body = body.replace(new, old)
        signers = issuer.signers(self.seed)
        return {
            "number": number,
            "type": kind.doc_type,
            "category": kind.category,
            "title": doc.title,
            "summary": doc.summary,
            "issuer": issuer.name,
            "signer": signers[int(rand() * len(signers))] if rand() < 0.93 else "",
            "issued_on": day.isoformat(),
            "effective_on": effective.isoformat() if effective else None,
            "status": status,
            "fields": [FIELDS[f - 1] for f in doc.fields],
            "visibility": "all",
            "body": body,
        }


class Slots(dict):
    """Per-document values; any other ``{name}`` is drawn afresh at each use."""

    __slots__ = ("gen", "issuer", "words")

    def __init__(self, gen: Generator, words: dict, issuer: Issuer):
        super().__init__()
        self.gen, self.words, self.issuer = gen, words, issuer

    def __missing__(self, key):
        gen = self.gen
        rand = gen.rand
        words = self.words.get(key)
        if words is not None:
            return words[int(rand() * len(words))]
        if key == "n":
            return 2 + int(rand() * rand() * 120)
        if key == "big":
            return vn_int(int(1000 * 10 ** (rand() * 2.6)))
        if key == "pct":
            x = 100 - 60 * rand() * rand()
            return ("100" if x > 99.95 else vn_dec(x, 2 if rand() < 0.6 else 1)) + "%"
        if key == "ratio":
            total = 5 + int(rand() * 60)
            return f"{total - int(rand() * rand() * total)}/{total}"
        if key == "score":
            return vn_dec(70 + 28 * rand(), 2)
        if key == "rank":
            return f"{1 + int(rand() * 63)}/63"
        if key == "money":
            if rand() < 0.5:
                return f"{vn_dec(100 + 9000 * rand(), 1)} triệu đồng"
            return f"{vn_dec(1 + 40 * rand(), 2)} tỷ đồng"
        if key == "date":
            month = gen.between(1, 12)
            return f"{gen.between(1, 28)}/{month}/{self['year']}"
        if key == "q":
            return QUARTERS[int(rand() * 4)]
        if key == "ref":
            ref = gen.basis(self.issuer, self["_ordinal"])
            return ref.cite(gen.rnd) if ref else "các văn bản chỉ đạo của cấp trên"
        raise KeyError(key)


def _term(year: int) -> int:
    """The legislature that passes laws in ``year`` (QH13 from mid-2011, QH14 from mid-2016, ...)."""
    return 12 + max(0, (year - 2007) // 5)


def _effective(effect: str, day: date, rand) -> date | None:
    if effect == "none":
        return None
    if effect == "signed":
        return day
    if effect == "law":
        return date(day.year + 1, 1 if rand() < 0.6 else 7, 1)
    if rand() < 0.1:
        return day
    return date.fromordinal(day.toordinal() + 15 + int(rand() * 46))


def _status(effective: date, day: date, rand) -> str:
    if effective > REFERENCE_DAY:
        return "Chưa có hiệu lực"
    age = (REFERENCE_DAY - day).days / 365.25
    x = rand()
    if x < min(0.45, 0.035 * age):
        return "Hết hiệu lực toàn bộ"
    if x < min(0.65, 0.055 * age):
        return "Hết hiệu lực một phần"
    return "Còn hiệu lực"


class Doc:
    """One document being written: its metadata, title, summary and body lines."""

    __slots__ = ("about", "ctx", "day", "effective", "fields", "gen", "issuer", "kind", "lines", "number", "ordinal",
                 "plan_year", "relation", "status", "summary", "target", "title", "topic")

    def __init__(self, gen, kind, issuer, number, day, ordinal, topic, fields, effective, status, ctx):
        self.gen, self.kind, self.issuer, self.number, self.day, self.ordinal = gen, kind, issuer, number, day, ordinal
        self.topic, self.fields, self.effective, self.status, self.ctx = topic, fields, effective, status, ctx
        self.title = self.summary = ""
        self.about = f"về {topic}"
        self.lines: list[str] = []
        self.plan_year = day.year
        self.relation = self.target = None
        ctx["_ordinal"] = ordinal

    def cite(self, what: str) -> str | None:
        """How this document names an earlier legal text (``basis``) or plan (``plan``) it acts upon."""
        ref = (self.gen.basis if what == "basis" else self.gen.plan)(self.issuer, self.ordinal)
        return ref.cite(self.gen.rnd) if ref else None


# Titles (trích yếu). Each sets doc.title, doc.about (how citations describe it) and doc.summary.

def _legal_relation(doc: Doc) -> None:
    """Some legal texts amend, replace or guide an earlier one: it shows in the title and the body."""
    gen, kind, rand = doc.gen, doc.kind, doc.gen.rand
    x = rand()
    if x < 0.12:
        target = gen.take(("part", kind.doc_type, doc.issuer.name), doc.ordinal)
        if target:
            doc.relation, doc.target = "amends", target
            doc.topic = target.about[3:] if target.about.startswith("về ") else doc.topic
            doc.title = f"Sửa đổi, bổ sung một số điều của {target.cite(gen.rnd, long_date=True)}"
            return
    elif x < 0.22:
        target = gen.take(("gone", kind.doc_type, doc.issuer.name), doc.ordinal)
        if target:
            doc.relation, doc.target = "replaces", target
            doc.topic = target.about[3:] if target.about.startswith("về ") else doc.topic
    elif x < 0.32 and kind.doc_type == "Thông tư":
        target = gen.pool_pick(("type", "Nghị định"), doc.ordinal)
        if target:
            doc.relation, doc.target = "guides", target
            doc.title = f"Hướng dẫn thi hành một số điều của {target.cite(gen.rnd, long_date=True)}"


def title_law(doc: Doc) -> None:
    doc.title = cap(doc.topic) if doc.gen.rand() < 0.5 else f"Luật sửa đổi, bổ sung một số điều về {doc.topic}"
    doc.about = f"về {doc.topic}"
    doc.summary = f"Luật quy định về {doc.topic}; áp dụng đối với cơ quan, tổ chức, cá nhân có liên quan."


def title_decree(doc: Doc) -> None:
    _legal_relation(doc)
    if not doc.title:
        doc.title = doc.gen.pick(["Quy định {t}", "Về {t}",
                                  "Quy định chi tiết một số điều và biện pháp thi hành về {t}"]
                                 ).format(t=doc.topic)
    doc.about = f"về {doc.topic}" if doc.relation != "amends" else f"sửa đổi, bổ sung quy định về {doc.topic}"
    doc.summary = doc.gen.fill(
        f"{doc.kind.doc_type} quy định {doc.topic}; {{agent}} {{action}} {{object}}, {{purpose}}.", doc.ctx)


title_circular = title_decree
title_resolution = title_decree


def title_decision(doc: Doc) -> None:
    gen, ctx = doc.gen, doc.ctx
    x = gen.rand()
    if doc.kind.style == "year" or x < 0.25:
        title_decree(doc)
        return
    if x < 0.45:
        doc.title = (f"Ban hành Kế hoạch cải cách hành chính năm {doc.day.year + (doc.day.month == 12)} "
                     f"của {doc.issuer.name}")
    elif x < 0.6:
        doc.title = f"Công bố danh mục thủ tục hành chính được chuẩn hóa thuộc phạm vi quản lý của {doc.issuer.long}"
        doc.topic = "công bố thủ tục hành chính"
    elif x < 0.72:
        doc.title = f"Kiện toàn Ban Chỉ đạo cải cách hành chính {ctx['place']}"
    elif x < 0.85:
        doc.title = f"Phê duyệt Đề án {doc.topic}"
    else:
        doc.title = f"Ban hành Quy chế {doc.topic}"
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill(f"{doc.title}. {{agent}} {{action}} {{object}} {{time}}.", ctx)


def title_directive(doc: Doc) -> None:
    doc.title = doc.gen.pick(["Về {t}", "Về tăng cường {t}", "Về đẩy mạnh {t}",
                              "Về chấn chỉnh {t}"]).format(t=doc.topic)
    doc.about = doc.title[0].lower() + doc.title[1:]
    doc.summary = doc.gen.fill(f"Chỉ thị {doc.about}: yêu cầu {{agent}} {{action}} {{object}}, {{purpose}}.", doc.ctx)


def title_plan(doc: Doc) -> None:
    gen, day, issuer = doc.gen, doc.day, doc.issuer
    x = gen.rand()
    if day.month == 12 or day.month <= 2:
        doc.plan_year = day.year + (day.month == 12)
        doc.title = f"Kế hoạch cải cách hành chính năm {doc.plan_year} của {issuer.name}"
        doc.fields = list(range(1, 8))
    elif x < 0.25:
        doc.title = f"Kế hoạch tuyên truyền cải cách hành chính năm {day.year}"
        doc.fields = [1]
    elif x < 0.45:
        doc.title = f"Kế hoạch kiểm tra công tác cải cách hành chính năm {day.year}"
        doc.fields = [1]
    elif x < 0.6:
        doc.title = f"Kế hoạch khảo sát, đo lường sự hài lòng của người dân, tổ chức năm {day.year}"
        doc.fields = [1, 3]
    else:
        doc.title = f"Kế hoạch triển khai {doc.topic} {gen.pick(['năm ' + str(day.year), 'giai đoạn 2021 - 2025'])}"
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill(f"{doc.title}: {{action}} {{object}}, {{purpose}}; "
                           f"phân công nhiệm vụ cho {{agent}}.", doc.ctx)


def title_report(doc: Doc) -> None:
    gen, day = doc.gen, doc.day
    period = {3: "quý I", 4: "quý I", 6: "6 tháng đầu năm", 7: "6 tháng đầu năm", 9: "9 tháng", 10: "9 tháng",
              11: "năm", 12: "năm"}.get(day.month)
    if period and gen.rand() < 0.75:
        doc.title = f"Báo cáo kết quả công tác cải cách hành chính {period} {day.year}"
        doc.fields = list(range(1, 8))
        doc.target = gen.pool_pick(("plan", doc.issuer.name, day.year), doc.ordinal)
    elif day.month <= 2:
        doc.title = f"Báo cáo tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {day.year - 1}"
        doc.fields = [1]
    else:
        doc.title = gen.pick([f"Báo cáo kết quả kiểm tra {doc.topic}", f"Báo cáo tình hình {doc.topic} năm {day.year}",
                              f"Báo cáo sơ kết {doc.topic}"])
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill(f"{doc.title}: {{weak}}; {{action}} {{object}} {{time}}.", doc.ctx)


def title_notice(doc: Doc) -> None:
    gen = doc.gen
    who = gen.pick(doc.issuer.signers(gen.seed))
    doc.title = gen.pick([f"Kết luận của đồng chí {who} tại cuộc họp về {doc.topic}",
                          f"Thông báo kết luận Hội nghị sơ kết công tác cải cách hành chính {doc.day.year}",
                          f"Ý kiến kết luận về {doc.topic}"])
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill(f"{doc.title}; giao {{agent}} {{action}} {{object}}.", doc.ctx)


def title_letter(doc: Doc) -> None:
    gen = doc.gen
    doc.title = gen.pick([
        "V/v đôn đốc báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính "
        f"quý {gen.pick(QUARTERS)} năm {doc.day.year}",
        f"V/v góp ý dự thảo văn bản về {doc.topic}", f"V/v triển khai {doc.topic}",
        f"V/v cung cấp thông tin, số liệu về {doc.topic}", f"V/v thực hiện chế độ báo cáo năm {doc.day.year}"])
    doc.about = doc.title.replace("V/v", "về", 1)
    doc.summary = gen.fill("Đề nghị {agent} {action} {object} {time}.", doc.ctx)


def title_submission(doc: Doc) -> None:
    gen = doc.gen
    doc.title = gen.pick([f"Đề nghị ban hành Quy chế về {doc.topic}", f"Về việc phê duyệt Kế hoạch {doc.topic}",
                          f"Đề nghị phê duyệt dự toán kinh phí thực hiện {doc.topic} năm {doc.day.year}"])
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill("{agent} kính trình xem xét, quyết định; kinh phí dự kiến {money}.", doc.ctx)


def title_guide(doc: Doc) -> None:
    gen = doc.gen
    doc.target = gen.plan(doc.issuer, doc.ordinal)
    doc.title = gen.pick([f"Hướng dẫn xây dựng báo cáo {doc.topic}", f"Hướng dẫn thực hiện {doc.topic}",
                          f"Hướng dẫn tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {doc.day.year}"])
    if doc.target:
        doc.relation = "guides"
    doc.about = "về " + doc.title[0].lower() + doc.title[1:]
    doc.summary = gen.fill(f"{doc.title}; áp dụng đối với {{agent}}.", doc.ctx)


PROCEDURE_NAMES = [  # (name, reform field)
    ("tiếp công dân tại Trụ sở tiếp công dân", 3), ("xử lý đơn khiếu nại, tố cáo, kiến nghị, phản ánh", 3),
    ("xử lý văn bản đến, văn bản đi trên hệ thống quản lý văn bản và điều hành", 7),
    ("xây dựng và ban hành văn bản", 2), ("tiếp nhận và trả kết quả giải quyết thủ tục hành chính", 3),
    ("lập kế hoạch thanh tra hằng năm", 1), ("kiểm soát tài liệu và hồ sơ theo TCVN ISO 9001:2015", 4),
    ("đánh giá nội bộ hệ thống quản lý chất lượng", 4), ("quản lý và sử dụng con dấu, chữ ký số", 7),
    ("tổ chức hội nghị, hội thảo", 1), ("mua sắm tài sản, hàng hóa", 6),
    ("giải quyết chế độ, chính sách cho cán bộ, công chức", 5), ("theo dõi, đôn đốc thực hiện kết luận thanh tra", 1),
]


def title_procedure(doc: Doc) -> None:
    gen = doc.gen
    name, field = gen.pick(PROCEDURE_NAMES)
    doc.fields = [field]
    doc.title = f"Quy trình {name}"
    doc.topic = name
    doc.about = f"về quy trình {name}"
    doc.summary = f"Quy trình {name} của {doc.issuer.name}, áp dụng theo tiêu chuẩn quốc gia TCVN ISO 9001:2015."


def title_rules(doc: Doc) -> None:
    gen = doc.gen
    kind = doc.kind.doc_type
    what = gen.pick(["làm việc", "chi tiêu nội bộ", "văn hóa công sở", "quản lý, sử dụng chữ ký số",
                     "phối hợp trong công tác cải cách hành chính", "thi đua, khen thưởng", f"về {doc.topic}"])
    doc.title = f"{kind} {what} của {doc.issuer.name}"
    doc.about = f"về {kind.lower()} {what}"
    doc.summary = gen.fill(f"{kind} {what}; {{agent}} {{action}} {{object}}.", doc.ctx)


TITLES = {
    "law": title_law, "decree": title_decree, "circular": title_circular, "decision": title_decision,
    "directive": title_directive, "resolution": title_resolution, "plan": title_plan, "report": title_report,
    "notice": title_notice, "letter": title_letter, "submission": title_submission, "guide": title_guide,
    "procedure": title_procedure, "rules": title_rules,
}


# Bodies. Each appends lines to doc.lines.

def _header(doc: Doc) -> None:
    """The official header, as the text of a signed document begins (more than half of them)."""
    gen = doc.gen
    if gen.rand() >= 0.55:
        return
    heading = doc.kind.doc_type.upper()
    doc.lines += [doc.issuer.long.upper(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  f"Số: {doc.number}", f"{doc.issuer.city}, {d_long(doc.day)}"]
    if doc.kind.doc_type != "Công văn":
        doc.lines += [heading, doc.title]
    else:
        doc.lines.append(doc.title)


def _footer(doc: Doc, signer: bool = True) -> None:
    gen = doc.gen
    if gen.rand() < 0.5:
        doc.lines += ["Nơi nhận:", "- Như trên;", f"- {gen.fill('{agent}', doc.ctx)};",
                      f"- Cổng thông tin điện tử {doc.issuer.name};", "- Lưu: VT, " + gen.pick(doc.issuer.depts) + "."]
    if signer:
        doc.lines += [gen.pick(doc.issuer.positions), gen.pick(doc.issuer.signers(gen.seed))]


def _paragraphs(doc: Doc, templates, count: int, lo: int, hi: int, numbered: str = "") -> None:
    gen, ctx = doc.gen, doc.ctx
    for i in range(count):
        text = gen.sentences(templates, ctx, gen.between(lo, hi))
        if numbered == "digit":
            text = f"{i + 1}. {text}"
        elif numbered == "letter":
            text = f"{'abcdefghik'[i % 10]}) {text}"
        elif numbered == "dash":
            text = f"- {text}"
        doc.lines.append(text)


def body_legal(doc: Doc) -> None:
    gen, ctx, kind = doc.gen, doc.ctx, doc.kind
    _header(doc)
    lines = doc.lines
    if kind.doc_type == "Luật":
        lines.append("Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;")
    else:
        for _ in range(gen.between(1, 4)):
            ref = doc.cite("basis")
            if ref:
                lines.append(f"Căn cứ {ref};")
    if doc.relation in ("amends", "guides"):
        lines.append(f"Căn cứ {doc.target.cite(gen.rnd)};")
    lines.append(gen.fill("Theo đề nghị của {agent};", ctx))
    lines.append(f"{doc.issuer.name} ban hành {kind.doc_type} {doc.about}.")
    articles = gen.between(3, 11)
    for k in range(1, articles + 1):
        if k == 1 and doc.relation == "amends":
            lines.append(f"Điều 1. Sửa đổi, bổ sung một số điều của {doc.target.doc_type} số {doc.target.number}")
            for c in range(gen.between(2, 4)):
                lines.append(f"{c + 1}. Sửa đổi, bổ sung khoản {gen.between(1, 5)} Điều {gen.between(2, 30)} như sau:")
                _paragraphs(doc, DIRECTIVES, 1, 1, 3, "dash")
            continue
        if k == 1:
            lines.append("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng")
            lines.append(f"{kind.doc_type} này quy định {doc.about.removeprefix('về ')}.")
            lines.append(cap(gen.fill("Áp dụng đối với {agent}, {agent} và {agent}.", ctx)))
            continue
        if k == articles:
            lines.append(f"Điều {k}. Hiệu lực và trách nhiệm thi hành")
            when = d_long(doc.effective) if doc.effective != doc.day else "ngày ký ban hành"
            extra = ""
            if doc.relation == "replaces":
                extra = f" và thay thế {doc.target.cite(gen.rnd)}"
            elif gen.rand() < 0.1:
                gone = gen.take(("gone", kind.doc_type, doc.issuer.name), doc.ordinal)
                if gone:
                    extra = f"; bãi bỏ {gone.cite(gen.rnd)}"
            lines.append(f"1. {kind.doc_type} này có hiệu lực thi hành kể từ {when}{extra}.")
            lines.append(cap(gen.fill(f"2. {{agent}} chịu trách nhiệm thi hành {kind.doc_type} này.", ctx)))
            continue
        lines.append(f"Điều {k}. {cap(gen.fill(gen.pick(ARTICLES), ctx))}")
        _paragraphs(doc, DIRECTIVES, gen.between(1, 4), 1, 3, "digit")
    _footer(doc)


def body_plan(doc: Doc) -> None:
    gen, ctx = doc.gen, doc.ctx
    _header(doc)
    lines = doc.lines
    ref = doc.cite("basis") or doc.cite("plan")
    if ref:
        ctx["ref"] = ref  # the opening names the text this plan carries out
    lines.append(cap(gen.fill(gen.pick(OPENINGS), ctx)))
    ctx.pop("ref", None)
    lines.append("I. MỤC ĐÍCH, YÊU CẦU")
    _paragraphs(doc, DIRECTIVES, gen.between(2, 3), 1, 2, "digit")
    lines.append("II. NHIỆM VỤ TRỌNG TÂM")
    for i, f in enumerate(sorted(doc.fields)):
        lines.append(f"{i + 1}. {FIELD_HEADINGS[f - 1]}")
        _paragraphs(doc, DIRECTIVES, gen.between(2, 4), 1, 2, "letter")
    lines.append("III. TỔ CHỨC THỰC HIỆN")
    _paragraphs(doc, DIRECTIVES, gen.between(2, 3), 1, 2, "digit")
    lines.append(cap(gen.fill(
        f"Các cơ quan, đơn vị báo cáo kết quả thực hiện quý I trước ngày 15/3/{doc.plan_year}, "
        f"6 tháng trước ngày 15/6/{doc.plan_year}, 9 tháng trước ngày 15/9/{doc.plan_year} và năm "
        f"trước ngày 15/11/{doc.plan_year} về {{reporter}} để tổng hợp.", ctx)))
    _footer(doc)


def body_report(doc: Doc) -> None:
    gen = doc.gen
    _header(doc)
    lines = doc.lines
    if doc.target:
        lines.append(f"Thực hiện {doc.target.cite(gen.rnd)}, {doc.issuer.long} báo cáo kết quả như sau:")
    else:
        ref = doc.cite("basis")
        lines.append(f"Thực hiện {ref}, {doc.issuer.long} báo cáo như sau:" if ref else
                     f"{doc.issuer.long} báo cáo kết quả thực hiện như sau:")
    lines.append("I. KẾT QUẢ ĐẠT ĐƯỢC")
    for i, f in enumerate(sorted(doc.fields)):
        lines.append(f"{i + 1}. {FIELD_HEADINGS[f - 1]}")
        _paragraphs(doc, RESULTS + DIRECTIVES[:3], gen.between(1, 3), 2, 4)
    lines.append("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN")
    _paragraphs(doc, PROBLEMS, gen.between(1, 3), 1, 2, "digit")
    lines.append("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI")
    _paragraphs(doc, DIRECTIVES, gen.between(2, 5), 1, 2, "digit")
    if gen.rand() < 0.5:
        lines.append("IV. KIẾN NGHỊ, ĐỀ XUẤT")
        _paragraphs(doc, DIRECTIVES[2:4], gen.between(1, 2), 1, 1, "digit")
    _footer(doc)


def body_notice(doc: Doc) -> None:
    gen, ctx = doc.gen, doc.ctx
    _header(doc)
    lines = doc.lines
    who = gen.pick(doc.issuer.signers(gen.seed))
    lines.append(cap(gen.fill(f"Ngày {{date}}, đồng chí {who} chủ trì cuộc họp về {doc.topic}. Tham dự có đại diện "
                              f"lãnh đạo {{agent}}, {{agent}} và {{agent}}.", ctx)))
    lines.append(cap(gen.fill("Sau khi nghe {agent} báo cáo và ý kiến của các đại biểu, "
                              f"đồng chí {who} kết luận như sau:", ctx)))
    lines.append("1. Đánh giá chung")
    _paragraphs(doc, RESULTS, 1, 2, 3)
    _paragraphs(doc, PROBLEMS, 1, 1, 2)
    lines.append("2. Nhiệm vụ trong thời gian tới")
    _paragraphs(doc, DIRECTIVES, gen.between(3, 6), 1, 2, "letter")
    lines.append(f"{doc.issuer.name} thông báo để các cơ quan, đơn vị biết, thực hiện.")
    _footer(doc, signer=gen.rand() < 0.5)


def body_letter(doc: Doc) -> None:
    gen, ctx = doc.gen, doc.ctx
    _header(doc)
    lines = doc.lines
    lines.append(cap(gen.fill("Kính gửi: {agent}.", ctx)))
    ref = doc.cite("plan") or doc.cite("basis")
    lead = f"Thực hiện {ref}, " if ref else ""
    lines.append(cap(gen.fill(f"{lead}{doc.issuer.name} đề nghị {{agent}} thực hiện một số nội dung sau:", ctx)))
    _paragraphs(doc, DIRECTIVES, gen.between(3, 6), 1, 3, "digit")
    phone = f"024.{gen.between(3800, 3999)}.{gen.between(1000, 9999)}"
    lines.append(f"Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ {gen.pick(doc.issuer.depts)} "
                 f"(điện thoại {phone}) để được hướng dẫn.")
    _footer(doc)


def body_submission(doc: Doc) -> None:
    gen = doc.gen
    _header(doc)
    lines = doc.lines
    recipient = gen.pick(["Tổng Thanh tra Chính phủ", "Ủy ban nhân dân tỉnh", "Lãnh đạo Thanh tra Chính phủ"])
    lines.append(f"Kính gửi: {recipient}")
    lines.append("I. SỰ CẦN THIẾT")
    _paragraphs(doc, RESULTS[:6] + PROBLEMS, gen.between(1, 2), 2, 3)
    lines.append("II. NỘI DUNG CHỦ YẾU")
    _paragraphs(doc, DIRECTIVES, gen.between(2, 4), 1, 2, "digit")
    lines.append(f"{doc.issuer.name} kính trình xem xét, quyết định./.")
    _footer(doc)


def body_guide(doc: Doc) -> None:
    gen = doc.gen
    _header(doc)
    lines = doc.lines
    if doc.target:
        lines.append(f"Để triển khai {doc.target.cite(gen.rnd)}, {doc.issuer.name} hướng dẫn như sau:")
    lines.append("I. MỤC ĐÍCH, YÊU CẦU")
    _paragraphs(doc, DIRECTIVES, 2, 1, 2, "digit")
    lines.append("II. NỘI DUNG HƯỚNG DẪN")
    for i, f in enumerate(sorted(doc.fields) or [1]):
        lines.append(f"{i + 1}. {FIELD_HEADINGS[f - 1]}")
        _paragraphs(doc, DIRECTIVES + RESULTS[:2], gen.between(2, 4), 1, 2, "letter")
    lines.append("III. TỔ CHỨC THỰC HIỆN")
    _paragraphs(doc, DIRECTIVES, gen.between(1, 3), 1, 2, "digit")
    _footer(doc)


STEP_WORDS = ["Tiếp nhận", "Kiểm tra, phân loại", "Xử lý, thẩm định", "Trình lãnh đạo phê duyệt", "Ký ban hành",
              "Phát hành, lưu hồ sơ", "Theo dõi, đôn đốc", "Tổng hợp, báo cáo"]


def body_procedure(doc: Doc) -> None:
    gen, ctx = doc.gen, doc.ctx
    _header(doc)
    lines = doc.lines
    lines.append("1. MỤC ĐÍCH")
    lines.append(f"Quy định trình tự, trách nhiệm {doc.topic}, " + gen.fill("{purpose}.", ctx))
    lines.append("2. PHẠM VI ÁP DỤNG")
    lines.append(cap(gen.fill("Áp dụng đối với {agent} và {agent}.", ctx)))
    lines.append("3. TÀI LIỆU VIỆN DẪN")
    lines.append("- Tiêu chuẩn quốc gia TCVN ISO 9001:2015;")
    for _ in range(gen.between(1, 3)):
        ref = doc.cite("basis")
        if ref:
            lines.append(f"- {ref};")
    lines.append("4. ĐỊNH NGHĨA VÀ TỪ VIẾT TẮT")
    lines.append("CCHC: Cải cách hành chính; TTHC: Thủ tục hành chính; CBCCVC: Cán bộ, công chức, viên chức; "
                 "VT: Văn thư.")
    lines.append("5. NỘI DUNG QUY TRÌNH")
    steps = gen.between(4, 8)
    for s in range(steps):
        lines.append(f"Bước {s + 1}: {STEP_WORDS[s]} — trách nhiệm: {gen.fill('{agent}', ctx)}; thời gian: "
                     f"{gen.between(1, 15)} ngày làm việc.")
        _paragraphs(doc, DIRECTIVES, 1, 1, 2)
    lines.append("6. HỒ SƠ LƯU")
    lines.append(f"Hồ sơ được lưu tại {gen.pick(doc.issuer.depts)} trong thời hạn {gen.between(2, 10)} năm.")


def body_rules(doc: Doc) -> None:
    gen = doc.gen
    _header(doc)
    lines = doc.lines
    for c in range(gen.between(2, 4)):
        lines.append(f"Chương {ROMAN[c]}")
        lines.append(cap(gen.fill("{action} {object}", doc.ctx)).upper())
        for a in range(gen.between(1, 3)):
            lines.append(f"Điều {c * 3 + a + 1}. {cap(gen.fill('{object}', doc.ctx))}")
            _paragraphs(doc, DIRECTIVES, gen.between(1, 3), 1, 2, "digit")
    _footer(doc, signer=False)


BODIES = {
    "legal": body_legal, "plan": body_plan, "report": body_report, "notice": body_notice, "letter": body_letter,
    "submission": body_submission, "guide": body_guide, "procedure": body_procedure, "rules": body_rules,
}


def visibility_stream(seed: int, restricted: float, units: list[str]):
    """``all`` or ``unit:…`` per document, from its own random stream (the texts do not depend on it)."""
    rnd = random.Random(f"visibility:{seed}")
    while True:
        if rnd.random() < restricted:
            k = 1 if len(units) == 1 or rnd.random() < 0.6 else rnd.randint(2, min(3, len(units)))
            yield "unit:" + ",".join(rnd.sample(units, k))
        else:
            yield "all"


def write_corpus(out, docs: int, seed: int, restricted: float, units: list[str]) -> int:
    """Write ``docs`` JSON lines to ``out``; return the number of characters written."""
    gen = Generator(seed)
    visibility = visibility_stream(seed, restricted, units)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    size, chunk = 0, []
    for i in range(docs):
        doc = gen.document()
        doc["visibility"] = next(visibility)
        chunk.append(dumps(doc))
        if len(chunk) == 500 or i == docs - 1:
            text = "\n".join(chunk) + "\n"
            size += len(text)
            out.write(text)
            chunk.clear()
    return size


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20000, help="documents to write (default 20000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--restricted", type=float, default=0.05,
                    help="share of documents visible to units only (default 0.05)")
    ap.add_argument("--units", default="VPC",
                    help="comma-separated unit codes restricted documents name, 1-3 each (default VPC; they must "
                         "exist in the portal before the import)")
    ap.add_argument("--out", default="-", help="output file (default: standard output)")
    ap.add_argument("--quiet", action="store_true", help="do not print the speed on standard error")
    args = ap.parse_args(argv)
    units = [u.strip().upper() for u in args.units.split(",") if u.strip()]
    if args.docs < 0 or not 0 <= args.restricted <= 1 or not units:
        ap.error("--docs must be ≥ 0, --restricted between 0 and 1, --units not empty")

    started = time.perf_counter()
    if args.out == "-":
        size = write_corpus(sys.stdout, args.docs, args.seed, args.restricted, units)
        sys.stdout.flush()
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            size = write_corpus(out, args.docs, args.seed, args.restricted, units)
    elapsed = time.perf_counter() - started
    if not args.quiet:
        print(f"corpus: {args.docs} documents, {size / 1e6:.1f} M characters in {elapsed:.1f} s "
              f"({args.docs / elapsed if elapsed else 0:,.0f} docs/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
