"""The "lacks figures" rule on the sample reports and on updates."""
import pytest

from app.ingest import extract_docx
from app.services.plans.figures import check_report, figures_in, lacks_figures
from app.services.plans.progress import update_lacks_figures
from tests.helpers import sample

REPORTS = ["bao-cao-cchc-quy-1-2024.docx", "bao-cao-cchc-6-thang-2024-tcvn3.docx"]
# What the sample reports prove with figures, and what they leave without.
UNPROVEN = ["Rà soát vị trí việc làm theo đề án được phê duyệt", "Xây dựng quy chế chi tiêu nội bộ sửa đổi"]


def lines_of(name):
    return extract_docx(sample(name)).text.split("\n")


@pytest.mark.parametrize("name", REPORTS)
def test_sample_reports_have_figures_and_their_unproven_items_are_named(name):
    check = check_report(lines_of(name))
    assert not check.lacks_figures
    assert check.items == 14  # 7 bullet results and 7 table rows
    assert check.items_without == UNPROVEN  # "Chưa có số liệu", "Dự thảo lần 2"


@pytest.mark.parametrize("name", REPORTS)
def test_the_same_report_with_its_figures_removed_lacks_figures(name):
    replacements = {"01 kế hoạch": "kế hoạch", "37/52 văn bản": "phần lớn văn bản", "45/52 văn bản": "phần lớn văn bản",
                    "100% TTHC": "toàn bộ TTHC", "24/24 công chức": "toàn bộ công chức",
                    "86,5% văn bản": "đa số văn bản"}
    lines = []
    for line in lines_of(name):
        for old, new in replacements.items():
            line = line.replace(old, new)
        lines.append(line)
    check = check_report(lines)
    # Dates (15/01/2024, ngày 10 tháng 4 năm 2024, tháng 8), numbers of documents (12/KH-VPC, 2337/KH-TTCP),
    # headings (I., 1.), row numbers and the draft counter (lần 2) are still there, and none of them is a
    # figure; the counts in the table nested in the last row (Tháng 1 | 130 | 112) are no result item.
    assert check.lacks_figures
    assert len(check.items_without) == 7


def test_a_procedure_without_results_heading_is_judged_on_its_whole_text():
    check = check_report(lines_of("quy-trinh-tiep-cong-dan.docx"))
    assert not check.lacks_figures  # "02 ngày làm việc"


@pytest.mark.parametrize("text,expected", [
    ("Đã rà soát 37/52 văn bản", ["37/52"]),
    ("Tỷ lệ 86,5% văn bản đi có chữ ký số", ["86,5%"]),
    ("01 kế hoạch số 12/KH-VPC ngày 15/01/2024", ["01"]),
    ("Thực hiện Kế hoạch 2337/KH-TTCP năm 2024, quý 1", []),
    ("ngày 10 tháng 4 năm 2024; 6 tháng đầu năm", []),
    ("1. Xây dựng thể chế\n- Dự thảo lần 2\nII. TỒN TẠI", []),
    ("", []),
])
def test_figures_in(text, expected):
    assert figures_in(text) == expected


def test_update_rule():
    assert update_lacks_figures("in_progress", "Đang triển khai theo kế hoạch", "")
    assert update_lacks_figures("done", "Đã hoàn thành ngày 15/01/2024", "Kế hoạch 12/KH-VPC")
    assert not update_lacks_figures("done", "Đã hoàn thành", "24/24 công chức được đánh giá")
    assert not update_lacks_figures("in_progress", "Đã số hóa 1.250 hồ sơ", "")
    assert not update_lacks_figures("not_started", "Chưa triển khai", "")  # nothing done, nothing to prove
    assert lacks_figures(None)
