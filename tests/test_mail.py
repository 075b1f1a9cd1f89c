"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1): what the recipient's mail client shows,
STARTTLS and TLS with a certificate checked against the agency's CA, logins only over TLS, and
failures sorted into "try again later" and "give up" the way the outbox sender needs."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app import mail
from app.mail import (
    MailContent,
    PermanentMailError,
    SmtpConfigError,
    TemporaryMailError,
    compose,
    next_attempt,
    parse_smtp_url,
    send,
    settings_from_env,
)
from tests.smtp_server import HangUpOnQuit, Mailbox, make_tls_files, silent_server, smtp_server

LINK = "https://cchc.example.gov.vn/reports/periods/3"
SENDER = "Tổ CCHC – Văn phòng Bộ <cchc@example.gov.vn>"
CONTENT = MailContent(
    subject="Quá hạn nộp báo cáo CCHC Quý I/2026 (3 ngày)",
    text=("Kính gửi: Vụ Tổ chức cán bộ\n\nĐơn vị chưa nộp Báo cáo cải cách hành chính Quý I/2026.\n\n"
          f"Nộp báo cáo: {LINK}\n"),
    html=f'<p>Kính gửi: Vụ Tổ chức cán bộ</p><p><a href="{LINK}">Nộp báo cáo</a></p>',
    link=LINK,
)
RECIPIENT = "Nguyễn Thị Hằng <hang.nt@tccb.example.gov.vn>"


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def message(**overrides):
    settings = parse_smtp_url("smtp://127.0.0.1:25", SENDER)
    options = {"to": RECIPIENT, "sender": settings.sender, "message_id": "<outbox-42@example.gov.vn>"}
    return compose(CONTENT, **{**options, **overrides})


def settings(url: str):
    return parse_smtp_url(url, SENDER)


def test_a_plain_relay_delivers_the_vietnamese_message_as_a_mail_client_reads_it():
    box = Mailbox()
    with smtp_server(box) as port:
        assert send(message(), settings(f"smtp://127.0.0.1:{port}")) is None

    [envelope] = box.envelopes
    assert envelope.mail_from == "cchc@example.gov.vn"
    assert envelope.rcpt_tos == ["hang.nt@tccb.example.gov.vn"]
    raw_headers = envelope.content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # no raw UTF-8 in the headers: RFC 2047 encoded words
    lines = raw_headers.replace(b"\r\n ", b" ").split(b"\r\n")
    assert {line.split(b":", 1)[0] for line in lines if b"=?utf-8?" in line} == {b"Subject", b"From", b"To"}

    [received] = box.messages()
    assert received["Subject"] == "Quá hạn nộp báo cáo CCHC Quý I/2026 (3 ngày)"
    assert received["From"].addresses[0].display_name == "Tổ CCHC – Văn phòng Bộ"
    assert received["From"].addresses[0].addr_spec == "cchc@example.gov.vn"
    assert received["To"].addresses[0].display_name == "Nguyễn Thị Hằng"
    assert received["Message-ID"] == "<outbox-42@example.gov.vn>"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Đơn vị chưa nộp Báo cáo cải cách hành chính Quý I/2026." in text and LINK in text
    assert "Kính gửi: Vụ Tổ chức cán bộ" in html and f'href="{LINK}"' in html


def test_starttls_with_the_agency_ca_and_a_login_over_tls(tls):
    box = Mailbox()
    with smtp_server(box, tls_context=tls.server_context(), require_starttls=True, auth_required=True,
                     authenticator=box.authenticator("cchc@example.gov.vn", "Mat-khau@2026:x")) as port:
        url = f"smtp://cchc%40example.gov.vn:Mat-khau%402026%3Ax@127.0.0.1:{port}?starttls=1&cafile={tls.ca_file}"
        send(message(), settings(url))

    assert box.logins == [("cchc@example.gov.vn", "Mat-khau@2026:x")]
    [received] = box.messages()
    assert received["Subject"] == CONTENT.subject


def test_starttls_is_used_when_offered_without_being_asked(tls):
    box = Mailbox()
    with smtp_server(box, tls_context=tls.server_context(), require_starttls=True) as port:
        send(message(), settings(f"smtp://127.0.0.1:{port}?cafile={tls.ca_file}"))
    assert len(box.envelopes) == 1


def test_tls_from_the_first_byte(tls):
    box = Mailbox()
    with smtp_server(box, ssl_context=tls.server_context()) as port:
        send(message(), settings(f"smtps://127.0.0.1:{port}?cafile={tls.ca_file}"))
    assert box.messages()[0]["Subject"] == CONTENT.subject


