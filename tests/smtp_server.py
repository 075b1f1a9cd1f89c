"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), with STARTTLS or TLS from
a certificate authority made for the test run, optional AUTH, and handlers that accept, refuse with
a 4xx/5xx reply, or refuse a given number of times first."""
from __future__ import annotations

import email
import email.policy
import ipaddress
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (bound, read and released)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """Accepts every message and keeps it. ``refuse`` maps a stage (``MAIL``, ``RCPT``, ``DATA``) to
    the reply given instead of accepting, ``refusals`` times (None: always)."""

    refuse: dict[str, str] = field(default_factory=dict)
    refusals: int | None = None
    envelopes: list = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def messages(self) -> list[email.message.EmailMessage]:
        """The messages received, parsed as a mail client reads them."""
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]

    def _refusal(self, stage: str) -> str | None:
        reply = self.refuse.get(stage)
        if reply is None or self.refusals == 0:
            return None
        if self.refusals is not None:
            self.refusals -= 1
        return reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        refusal = self._refusal("MAIL")
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self._refusal("RCPT")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self._refusal("DATA")
        if refusal:
            return refusal
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticator(self, username: str, password: str):
        """An aiosmtpd authenticator accepting only ``username``/``password`` (and noting each try)."""
        def check(server, session, envelope, mechanism, auth_data):
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login, secret = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append((login, secret))
            return AuthResult(success=(login, secret) == (username, password), handled=False)
        return check


class HangUpOnQuit(SMTP):
    """A server that drops the connection instead of answering QUIT (after accepting the message)."""

    async def smtp_QUIT(self, arg):
        self.transport.close()


class _Controller(Controller):
    def __init__(self, *args, server_class=SMTP, **kwargs):
        self.server_class = server_class
        super().__init__(*args, **kwargs)

    def factory(self):
        return self.server_class(self.handler, **self.SMTP_kwargs)


@contextmanager
def smtp_server(handler, server_class=SMTP, port: int | None = None, **smtp_options):
    """Run an aiosmtpd server on 127.0.0.1 (``port``, a free one by default) for the ``with`` block;
    yields its port.
    ``smtp_options`` go to aiosmtpd's Controller/SMTP (``tls_context``, ``require_starttls``,
    ``ssl_context`` for TLS from the start, ``authenticator``, ``auth_required``…);
    ``server_class`` replaces aiosmtpd's SMTP (e.g. :class:`HangUpOnQuit`)."""
    controller = _Controller(handler, hostname=HOST, port=port or free_port(), server_class=server_class,
                             **smtp_options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never says a word (a hung mail server)."""
    with socket.socket() as listener:
        listener.bind((HOST, 0))
        listener.listen(5)
        yield listener.getsockname()[1]


@dataclass(frozen=True)
class TlsFiles:
    ca_file: Path  # give to the client (cafile=…)
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_tls_files(folder: Path) -> TlsFiles:
    """A certificate authority and a server certificate it signed for 127.0.0.1 and localhost."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm Cổng CCHC")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = TlsFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    files.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return files
