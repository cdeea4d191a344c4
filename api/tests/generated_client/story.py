"""The seed's story through a client generated from the served OpenAPI
document by openapi-python-client: only the generated package `cma_client`
speaks to the server (the standard library reads the invite from the
outbox). Run by api/tests/http/generated_client.rs:

    python story.py BASE_URL OUTBOX_DIR
"""

import base64
import binascii
import email
import email.policy
import struct
import sys
import time
import zlib
from http import HTTPStatus
from pathlib import Path

from cma_client import AuthenticatedClient, Client
from cma_client.api.audit import get_quote_audit
from cma_client.api.auth import set_portal_password, staff_login
from cma_client.api.clients import create_client, invite_client
from cma_client.api.portal import accept_quote, get_portal_me, get_portal_quote, toggle_quote_line
from cma_client.api.quotes import create_quote, get_quote, send_quote
from cma_client.api.team import sign_up
from cma_client.models import (
    AcceptBody,
    Accepted,
    ClientCreated,
    InviteRequest,
    LineBody,
    LinkPasswordRequest,
    LoginRequest,
    Me,
    NewClient,
    NewQuote,
    NewQuoteCurrency,
    Positioned,
    QuoteAudit,
    QuoteCreated,
    QuoteView,
    QuoteViewStatus,
    Sections,
    Selection,
    SetPasswordResponse,
    SignupRequest,
    SignupResponse,
    StaffLoginResponse,
    Toggled,
)

PASSWORD = "correct horse battery"
OWNER = "sam@sparks.example"
CLIENT = "jo@home.example"


def ok(response, status, kind):
    """The parsed answer, after checking its status and type."""
    assert response.status_code == status, (
        f"{status} expected, got {response.status_code}: {response.content!r}"
    )
    assert isinstance(response.parsed, kind), f"{kind.__name__} expected: {response.parsed!r}"
    return response.parsed


