"""GraphQL documents and helpers of the service request tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from models.enums import Role
from tests.factories import valid_vin
from tests.shipping import gid

SHARED = """
fragment Shared on ServiceRequest {
  id kind status note createdAt closedAt
  dealer { id } createdBy { role } shipment { id } thread { id }
  serviceLevel { dueAt firstActionAt status }
  history { previousStatus status note by { role } }
}
"""
PAYMENT_FIELDS = (
    """
fragment Payment on VehiclePaymentRequest {
  ...Shared auction lotNumber vin amount { amount currency } dueDate paymentReference
  invoice { id }
}
"""
    + SHARED
)
REQUEST_PAYMENT = (
    """
mutation ($input: RequestVehiclePaymentInput!) {
  requestVehiclePayment(input: $input) { request { ...Payment } errors { field message code } }
}
"""
    + PAYMENT_FIELDS
)
ADVANCE_PAYMENT = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $note: String, $ref: String) {
  advanceVehiclePayment(requestId: $id, status: $status, note: $note, paymentReference: $ref) {
    request { ...Payment } errors { field message code }
  }
}
"""
    + PAYMENT_FIELDS
)
TRANSFER_FIELDS = (
    """
fragment Transfer on TransferVerification {
  ...Shared amount { amount currency } transferDate payer reference
  expected { amount currency } difference { amount currency }
  matchedPaymentRequest { id } matchedInvoice { id }
}
"""
    + SHARED
)
REPORT_TRANSFER = (
    """
mutation ($input: ReportTransferInput!) {
  reportTransfer(input: $input) { request { ...Transfer } errors { field message code } }
}
"""
    + TRANSFER_FIELDS
)
VERIFY_TRANSFER = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $note: String, $payment: ID,
          $invoice: ID, $expected: MoneyInput) {
  verifyTransfer(requestId: $id, status: $status, note: $note, paymentRequestId: $payment,
                 invoiceId: $invoice, expected: $expected) {
    request { ...Transfer } errors { field message code }
  }
}
"""
    + TRANSFER_FIELDS
)
CANCEL = """
mutation ($id: ID!, $note: String) {
  cancelServiceRequest(requestId: $id, note: $note) {
    request { id status } errors { field message code }
  }
}
"""
SET_CREDIT = """
mutation ($org: ID!, $limit: MoneyInput!) {
  setCreditLimit(organizationId: $org, limit: $limit) {
    creditLine { limit { amount currency } inUse { amount } available { amount } }
    errors { field message code }
  }
}
"""
CREDIT = """
query ($org: ID) {
  creditLine(organizationId: $org) { limit { amount } inUse { amount } available { amount } }
}
"""
SERVICE_REQUESTS = """
query ($first: Int, $after: String, $kind: [ServiceKind!], $status: [ServiceRequestStatus!],
       $open: Boolean! = false) {
  serviceRequests(first: $first, after: $after, kind: $kind, status: $status, open: $open) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { __typename id kind status serviceLevel { dueAt } } }
  }
}
"""
PAYMENTS = """
query ($status: [ServiceRequestStatus!]) {
  vehiclePaymentRequests(status: $status) { totalCount edges { node { id status } } }
}
"""
TRANSFERS = """
query ($status: [ServiceRequestStatus!]) {
  transferVerifications(status: $status) { totalCount edges { node { id status } } }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on ServiceRequest { status } } }"
SET_LEVEL = """
mutation ($kind: ServiceKind!, $minutes: Int!) {
  setServiceLevel(kind: $kind, minutes: $minutes) {
    targets { kind minutes } errors { field message code }
  }
}
"""


def org_id(party: Any) -> str:
    return gid("Organization", party.organization_id)


def payment_input(amount: str = "5000.00", currency: str = "USD", **fields: Any) -> dict:
    return {
        "auction": "Copart Newark",
        "lotNumber": "41-55012",
        "vin": valid_vin(7),
        "amount": {"amount": amount, "currency": currency},
        "dueDate": (dt.date.today() + dt.timedelta(days=3)).isoformat(),
    } | fields


