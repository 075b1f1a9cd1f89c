"""Pictures for news: checked by their content (never by name), re-encoded, stored under UPLOAD_DIR.

Re-encoding drops anything a file carries besides the picture (metadata, GPS position,
appended scripts in polyglot files) and gives every picture a known format.
"""
from __future__ import annotations

import io
import logging
import os
import uuid
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from app.clock import utcnow
from app.errors import Invalid
from app.resilience import DISK_FULL_MESSAGE, is_disk_full
from app.services.uploads import upload_dir

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000          # a 8000×5000 photo; more is a decompression bomb or a mistake
MIN_SIDE = 16
FULL_SIDE = 1600                 # the article page
THUMB_SIDE = 480                 # lists and the home page


class ImageError(Invalid):
    """A picture was refused; the message says why, in Vietnamese."""


class DiskFull(ImageError):
    """No space left on the disk for the picture (nothing of it is kept). Refused in its form like
    any other picture (README, "A full disk")."""


@dataclass
class StoredImage:
    stored_name: str      # relative to UPLOAD_DIR
    content_type: str
    width: int
    height: int
    size: int


def open_checked(data: bytes) -> Image.Image:
    """Return the decoded picture in ``data``; raise ImageError when it is empty, too big,
    not a JPEG/PNG/WebP by content, damaged, or has too many pixels."""
    if not data:
        raise ImageError("Tệp ảnh rỗng.")
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"Ảnh lớn hơn {MAX_IMAGE_BYTES // (1024 * 1024)} MB; hãy giảm kích thước ảnh rồi thử lại.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            found = probe.format
            if found not in ACCEPTED_FORMATS:
                raise ImageError(f"Ảnh phải là JPEG, PNG hoặc WebP (tệp này là {found or 'định dạng khác'}).")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ImageError("Ảnh có quá nhiều điểm ảnh (trên 40 megapixel); hãy thu nhỏ ảnh rồi thử lại.")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("Tệp không phải là ảnh JPEG, PNG hoặc WebP hợp lệ.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageError("Ảnh bị hỏng hoặc không đọc được; hãy lưu lại ảnh rồi thử lại.") from None
    if min(image.size) < MIN_SIDE:
        raise ImageError("Ảnh quá nhỏ để hiển thị.")
    return image


def _encode(image: Image.Image, max_side: int) -> tuple[bytes, str, str, tuple[int, int]]:
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), ".png", "image/png", image.size
    image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), ".jpg", "image/jpeg", image.size


def _write(data: bytes, extension: str) -> str:
    name = f"news/{utcnow():%Y/%m}/{uuid.uuid4().hex}{extension}"
    path = os.path.join(upload_dir(), name)
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(data)
    except OSError as exc:
        if os.path.exists(path):
            os.remove(path)
        if not is_disk_full(exc):
            raise
        log.error("storage full while writing a news picture under %s: %s", upload_dir(), exc)
        raise DiskFull(DISK_FULL_MESSAGE) from None
    return name


def store(data: bytes, max_side: int = FULL_SIDE) -> StoredImage:
    """Check ``data``, store a re-encoded copy no larger than ``max_side`` and return it.
    Raises ImageError (nothing written) for a refused picture."""
    image = open_checked(data)
    encoded, extension, content_type, (width, height) = _encode(image, max_side)
    return StoredImage(_write(encoded, extension), content_type, width, height, len(encoded))


def store_cover(data: bytes) -> tuple[StoredImage, StoredImage]:
    """Check a cover picture and store it twice: page size and list size. Raises ImageError
    (DiskFull when the disk is full); nothing is kept then."""
    image = open_checked(data)
    stored = []
    try:
        for side in (FULL_SIDE, THUMB_SIDE):
            encoded, extension, content_type, (width, height) = _encode(image.copy(), side)
            stored.append(StoredImage(_write(encoded, extension), content_type, width, height, len(encoded)))
    except BaseException:
        remove(*(picture.stored_name for picture in stored))
        raise
    return stored[0], stored[1]


def remove(*names: str | None) -> None:
    """Delete stored pictures (after a failed save, or when a cover is replaced)."""
    for name in names:
        if name:
            path = os.path.join(upload_dir(), name)
            if os.path.exists(path):
                os.remove(path)


def absolute_path(name: str) -> str:
    """The on-disk path of a stored news picture (``name`` checked by ``news_text.is_image_name`` first)."""
    return os.path.join(upload_dir(), name)
