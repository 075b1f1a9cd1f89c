"""A judged ranking set of our own: the demo news articles (app/demo/news, read with the demo's
own parser, so the portal's demo and these tests share one text) hidden among distractors drawn
word by word from the articles' own vocabulary (so every syllable a query has is everywhere, but
the phrases are only in the articles), and queries with the article each must find first. The same
trick as the team's public evaluation, with text that lives in the repository.
"""
from __future__ import annotations

import collections
import json
import random
import re

from app import vntext
from tests.search.conftest import demo_articles

TTCP_2017 = "01-ttcp-cchc-2017"           # the 2016 index points lost, what to do in 2017
TTCP_2022 = "02-ttcp-cchc-2022"           # 40 tasks in 7 fields, inspections, anti-corruption
CAO_BANG = "03-cao-bang-kiem-tra-cchc"    # the steering committee's inspection, case-file figures
HA_NOI = "04-ha-noi-giam-sat-ky-cuong"    # the city council's oversight of discipline
QUANG_NAM = "05-quang-nam-nguoi-dung-dau"  # heads of agencies, post office, online payment
REPORTS = "06-nhac-bao-cao-dinh-ky"       # the scheduled reminder about periodic reports
RANKING = "07-so-noi-vu-quang-nam-xep-thu-nhat"  # the article sent back to its author

TARGETS = {name: {"number": f"{301 + i}/BC-DEMO", "title": title, "body": text}
           for i, (name, title, text) in enumerate(demo_articles())}

# (query, the article that must come first). Phrases whose syllables are common everywhere,
# with and without accents, the other tone convention (hoá), names, punctuation inside phrases,
# numbers with and without their separators.
TOP1 = [
    ("Phạm Quý Tiên", HA_NOI), ("pham quy tien", HA_NOI), ("Đinh Mạnh Hùng", HA_NOI),
    ("thực thi công vụ", HA_NOI), ("thuc thi cong vu", HA_NOI), ("hội nghị giao ban", HA_NOI),
    ("kỷ luật, kỷ cương hành chính", HA_NOI), ("2021-2025", HA_NOI), ("Hanoi Connect", HA_NOI),
    ("khung năng lực", TTCP_2017), ("bản mô tả công việc", TTCP_2017), ("tiêu chí bị trừ điểm", TTCP_2017),
    ("ngạch công chức", TTCP_2017), ("mức độ hoàn thành kế hoạch", TTCP_2017),
    ("Nghị quyết số 16-NQ/TU", QUANG_NAM), ("16-nq/tu", QUANG_NAM), ("Bưu điện tỉnh", QUANG_NAM),
    ("thanh toán trực tuyến", QUANG_NAM), ("số hoá hồ sơ", QUANG_NAM), ("so hoa ho so", QUANG_NAM),
    ("Tỉnh ủy Quảng Nam", QUANG_NAM), ("Trần Thị Kim Hoa", QUANG_NAM),
    ("185.969 hồ sơ", CAO_BANG), ("185969 hồ sơ", CAO_BANG), ("99,22%", CAO_BANG),
    ("liên thông 4 cấp", CAO_BANG), ("Vụ trưởng Vụ CCHC", CAO_BANG), ("Cổng dịch vụ công quốc gia", CAO_BANG),
    ("1.191 dịch vụ công", CAO_BANG), ("1191 dịch vụ công", CAO_BANG),
    ("Hải Phòng, Bình Định, Bình Dương", TTCP_2022), ("dự toán ngân sách Nhà nước", TTCP_2022),
    ("giải quyết khiếu nại, tố cáo", TTCP_2022), ("phòng, chống tham nhũng", TTCP_2022),
    ("phong chong tham nhung", TTCP_2022), ("1298/TB-TTCP", TTCP_2022), ("Lê Sỹ Bảy", TTCP_2022),
    ("số liệu kiểm chứng", REPORTS), ("so lieu kiem chung", REPORTS),
    ("96,86%", RANKING),
]

# (query, the articles that must fill the first places, in any order): a phrase two articles hold.
IN_TOP = [
    ("văn bản quy phạm pháp luật", {QUANG_NAM, CAO_BANG}),
    ("nguồn nhân lực", {TTCP_2022, CAO_BANG}),
    ("kiến trúc Chính phủ điện tử", {TTCP_2022, TTCP_2017}),
]


def comparable(text: str) -> str:
    """``text`` folded (no accents, lower case), separators inside numbers dropped and every other
    punctuation mark a space: what a phrase query is compared on when the set checks itself."""
    folded = vntext.fold(vntext.nfc(text)).lower()
    folded = re.sub(r"(?<=\d)[.,](?=\d)", "", folded)
    return " ".join(re.sub(r"[^\w%]+", " ", folded).split())


def holders(query: str) -> set[str]:
    """The articles whose title or text holds ``query`` as a phrase (after ``comparable``)."""
    phrase = f" {comparable(query)} "
    return {name for name, target in TARGETS.items()
            if phrase in f" {comparable(target['title'])} {comparable(target['body'])} "}


def vocabulary() -> collections.Counter:
    """The articles' words without digits, with their counts: what distractors are drawn from."""
    return collections.Counter(w for t in TARGETS.values() for w in (t["title"] + " " + t["body"]).split()
                               if not any(ch.isdigit() for ch in w))


def corpus_lines(distractors: int = 400, seed: int = 5) -> list[str]:
    """The articles and ``distractors`` word-soup documents, as import JSON lines. Distractors use
    only the articles' words without digits, so a number is found only where it was written."""
    rnd = random.Random(seed)
    words, weights = zip(*sorted(vocabulary().items()))
    lines = []
    for target in TARGETS.values():
        lines.append({"number": target["number"], "type": "Báo cáo", "title": target["title"],
                      "summary": "", "issuer": "Văn phòng", "body": target["body"], "issued_on": "2024-10-20"})
    for i in range(distractors):
        lines.append({"number": f"{i + 1}/TB-NHIEU", "type": "Thông báo",
                      "title": " ".join(rnd.choices(words, weights, k=rnd.randint(6, 12))),
                      "summary": "", "issuer": "Phòng Tổng hợp", "issued_on": "2023-05-02",
                      "body": " ".join(rnd.choices(words, weights, k=rnd.randint(60, 160)))})
    return [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]