def transfer_input(amount: str = "5000.00", currency: str = "USD", **fields: Any) -> dict:
    return {
        "amount": {"amount": amount, "currency": currency},
        "transferDate": (dt.date.today() - dt.timedelta(days=1)).isoformat(),
        "payer": "Blue Harbor Motors LLC",
        "reference": "TRX-20261201-77",
    } | fields


def codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]


STAFF = (Role.BACK_OFFICE, Role.BIDDER, Role.WAREHOUSE, Role.ACCOUNT_MANAGER)

BID_FIELDS = (
    """
fragment Bid on BidOrder {
  ...Shared auction lotNumber vin maximumBid { amount currency } priority skipIfHigherWon
  auctionStartsAt finalPrice { amount currency } paymentRequest { id status amount { amount } }
}
"""
    + SHARED
)
ORDER_BID = (
    """
mutation ($input: OrderBidInput!) {
  orderBid(input: $input) { request { ...Bid } errors { field message code } }
}
"""
    + BID_FIELDS
)
ADVANCE_BID = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $price: MoneyInput, $open: Boolean! = false) {
  advanceBidOrder(requestId: $id, status: $status, finalPrice: $price, openPaymentRequest: $open) {
    request { ...Bid } errors { field message code }
  }
}
"""
    + BID_FIELDS
)
RESALE_FIELDS = (
    """
fragment Resale on ResaleRequest {
  ...Shared auction vin lotNumber askingPrice { amount currency } soldFor { amount currency }
}
"""
    + SHARED
)
REQUEST_RESALE = (
    """
mutation ($input: RequestResaleInput!) {
  requestResale(input: $input) { request { ...Resale } errors { field message code } }
}
"""
    + RESALE_FIELDS
)
ADVANCE_RESALE = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $lot: String, $sold: MoneyInput,
          $note: String) {
  advanceResale(requestId: $id, status: $status, lotNumber: $lot, soldFor: $sold, note: $note) {
    request { ...Resale } errors { field message code }
  }
}
"""
    + RESALE_FIELDS
)


def bid_input(maximum: str = "9000.00", priority: int = 1, **fields: Any) -> dict:
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    return {
        "auction": "IAAI Dallas",
        "lotNumber": f"LOT-{priority}",
        "vin": valid_vin(priority + 20),
        "maximumBid": {"amount": maximum, "currency": "USD"},
        "priority": priority,
        "auctionStartsAt": starts.isoformat(),
    } | fields


AMENDMENT_FIELDS = (
    """
fragment Amendment on InvoiceAmendment {
  ...Shared changes { field value } invoice { id } amendedInvoice { id }
}
"""
    + SHARED
)
REQUEST_AMENDMENT = (
    """
mutation ($input: RequestInvoiceAmendmentInput!) {
  requestInvoiceAmendment(input: $input) { request { ...Amendment } errors { field message code } }
}
"""
    + AMENDMENT_FIELDS
)
ADVANCE_AMENDMENT = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $note: String, $amended: ID) {
  advanceInvoiceAmendment(requestId: $id, status: $status, note: $note,
                          amendedInvoiceId: $amended) {
    request { ...Amendment } errors { field message code }
  }
}
"""
    + AMENDMENT_FIELDS
)
EXTRA_FIELDS = (
    """
fragment Extra on ExtraServiceOrder {
  ...Shared service price { amount currency }
  parcels { id carrier trackingNumber receivedAt receivedBy { role } }
}
"""
    + SHARED
)
ORDER_EXTRA = (
    """
mutation ($input: OrderExtraServiceInput!) {
  orderExtraService(input: $input) { request { ...Extra } errors { field message code } }
}
"""
    + EXTRA_FIELDS
)
ADVANCE_EXTRA = (
    """
mutation ($id: ID!, $status: ServiceRequestStatus!, $note: String) {
  advanceExtraService(requestId: $id, status: $status, note: $note) {
    request { ...Extra } errors { field message code }
  }
}
"""
    + EXTRA_FIELDS
)
RECEIVE = (
    """
mutation ($id: ID!) {
  receiveParcel(parcelId: $id) { request { ...Extra } errors { field message code } }
}
"""
    + EXTRA_FIELDS
)