def signature_png(width=60, height=24):
    """A drawn signature: a diagonal stroke on white, as a PNG data URL."""
    rows = b"".join(
        b"\x00" + bytes(0 if abs(x * height - y * width) < width else 255 for x in range(width))
        for y in range(height)
    )

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", binascii.crc32(kind + data) & 0xFFFFFFFF)
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def invite_token(outbox, to, link_prefix, seconds=20):
    """The token of the set-password link in the invite emailed to `to`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(Path(outbox).glob("*.eml")) if Path(outbox).is_dir() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if to not in str(message["To"]):
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            for word in text.split():
                if word.startswith(link_prefix):
                    return word[len(link_prefix):]
        time.sleep(0.1)
    raise AssertionError(f"no invite to {to} with {link_prefix} in {outbox}")


def main(base_url, outbox):
    public = Client(base_url=base_url, raise_on_unexpected_status=True)

    # Staff sign up and log in; the token is the staff client's bearer token.
    signed = ok(
        sign_up.sync_detailed(
            client=public,
            body=SignupRequest(
                business_name="Sparks & Sons",
                owner_name="Sam Sparks",
                owner_email=OWNER,
                owner_password=PASSWORD,
            ),
        ),
        HTTPStatus.CREATED,
        SignupResponse,
    )
    login = ok(
        staff_login.sync_detailed(
            client=public, body=LoginRequest(email=OWNER, password=PASSWORD)
        ),
        HTTPStatus.OK,
        StaffLoginResponse,
    )
    assert login.team_id == signed.team_id and login.staff_id == signed.staff_id
    staff = AuthenticatedClient(base_url=base_url, token=login.token)

    # A client, and a quote for them with one optional line, unticked.
    created = ok(
        create_client.sync_detailed(client=staff, body=NewClient(name="Jo Bloggs", emails=[CLIENT])),
        HTTPStatus.CREATED,
        ClientCreated,
    )
    quote = ok(
        create_quote.sync_detailed(
            created.client_id,
            client=staff,
            body=NewQuote(
                title="New boiler",
                currency=NewQuoteCurrency.GBP,
                lines=[
                    LineBody(
                        description="Boiler",
                        quantity="1",
                        unit_price="1200.00",
                        tax_rate="20",
                        optional=False,
                        selected=True,
                    ),
                    LineBody(
                        description="Magnetic filter",
                        quantity="1",
                        unit_price="95.50",
                        tax_rate="20",
                        optional=True,
                        selected=False,
                    ),
                ],
            ),
        ),
        HTTPStatus.CREATED,
        QuoteCreated,
    )
    sent = ok(
        send_quote.sync_detailed(quote.quote_id, client=staff), HTTPStatus.OK, Positioned
    )
    seen = ok(
        get_quote.sync_detailed(quote.quote_id, client=staff, x_min_position=sent.position),
        HTTPStatus.OK,
        QuoteView,
    )
    assert seen.status == QuoteViewStatus.SENT, seen.status
    assert seen.totals.total == "1440.00", seen.totals

    # The invite goes out by email; its link sets the client's password.
    ok(
        invite_client.sync_detailed(
            created.client_id,
            client=staff,
            body=InviteRequest(
                email=CLIENT,
                sections=Sections(
                    quotes=True, invoices=True, files=True, meetings=True, messages=True
                ),
            ),
        ),
        HTTPStatus.OK,
        Positioned,
    )
    token = invite_token(outbox, CLIENT, f"{base_url}/portal/set-password?token=")
    password_set = ok(
        set_portal_password.sync_detailed(
            client=public, body=LinkPasswordRequest(token=token, password=PASSWORD)
        ),
        HTTPStatus.OK,
        SetPasswordResponse,
    )
    assert password_set.client_id == created.client_id
    portal = AuthenticatedClient(base_url=base_url, token=password_set.token)
    me = ok(
        get_portal_me.sync_detailed(client=portal, x_min_position=password_set.position),
        HTTPStatus.OK,
        Me,
    )
    assert me.name == "Jo Bloggs" and me.business_name == "Sparks & Sons", me

    # The client ticks the optional line; the totals follow.
    shown = ok(
        get_portal_quote.sync_detailed(quote.quote_id, client=portal),
        HTTPStatus.OK,
        QuoteView,
    )
    assert [line.description for line in shown.lines] == ["Boiler", "Magnetic filter"]
    boiler, filter_ = shown.lines
    assert filter_.optional and not filter_.selected
    toggled = ok(
        toggle_quote_line.sync_detailed(
            quote.quote_id, filter_.line_id, client=portal, body=Selection(selected=True)
        ),
        HTTPStatus.OK,
        Toggled,
    )
    assert (toggled.totals.subtotal, toggled.totals.tax, toggled.totals.total) == (
        "1295.50",
        "259.10",
        "1554.60",
    ), toggled.totals

    # The client signs the revision they read.
    accepted = ok(
        accept_quote.sync_detailed(
            quote.quote_id,
            client=portal,
            body=AcceptBody(name="Jo Bloggs", signature=signature_png(), revision=shown.revision),
        ),
        HTTPStatus.OK,
        Accepted,
    )

    # Staff read the audit: a valid chain and the acceptance's evidence.
    audit = ok(
        get_quote_audit.sync_detailed(
            quote.quote_id, client=staff, x_min_position=accepted.position
        ),
        HTTPStatus.OK,
        QuoteAudit,
    )
    assert audit.quote_id == quote.quote_id
    assert audit.chain_valid, audit.broken_link
    kinds = [event.type_ for event in audit.events]
    assert kinds == ["QuoteDrafted", "QuoteSent", "QuoteLineToggled", "QuoteAccepted"], kinds
    acceptance = audit.acceptance
    assert acceptance.name == "Jo Bloggs"
    assert acceptance.revision == shown.revision
    assert acceptance.accepted_at == accepted.accepted_at
    assert acceptance.content_matches and acceptance.signature_matches
    assert set(acceptance.selected_lines) == {boiler.line_id, filter_.line_id}
    assert acceptance.totals.total == "1554.60", acceptance.totals
    print("story complete:", len(kinds), "audit events,", ", ".join(kinds))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
