"""A judged ranking set of our own: five short reports written for these tests, hidden among
distractors drawn word by word from the reports' own vocabulary (so every syllable a query has
is everywhere, but the phrases are only in the reports), and queries with the report each must
find first. The same trick as the team's public evaluation, with text that lives here.

The people, places and figures are made up for the tests.
"""
from __future__ import annotations

import collections
import json
import random

TARGETS = {
    "giao-ban": {
        "number": "301/BC-THU",
        "title": "Kết quả hội nghị giao ban quý III về kỷ luật hành chính",
        "body": (
            "Ngày 12 tháng 10, Văn phòng tổ chức hội nghị giao ban quý III do Phó Chánh Văn phòng "
            "Nguyễn Thị Thu Hà chủ trì. Hội nghị đánh giá việc thực thi công vụ của từng phòng, nhấn mạnh "
            "kỷ luật, kỷ cương hành chính trong giờ làm việc và trách nhiệm của người đứng đầu khi để "
            "cấp dưới chậm trả lời văn bản. Các phòng cam kết rà soát lại quy chế làm việc, công khai "
            "lịch tiếp công dân và báo cáo đầy đủ số liệu trước ngày 20 hằng tháng."
        ),
    },
    "nang-luc": {
        "number": "302/BC-THU",
        "title": "Hoàn thiện đề án vị trí việc làm của các phòng chuyên môn",
        "body": (
            "Tổ công tác đã xây dựng xong khung năng lực cho 46 vị trí việc làm và bản mô tả công việc "
            "của từng vị trí. Mỗi vị trí có tiêu chí đánh giá rõ ràng; công chức không đạt tiêu chí sẽ "
            "bị trừ điểm khi xếp loại cuối năm. Phòng Tổ chức cán bộ đề nghị các đơn vị góp ý dự thảo "
            "và gửi danh sách công chức cần bồi dưỡng theo ngạch trước khi trình lãnh đạo phê duyệt."
        ),
    },
    "so-hoa": {
        "number": "303/BC-THU",
        "title": "Sơ kết số hóa hồ sơ giải quyết thủ tục tại bộ phận một cửa",
        "body": (
            "Thực hiện Nghị quyết số 21-NQ/TU của Tỉnh ủy về chuyển đổi số giai đoạn 2021-2025, bộ phận "
            "một cửa đã tiếp nhận 214.736 hồ sơ, trong đó 98,47% được giải quyết đúng hạn. Việc số hóa "
            "hồ sơ, kết quả giải quyết được thực hiện ngay khi tiếp nhận; người dân có thể nhận kết quả "
            "qua Bưu điện tỉnh và thanh toán trực tuyến phí, lệ phí. Một số xã còn thiếu máy quét nên "
            "tỷ lệ số hóa chưa đồng đều."
        ),
    },
    "cong-dvc": {
        "number": "304/BC-THU",
        "title": "Đưa dịch vụ công lên môi trường mạng năm nay",
        "body": (
            "Toàn tỉnh đã kết nối, chia sẻ dữ liệu với Cổng Dịch vụ công quốc gia và cung cấp 1.191 thủ "
            "tục dưới dạng dịch vụ công trực tuyến toàn trình. Hệ thống quản lý văn bản được liên thông 4 "
            "cấp, từ trung ương đến cấp xã, giúp rút ngắn thời gian chuyển văn bản. Sở Thông tin và "
            "Truyền thông tiếp tục hướng dẫn cán bộ sử dụng chữ ký số trên thiết bị di động."
        ),
    },
    "tham-nhung": {
        "number": "305/BC-THU",
        "title": "Thanh tra trách nhiệm thủ trưởng trong năm",
        "body": (
            "Đoàn thanh tra làm việc tại Hải Phòng, Bình Định, Bình Dương về trách nhiệm thủ trưởng trong "
            "giải quyết khiếu nại, tố cáo và công tác phòng, chống tham nhũng. Đoàn cũng kiểm tra việc lập "
            "và giao dự toán ngân sách nhà nước, việc công khai tài sản, thu nhập và xử lý sau thanh tra. "
            "Kết luận thanh tra sẽ được gửi các địa phương để khắc phục trong ba tháng."
        ),
    },
}

# (query, the report that must come first)
TOP1 = [
    ("thực thi công vụ", "giao-ban"), ("thuc thi cong vu", "giao-ban"),
    ("Nguyễn Thị Thu Hà", "giao-ban"), ("nguyen thi thu ha", "giao-ban"),
    ("hội nghị giao ban", "giao-ban"), ("kỷ luật, kỷ cương hành chính", "giao-ban"),
    ("khung năng lực", "nang-luc"), ("bản mô tả công việc", "nang-luc"), ("bị trừ điểm", "nang-luc"),
    ("số hoá hồ sơ", "so-hoa"), ("so hoa ho so", "so-hoa"), ("Bưu điện tỉnh", "so-hoa"),
    ("thanh toán trực tuyến", "so-hoa"),
    ("214.736 hồ sơ", "so-hoa"), ("214736 hồ sơ", "so-hoa"), ("98,47%", "so-hoa"),
    ("21-NQ/TU", "so-hoa"), ("Nghị quyết số 21-NQ/TU", "so-hoa"), ("2021-2025", "so-hoa"),
    ("Cổng dịch vụ công quốc gia", "cong-dvc"), ("liên thông 4 cấp", "cong-dvc"),
    ("1.191 thủ tục", "cong-dvc"), ("1191 thủ tục", "cong-dvc"), ("chữ ký số", "cong-dvc"),
    ("phòng, chống tham nhũng", "tham-nhung"), ("phong chong tham nhung", "tham-nhung"),
    ("giải quyết khiếu nại, tố cáo", "tham-nhung"), ("Hải Phòng, Bình Định, Bình Dương", "tham-nhung"),
    ("dự toán ngân sách nhà nước", "tham-nhung"),
]


def corpus_lines(distractors: int = 400, seed: int = 5) -> list[str]:
    """The reports and ``distractors`` word-soup documents, as import JSON lines. Distractors use
    only the reports' words without digits, so a number is found only where it was written."""
    rnd = random.Random(seed)
    words = collections.Counter(w for t in TARGETS.values() for w in (t["title"] + " " + t["body"]).split()
                                if not any(ch.isdigit() for ch in w))
    vocabulary, weights = zip(*sorted(words.items()))
    lines = []
    for key, target in TARGETS.items():
        lines.append({"number": target["number"], "type": "Báo cáo", "title": target["title"],
                      "summary": "", "issuer": "Văn phòng", "body": target["body"], "issued_on": "2024-10-20"})
    for i in range(distractors):
        lines.append({"number": f"{i + 1}/TB-NHIEU", "type": "Thông báo",
                      "title": " ".join(rnd.choices(vocabulary, weights, k=rnd.randint(6, 12))),
                      "summary": "", "issuer": "Phòng Tổng hợp", "issued_on": "2023-05-02",
                      "body": " ".join(rnd.choices(vocabulary, weights, k=rnd.randint(60, 160)))})
    return [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]
