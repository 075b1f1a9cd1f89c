"""Password policy: what a new password must not be, with a Vietnamese reason for each refusal.

A password is refused when it is shorter than ``MIN_LENGTH`` characters, uses fewer than
``MIN_DISTINCT`` different characters (``aaaaaaaaaa``, ``1212121212``), holds only digits and
symbols, is a commonly used password (``app/data/common_passwords.txt``), or contains the
username (or a part of it of 4 letters or more, ``daumoi`` of ``daumoi.vpc``) or the user's unit
code. Common passwords are compared without case and accents, after stripping digits and
symbols at both ends (``Admin@123`` is ``admin``, ``Cchc2024!`` is ``cchc``), with the separators
inside removed (``mat-khau`` is ``matkhau``) and common letter substitutions undone
(``P@ssw0rd`` is ``password``).
"""
from __future__ import annotations

import os
import re
from functools import cache

from app import vntext

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_DISTINCT = 4
LIST_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data", "common_passwords.txt")

_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "5": "s", "$": "s", "7": "t"})


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords (lower case, no accents)."""
    with open(LIST_PATH, encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip() and not line.startswith("#"))


def _plain(text: str) -> str:
    return vntext.fold(vntext.nfc(text)).lower()


def _forms(password: str) -> set[str]:
    """The forms of a password compared with the list: whole, core (ends stripped), core without
    separators, and that with letter substitutions undone."""
    whole = _plain(password)
    core = _EDGES.sub("", whole)
    compact = _NOT_ALNUM.sub("", core)
    unleet = _NOT_ALNUM.sub("", core.translate(_LEET))
    return {whole, core, compact, unleet} - {""}


def is_common(password: str) -> bool:
    """True when the password is on the common list in any of the compared forms."""
    listed = common_passwords()
    return any(form in listed for form in _forms(password))


def problems(password: str, username: str = "", unit_code: str = "") -> list[str]:
    """Return what is wrong with ``password`` as Vietnamese sentences (empty when it is acceptable)."""
    password = vntext.nfc(password or "")
    found = []
    if len(password) < MIN_LENGTH:
        found.append(f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự.")
    elif len(password) > MAX_LENGTH:
        found.append(f"Mật khẩu tối đa {MAX_LENGTH} ký tự.")
    plain = _plain(password)
    if password and not re.search(r"[^\W\d_]", password):
        found.append("Mật khẩu không được chỉ gồm chữ số và ký hiệu; hãy dùng cả chữ cái.")
    elif password and len(set(plain)) < MIN_DISTINCT:
        found.append(f"Mật khẩu cần ít nhất {MIN_DISTINCT} ký tự khác nhau.")
    elif password and is_common(password):
        found.append("Mật khẩu này quá phổ biến, dễ bị đoán (như “matkhau”, “admin@123”, tên kèm năm sinh). "
                     "Hãy chọn một cụm từ riêng, ví dụ vài từ không liên quan ghép lại.")
    username = _plain(username or "")
    parts = {username} | {part for part in re.split(r"[._-]+", username) if len(part) >= 4}
    if any(len(part) >= 3 and part in plain for part in parts):
        found.append("Mật khẩu không được chứa tên đăng nhập.")
    code = _plain(unit_code or "")
    if len(code) >= 2 and code in plain:
        found.append(f"Mật khẩu không được chứa mã đơn vị ({unit_code.upper()}).")
    return found