def test_a_certificate_the_portal_does_not_trust_stops_everything(tls):
    box = Mailbox()
    with smtp_server(box, tls_context=tls.server_context(), require_starttls=True) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}?starttls=1"))
    assert failure.value.affects_all and "Chứng chỉ TLS" in failure.value.reason
    assert box.envelopes == []


def test_starttls_required_but_not_offered_sends_nothing():
    box = Mailbox()
    with smtp_server(box) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}?starttls=1"))
    assert failure.value.affects_all and "STARTTLS" in failure.value.reason
    assert box.envelopes == []


def test_a_password_is_never_sent_unencrypted_unless_starttls_0_says_so():
    box = Mailbox()
    with smtp_server(box, auth_require_tls=False, authenticator=box.authenticator("cchc", "bi-mat")) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://cchc:bi-mat@127.0.0.1:{port}"))
        assert box.logins == [] and box.envelopes == []
        assert failure.value.affects_all and "mật khẩu SMTP không được gửi" in failure.value.reason

        send(message(), settings(f"smtp://cchc:bi-mat@127.0.0.1:{port}?starttls=0"))
    assert box.logins == [("cchc", "bi-mat")] and len(box.envelopes) == 1


def test_a_refused_login_stops_everything(tls):
    box = Mailbox()
    with smtp_server(box, tls_context=tls.server_context(), authenticator=box.authenticator("cchc", "dung")) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://cchc:sai@127.0.0.1:{port}?cafile={tls.ca_file}"))
    assert failure.value.code == 535 and failure.value.affects_all
    assert box.envelopes == []


def test_a_message_the_server_accepted_is_sent_even_if_the_goodbye_fails():
    box = Mailbox()
    with smtp_server(box, server_class=HangUpOnQuit) as port:
        assert send(message(), settings(f"smtp://127.0.0.1:{port}")) is None  # not retried: it would arrive twice
    assert len(box.envelopes) == 1


def test_a_4xx_reply_is_retried_later_and_the_message_arrives_once():
    box = Mailbox(refuse={"RCPT": "451 4.3.0 Mailbox temporarily unavailable, try again later"}, refusals=1)
    outgoing = message()
    with smtp_server(box) as port:
        with pytest.raises(TemporaryMailError) as failure:
            send(outgoing, settings(f"smtp://127.0.0.1:{port}"))
        assert failure.value.code == 451 and not failure.value.affects_all
        assert "hang.nt@tccb.example.gov.vn" in failure.value.reason and box.envelopes == []

        send(outgoing, settings(f"smtp://127.0.0.1:{port}"))  # the sender's next try
    assert [m["Message-ID"] for m in box.messages()] == ["<outbox-42@example.gov.vn>"]


def test_a_full_server_refusing_data_is_temporary():
    box = Mailbox(refuse={"DATA": "452 4.3.1 Insufficient system storage"})
    with smtp_server(box) as port:
        with pytest.raises(TemporaryMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}"))
    assert failure.value.code == 452 and not failure.value.affects_all


def test_an_unknown_recipient_is_permanent_for_that_message_only():
    box = Mailbox(refuse={"RCPT": "550 5.1.1 User unknown"})
    with smtp_server(box) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}"))
    error = failure.value
    assert error.code == 550 and not error.affects_all and not error.temporary
    assert "550 5.1.1 User unknown" in error.reason
    assert box.envelopes == []


def test_a_refused_sender_address_is_permanent_for_every_message():
    box = Mailbox(refuse={"MAIL": "553 5.7.1 Sender address rejected: not owned by user"})
    with smtp_server(box) as port:
        with pytest.raises(PermanentMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}"))
    assert failure.value.code == 553 and failure.value.affects_all


def test_a_closed_port_is_temporary_for_every_message():
    with smtp_server(Mailbox()) as port:
        pass  # the server is gone: nothing listens on the port any more
    with pytest.raises(TemporaryMailError) as failure:
        send(message(), settings(f"smtp://127.0.0.1:{port}?timeout=5"))
    assert failure.value.affects_all and failure.value.code is None
    assert f"127.0.0.1:{port}" in failure.value.reason


def test_a_server_that_never_answers_times_out_as_temporary():
    with silent_server() as port:
        with pytest.raises(TemporaryMailError) as failure:
            send(message(), settings(f"smtp://127.0.0.1:{port}?timeout=0.3"))
    assert failure.value.affects_all and "không trả lời" in failure.value.reason


def test_send_takes_one_recipient_per_message():
    outgoing = message()
    outgoing["Cc"] = "khac@example.gov.vn"
    with pytest.raises(ValueError):
        send(outgoing, settings("smtp://127.0.0.1:25"))


