"""The password policy: what it refuses and why, in Vietnamese."""
import pytest

from app.demo.loader import DEMO_PASSWORD, DEMO_USERS
from app.services.accounts import password_policy
from tests.helpers import TEST_PASSWORD

TOO_COMMON = "quá phổ biến"


@pytest.mark.parametrize("password, reason", [
    ("12345678", "ít nhất 10 ký tự"),
    ("aaaaaaaa", "ít nhất 10 ký tự"),
    ("password", "ít nhất 10 ký tự"),
    ("1234567890", "chỉ gồm chữ số và ký hiệu"),
    ("0912345678", "chỉ gồm chữ số và ký hiệu"),
    ("aaaaaaaaaaaa", "ít nhất 4 ký tự khác nhau"),
    ("abababababab", "ít nhất 4 ký tự khác nhau"),
    ("password123", TOO_COMMON),
    ("P@ssw0rd2024", TOO_COMMON),
    ("Matkhau@2024", TOO_COMMON),
    ("mật-khẩu-123", TOO_COMMON),
    ("ANHYEUEM1990", TOO_COMMON),
    ("iloveyou2024", TOO_COMMON),
    ("Admin@12345", TOO_COMMON),
    ("cchc2024!!", TOO_COMMON),
    ("Cchc@2024.", TOO_COMMON),
    ("nguyenlan1990", TOO_COMMON),
    ("Minhanh2010!", TOO_COMMON),
    ("qwertyuiop1", TOO_COMMON),
])
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    problems = password_policy.problems(password, username="hoa.tccb", unit_code="TCCB")
    assert problems, password
    assert any(reason in text for text in problems), (password, problems)


def test_username_and_unit_code_inside_are_refused():
    assert "Mật khẩu không được chứa tên đăng nhập." in password_policy.problems(
        "Daumoi.VPC-mua-thu", username="daumoi.vpc")
    assert "Mật khẩu không được chứa tên đăng nhập." in password_policy.problems(
        "toi-la-daumoi-cua-vu", username="daumoi.tccb")  # a part of 4 letters or more
    assert "Mật khẩu không được chứa mã đơn vị (TCCB)." in password_policy.problems(
        "vu-tccb-mua-thu", username="hoa", unit_code="tccb")


def test_good_passwords_pass():
    for password in ("bong-sen-ven-ho-1", "Trà đá vỉa hè 7 giờ", "correct horse battery staple", TEST_PASSWORD):
        assert password_policy.problems(password, username="lan", unit_code="VPC") == [], password


def test_demo_password_passes_for_every_demo_account():
    for username, _name, unit_code, _roles in DEMO_USERS:
        assert password_policy.problems(DEMO_PASSWORD, username=username, unit_code=unit_code) == [], username


def test_the_list_ships_with_the_app_and_covers_vietnamese_habits():
    listed = password_policy.common_passwords()
    assert len(listed) >= 300
    assert {"matkhau", "anhyeuem", "iloveyou", "123456789", "cchc", "admin", "password", "qwerty"} <= listed
