"""E-mail through the agency's SMTP server, with no Flask: the settings (``PORTAL_SMTP_URL``,
``PORTAL_MAIL_FROM``), the message (plain text and HTML in Vietnamese, RFC 2047 headers), its
delivery with :mod:`smtplib`, and the retry rule of the outbox sender.

Nothing here touches the database or a request: a request never sends mail. It writes an outbox
row; the sender (a background thread or ``flask --app wsgi reminders run``) calls :func:`compose`
then :func:`send`, and on :class:`TemporaryMailError` sets the row's next try to
:func:`next_attempt`; on :class:`PermanentMailError` it marks the row failed (shown to admins).

``PORTAL_SMTP_URL``::

    smtp://[USER[:PASSWORD]@]HOST[:PORT][?OPTIONS]    SMTP, STARTTLS when the server offers it
    smtps://[USER[:PASSWORD]@]HOST[:PORT][?OPTIONS]   TLS from the first byte (port 465)

========================  =================================================================
option                    effect
========================  =================================================================
``starttls=1``            ``smtp://`` only: STARTTLS required; nothing is sent to a server
                          that does not offer it (default port then 587)
``starttls=0``            ``smtp://`` only: never STARTTLS (a relay on a trusted link); the
                          only way to let a password travel unencrypted
(no ``starttls``)         STARTTLS when the server offers it; without it, mail still goes
                          to a relay that asks no password, a password is never sent in clear
``timeout=SECONDS``       connection and per-command timeout, 10 by default (0.1 to 300)
``cafile=PATH``           PEM file of the CA that signed the server's certificate (an
                          agency's own CA); the system's CAs by default
``verify=0``              do not check the server's certificate (not recommended)
``helo=NAME``             the name given in EHLO; the machine's name by default
========================  =================================================================

USER and PASSWORD are percent-encoded (``%40`` for ``@``). Default ports: 25 for ``smtp://``,
587 with ``starttls=1``, 465 for ``smtps://``.

``PORTAL_MAIL_FROM`` is the From line, ``Cổng thông tin CCHC <cchc@example.gov.vn>`` or a bare
address (then shown as "Cổng thông tin CCHC"); unset, the SMTP user name if it is an address.

Examples::

    PORTAL_SMTP_URL=smtp://mail.example.gov.vn                                  (relay on the LAN)
    PORTAL_SMTP_URL=smtp://cchc%40example.gov.vn:mat-khau@mail.example.gov.vn?starttls=1
    PORTAL_SMTP_URL=smtps://cchc:mat-khau@mail.example.gov.vn?cafile=/etc/ssl/agency-ca.pem
"""
from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from urllib.parse import parse_qsl, quote, unquote, urlsplit

DEFAULT_SENDER_NAME = "Cổng thông tin CCHC"
DEFAULT_TIMEOUT = 10.0

TLS_IMPLICIT = "tls"  # smtps://
TLS_REQUIRED = "starttls"  # smtp://…?starttls=1
TLS_IF_OFFERED = "auto"  # smtp:// (default)
TLS_NEVER = "plain"  # smtp://…?starttls=0

TLS_LABELS = {
    TLS_IMPLICIT: "TLS ngay từ đầu (smtps)",
    TLS_REQUIRED: "STARTTLS bắt buộc",
    TLS_IF_OFFERED: "STARTTLS nếu máy chủ hỗ trợ",
    TLS_NEVER: "không mã hóa",
}

# Retry rule of the outbox: 1, 2, 4 … 128 minutes, then every 4 hours; the 16th failure is final
# (about a day and a half after the first try).
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=4)
MAX_ATTEMPTS = 16

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


class SmtpConfigError(ValueError):
    """``PORTAL_SMTP_URL`` or ``PORTAL_MAIL_FROM`` cannot be used; the message names the variable."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to deliver. Built by :func:`parse_smtp_url`; ``repr`` never shows the password."""

    host: str
    port: int
    tls: str
    sender: Address
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None
    verify: bool = True
    helo: str | None = None

    def describe(self) -> str:
        """One line for the admin page and the log, without the password:
        ``smtp://cchc@mail.example.gov.vn:587 (STARTTLS bắt buộc), gửi từ cchc@example.gov.vn``."""
        scheme = "smtps" if self.tls == TLS_IMPLICIT else "smtp"
        user = f"{quote(self.username, safe='')}@" if self.username else ""
        checks = "" if self.verify else ", không kiểm tra chứng chỉ"
        return (f"{scheme}://{user}{self.host}:{self.port} ({TLS_LABELS[self.tls]}{checks}), "
                f"gửi từ {self.sender.addr_spec}")

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS client context: the system's CAs or ``cafile``, host name checked unless ``verify=0``."""
        context = ssl.create_default_context(cafile=self.cafile)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def parse_sender(value: str, fallback_username: str | None = None) -> Address:
    """Return the From address of ``PORTAL_MAIL_FROM`` (``Tên <a@b>`` or ``a@b``; a bare address is
    shown as "Cổng thông tin CCHC"). Empty: ``fallback_username`` when it is an address.
    Raises :class:`SmtpConfigError` for anything that is not one address."""
    value = (value or "").strip()
    if not value:
        if fallback_username and is_address(fallback_username):
            return Address(DEFAULT_SENDER_NAME, addr_spec=fallback_username)
        raise SmtpConfigError("PORTAL_MAIL_FROM is not set and the SMTP user name is not an e-mail address: "
                              "set PORTAL_MAIL_FROM=\"Cổng thông tin CCHC <cchc@example.gov.vn>\"")
    pairs = getaddresses([value])
    name, addr = pairs[0] if len(pairs) == 1 else ("", "")
    if not is_address(addr):
        raise SmtpConfigError(f"PORTAL_MAIL_FROM must be one address (Tên <a@b> or a@b), not {value!r}")
    return Address(name or DEFAULT_SENDER_NAME, addr_spec=addr)