def test_compose_refuses_what_would_break_the_headers():
    sender = settings("smtp://127.0.0.1").sender
    with pytest.raises(ValueError):
        compose(CONTENT, to="a@b.vn, c@d.vn", sender=sender)
    with pytest.raises(ValueError):
        compose(CONTENT, to="không phải địa chỉ", sender=sender)
    with pytest.raises(ValueError):
        compose(MailContent("Tiêu đề\r\nBcc: x@y.vn", "nội dung", ""), to="a@b.vn", sender=sender)
    plain = compose(MailContent("Chỉ văn bản", "Nội dung", ""), to="a@b.vn", sender=sender)
    assert plain.get_content_type() == "text/plain"


# Settings

def test_smtp_url_forms_and_their_defaults(tls):
    plain = parse_smtp_url("smtp://mail.example.gov.vn", "cchc@example.gov.vn")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("mail.example.gov.vn", 25, mail.TLS_IF_OFFERED, None)
    assert plain.sender.display_name == "Cổng thông tin CCHC"

    required = parse_smtp_url("smtp://cchc%40example.gov.vn:p%40ss%3Aw@mail.example.gov.vn?starttls=1&timeout=2.5")
    assert (required.port, required.tls, required.timeout) == (587, mail.TLS_REQUIRED, 2.5)
    assert (required.username, required.password) == ("cchc@example.gov.vn", "p@ss:w")
    assert required.sender.addr_spec == "cchc@example.gov.vn"  # the user name, when it is an address
    assert "p@ss" not in repr(required) and "p@ss" not in required.describe()
    assert required.describe().startswith("smtp://cchc%40example.gov.vn@mail.example.gov.vn:587 (STARTTLS bắt buộc)")

    implicit = parse_smtp_url(f"smtps://mail.example.gov.vn?cafile={tls.ca_file}&verify=0&helo=portal.example.gov.vn",
                              "Cổng CCHC <cchc@example.gov.vn>")
    assert (implicit.port, implicit.tls, implicit.verify, implicit.helo) == (465, mail.TLS_IMPLICIT, False,
                                                                              "portal.example.gov.vn")
    assert implicit.sender.display_name == "Cổng CCHC"
    assert parse_smtp_url("smtp://relay:2525?starttls=0", "a@b.vn").tls == mail.TLS_NEVER


@pytest.mark.parametrize("url, mail_from, words", [
    ("http://mail.example.gov.vn", "a@b.vn", "smtp:// or smtps://"),
    ("smtp://", "a@b.vn", "no host"),
    ("smtp://mail:99999", "a@b.vn", "not a URL"),
    ("smtp://mail/inbox", "a@b.vn", "no path"),
    ("smtp://mail?tls=1", "a@b.vn", "unknown option"),
    ("smtp://mail?starttls=maybe", "a@b.vn", "1 or 0"),
    ("smtps://mail?starttls=1", "a@b.vn", "starttls is for smtp://"),
    ("smtp://mail?timeout=0", "a@b.vn", "timeout"),
    ("smtp://mail?cafile=/khong/co.pem", "a@b.vn", "does not exist"),
    ("smtp://:secret@mail", "a@b.vn", "no user name"),
    ("smtp://cchc:m%E1%BA%ADt@mail", "a@b.vn", "ASCII"),
    ("smtp://cchc:secret@mail", "", "PORTAL_MAIL_FROM"),
    ("smtp://mail", "a@b.vn, c@d.vn", "one address"),
])
def test_smtp_settings_that_cannot_work_are_refused_with_the_variable_named(url, mail_from, words):
    with pytest.raises(SmtpConfigError) as failure:
        parse_smtp_url(url, mail_from)
    assert words in str(failure.value)
    assert "secret" not in str(failure.value)


def test_no_smtp_url_means_email_is_off():
    assert settings_from_env({}) is None
    assert settings_from_env({"PORTAL_SMTP_URL": "  "}) is None
    configured = settings_from_env({"PORTAL_SMTP_URL": "smtp://mail", "PORTAL_MAIL_FROM": "cchc@example.gov.vn"})
    assert configured.host == "mail"


# Retry rule

def test_retries_back_off_then_give_up():
    now = datetime(2026, 11, 30, 8, 0)
    assert next_attempt(0, now) == now
    delays = [next_attempt(n, now) - now for n in range(1, mail.MAX_ATTEMPTS)]
    assert delays[:4] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert max(delays) == timedelta(hours=4) and delays == sorted(delays)
    assert timedelta(hours=24) < sum(delays, timedelta()) < timedelta(hours=48)
    assert next_attempt(mail.MAX_ATTEMPTS, now) is None
    with pytest.raises(ValueError):
        next_attempt(-1, now)