def parse_smtp_url(url: str, mail_from: str = "") -> SmtpSettings:
    """Return the settings of a ``PORTAL_SMTP_URL`` (grammar in this module's docstring) with the
    From address of ``mail_from`` (see :func:`parse_sender`). Raises :class:`SmtpConfigError` for
    another scheme, a missing host, a bad port, an unknown option or value, ``starttls`` on
    ``smtps://``, a password without a user name, a non-ASCII user name or password (smtplib sends
    them as ASCII), or a ``cafile`` that does not exist."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SmtpConfigError(f"PORTAL_SMTP_URL is not a URL ({exc}): {_hide_password(url)}") from None
    if parts.scheme not in {"smtp", "smtps"}:
        raise SmtpConfigError(f"PORTAL_SMTP_URL must start with smtp:// or smtps://, not {_hide_password(url)!r}")
    if not parts.hostname:
        raise SmtpConfigError("PORTAL_SMTP_URL names no host: smtp://host[:port]")
    if parts.path not in {"", "/"} or parts.fragment:
        raise SmtpConfigError("PORTAL_SMTP_URL takes no path: smtp://user:password@host:port?options")
    options: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in {"starttls", "timeout", "cafile", "verify", "helo"}:
            raise SmtpConfigError(f"PORTAL_SMTP_URL: unknown option {key!r} "
                                  "(starttls, timeout, cafile, verify, helo)")
        options[key] = value.strip()

    if parts.scheme == "smtps":
        if "starttls" in options:
            raise SmtpConfigError("PORTAL_SMTP_URL: starttls is for smtp://; smtps:// is TLS from the start")
        tls, default_port = TLS_IMPLICIT, 465
    elif "starttls" not in options:
        tls, default_port = TLS_IF_OFFERED, 25
    elif _flag(options, "starttls"):
        tls, default_port = TLS_REQUIRED, 587
    else:
        tls, default_port = TLS_NEVER, 25

    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise SmtpConfigError("PORTAL_SMTP_URL has a password but no user name")
    if not (username or "").isascii() or not (password or "").isascii():
        # smtplib's AUTH encodes them as ASCII: say so now rather than fail every message
        raise SmtpConfigError("PORTAL_SMTP_URL: the SMTP user name and password must be ASCII (no Vietnamese letters)")

    timeout = DEFAULT_TIMEOUT
    if "timeout" in options:
        try:
            timeout = float(options["timeout"])
        except ValueError:
            timeout = -1.0
        if not 0.1 <= timeout <= 300:
            raise SmtpConfigError(f"PORTAL_SMTP_URL: timeout is seconds from 0.1 to 300, not {options['timeout']!r}")
    cafile = options.get("cafile") or None
    if cafile and not os.path.isfile(cafile):
        raise SmtpConfigError(f"PORTAL_SMTP_URL: cafile {cafile} does not exist")
    return SmtpSettings(
        host=parts.hostname, port=port or default_port, tls=tls, sender=parse_sender(mail_from, username),
        username=username, password=password, timeout=timeout, cafile=cafile,
        verify=_flag(options, "verify") if "verify" in options else True, helo=options.get("helo") or None,
    )


def settings_from_env(environ=None) -> SmtpSettings | None:
    """Return the settings of ``PORTAL_SMTP_URL`` and ``PORTAL_MAIL_FROM``, or None when
    ``PORTAL_SMTP_URL`` is unset or empty: e-mail is off and the portal only notifies in the portal.
    Raises :class:`SmtpConfigError` for a value that cannot be used (the app refuses to start)."""
    environ = os.environ if environ is None else environ
    url = environ.get("PORTAL_SMTP_URL", "").strip()
    if not url:
        return None
    return parse_smtp_url(url, environ.get("PORTAL_MAIL_FROM", ""))


# Messages

@dataclass(frozen=True)
class MailContent:
    """What a notification says: the subject (also the notification's title in the portal), the
    plain-text body, the HTML body and the absolute link to the record (in both bodies)."""

    subject: str
    text: str
    html: str
    link: str | None = None


_POLICY = email_policy.default.clone(max_line_length=998)


def compose(content: MailContent, *, to: str | Address, sender: Address, message_id: str | None = None,
            when: datetime | None = None) -> EmailMessage:
    """Return the message to ``to`` (``a@b``, ``Tên <a@b>`` or an Address): From ``sender``,
    the subject RFC 2047-encoded (``=?utf-8?…``), a ``multipart/alternative`` of the UTF-8 plain
    text and HTML, ``Date`` of ``when`` (naive = UTC; now by default), ``Message-ID`` (give the
    outbox row's own, e.g. ``<outbox-42@example.gov.vn>``, so a resent copy carries the same id),
    and ``Auto-Submitted: auto-generated`` so out-of-office replies are not sent back.

    Refuses (ValueError) a recipient that is not exactly one address, an empty subject or body,
    and a line break in the subject (header injection)."""
    recipient = to if isinstance(to, Address) else _parse_recipient(to)
    if not content.subject.strip() or not content.text.strip():
        raise ValueError("a message needs a subject and a body")
    if any(ch in content.subject for ch in "\r\n"):
        raise ValueError("the subject is one line")
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    # Python's header folder (3.11) drops the space at a fold between two encoded words, so a
    # Vietnamese subject of 60-odd characters reached the reader as "củaVụ Pháp chế". Headers are
    # therefore folded at RFC 5322's 998 characters, not 78: a subject stays one encoded word.
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = content.subject.strip()
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(content.text)
    if content.html:
        message.add_alternative(content.html, subtype="html")
    return message


# Delivery

class MailError(Exception):
    """Delivery failed. ``reason`` is Vietnamese for the admin page; ``code`` the SMTP reply code
    (None when no server answered); ``affects_all`` True when the cause is the server or the
    settings, not this message (server down, password refused, certificate rejected): the sender
    then stops its round and leaves the other messages queued instead of failing each of them."""

    temporary = False

    def __init__(self, reason: str, *, code: int | None = None, affects_all: bool = False):
        super().__init__(reason)
        self.reason, self.code, self.affects_all = reason, code, affects_all


class TemporaryMailError(MailError):
    """Try again later (:func:`next_attempt`): no connection, timeout, 4xx reply."""

    temporary = True


class PermanentMailError(MailError):
    """Trying again will not help: 5xx reply (recipient unknown, message refused), or settings that
    the server refuses (password, certificate, no STARTTLS where it is required)."""


def send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Deliver ``message`` to its one recipient (To) through ``settings``' server: STARTTLS or TLS
    as configured, the certificate checked, login when a user name is set, every network step
    bounded by ``settings.timeout``. Returns None once the server accepted the message (a failure
    of the closing QUIT is ignored then: the message is delivered and must not be sent again).

    Raises :class:`TemporaryMailError` or :class:`PermanentMailError` (see :class:`MailError`), and
    ValueError for a message without exactly one recipient (the outbox keeps one row per
    recipient, so a retry never repeats a delivery to someone who already has it). A password is
    never sent unencrypted unless the URL says ``starttls=0``."""
    recipients = [addr for _name, addr in getaddresses(message.get_all("To", []) + message.get_all("Cc", [])
                                                       + message.get_all("Bcc", []))]
    if len(recipients) != 1 or not is_address(recipients[0]):
        raise ValueError(f"send() takes a message to one recipient, not {recipients!r}")
    where = f"{settings.host}:{settings.port}"
    client = None
    try:
        client = _connect(settings)
        _secure_and_login(client, settings)
        client.send_message(message, from_addr=settings.sender.addr_spec, to_addrs=recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        raise _reply_error(f"Máy chủ thư từ chối người nhận {recipients[0]}", code, reply) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise _reply_error(f"Máy chủ thư từ chối địa chỉ gửi {exc.sender}", exc.smtp_code, exc.smtp_error,
                           affects_all=True) from exc
    except smtplib.SMTPDataError as exc:
        raise _reply_error("Máy chủ thư không nhận nội dung thư", exc.smtp_code, exc.smtp_error) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise _reply_error(f"Máy chủ thư {where} không chấp nhận tên đăng nhập/mật khẩu SMTP", exc.smtp_code,
                           exc.smtp_error, affects_all=True) from exc
    except smtplib.SMTPConnectError as exc:
        raise _reply_error(f"Máy chủ thư {where} từ chối kết nối", exc.smtp_code, exc.smtp_error,
                           affects_all=True) from exc
    except smtplib.SMTPResponseException as exc:
        raise _reply_error(f"Máy chủ thư {where} trả lời lỗi", exc.smtp_code, exc.smtp_error,
                           affects_all=True) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentMailError(f"Máy chủ thư {where} không hỗ trợ chức năng cần dùng ({exc})",
                                 affects_all=True) from exc
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a read timeout as a disconnection
            raise TemporaryMailError(f"Máy chủ thư {where} không trả lời trong {settings.timeout:g} giây",
                                     affects_all=True) from exc
        raise TemporaryMailError(f"Máy chủ thư {where} ngắt kết nối ({exc or 'không rõ lý do'})",
                                 affects_all=True) from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentMailError(f"Chứng chỉ TLS của máy chủ thư {where} không hợp lệ ({exc.verify_message}); "
                                 "kiểm tra tên máy chủ hoặc tùy chọn cafile", affects_all=True) from exc
    except ssl.SSLError as exc:
        raise TemporaryMailError(f"Lỗi TLS với máy chủ thư {where} ({exc.reason or exc})", affects_all=True) from exc
    except TimeoutError as exc:
        raise TemporaryMailError(f"Máy chủ thư {where} không trả lời trong {settings.timeout:g} giây",
                                 affects_all=True) from exc
    except OSError as exc:
        raise TemporaryMailError(f"Không kết nối được máy chủ thư {where} ({exc.strerror or exc})",
                                 affects_all=True) from exc
    finally:
        if client is not None:
            _close(client)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.tls == TLS_IMPLICIT:
        return smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=settings.helo,
                                timeout=settings.timeout, context=settings.ssl_context())
    return smtplib.SMTP(settings.host, settings.port, local_hostname=settings.helo, timeout=settings.timeout)


def _secure_and_login(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    client.ehlo_or_helo_if_needed()
    encrypted = settings.tls == TLS_IMPLICIT
    if settings.tls in {TLS_REQUIRED, TLS_IF_OFFERED} and client.has_extn("starttls"):
        client.starttls(context=settings.ssl_context())
        client.ehlo()
        encrypted = True
    where = f"{settings.host}:{settings.port}"
    if settings.tls == TLS_REQUIRED and not encrypted:
        raise PermanentMailError(f"Máy chủ thư {where} không hỗ trợ STARTTLS (starttls=1 trong PORTAL_SMTP_URL)",
                                 affects_all=True)
    if settings.username:
        if not encrypted and settings.tls != TLS_NEVER:
            raise PermanentMailError(
                f"Máy chủ thư {where} không hỗ trợ STARTTLS: mật khẩu SMTP không được gửi đi khi chưa mã hóa "
                "(thêm starttls=0 vào PORTAL_SMTP_URL nếu đường truyền tới máy chủ thư đã an toàn)",
                affects_all=True)
        client.login(settings.username, settings.password or "")


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _reply_error(what: str, code: int, reply, *, affects_all: bool = False) -> MailError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    reason = f"{what}: {code} {' '.join(text.split())}".strip()
    # 421: the service is closing the channel, for every message.
    if 400 <= code < 500:
        return TemporaryMailError(reason, code=code, affects_all=affects_all or code == 421)
    return PermanentMailError(reason, code=code, affects_all=affects_all)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """Return when to try a message again after ``attempts`` failed tries (``now`` for 0): 1, 2, 4 …
    minutes after ``now``, at most 4 hours apart; None after :data:`MAX_ATTEMPTS` failures, when the
    message is to be marked failed (about 36 hours after the first try). ``now`` is the caller's
    clock (naive UTC in this project); the result has the same kind. Refuses a negative count."""
    if attempts < 0:
        raise ValueError("attempts is a count of failed tries, 0 or more")
    if attempts == 0:
        return now
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + min(RETRY_BASE * 2 ** (attempts - 1), RETRY_CAP)


def _flag(options: dict[str, str], name: str) -> bool:
    value = options[name].lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SmtpConfigError(f"PORTAL_SMTP_URL: {name} is 1 or 0, not {options[name]!r}")


def is_address(value: str) -> bool:
    """``local@domain``: one @, both sides non-empty, no space, bracket, quote or list separator
    (what a user may type as their address for notifications)."""
    local, at, domain = value.partition("@")
    return bool(local and at and domain) and "@" not in domain and not any(
        ch.isspace() or ch in "<>,;\"'()[]\\" for ch in value)


def _parse_recipient(value: str) -> Address:
    pairs = getaddresses([value])
    if len(pairs) != 1 or not is_address(pairs[0][1]):
        raise ValueError(f"not one e-mail address: {value!r}")
    name, addr = pairs[0]
    return Address(name, addr_spec=addr)


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{scheme}{sep}{creds.split(':', 1)[0]}:***@{host}"
