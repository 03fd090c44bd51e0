"""What every provider client offers the engine, and how one is made."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from . import preview
from .checks import check_host, check_timeout
from .errors import ConfigurationError, RateLimitedError
from .http import Redactor, Transport
from .ratelimit import Limiter, check_windows, limiter_for_config, scopes_for
from .shapes import guarded


@dataclass
class ConnectionConfig:
    """Everything a client needs; secrets are plain strings here and never
    leave the client unmasked (see :class:`~.http.Redactor`)."""

    provider: str  # "accurate" | "jurnal"
    #: Accurate: the account host (api-token.do, oauth, open-db);
    #: Jurnal: the gateway host. Empty means production.
    base_url: str = ""
    #: a test server the administrator runs (the local sandbox): its host
    #: may be http, loopback or private, and redirects stay on that host
    sandbox: bool = False
    auth_method: str = ""  # accurate: api_token | oauth ; jurnal: hmac | apikey
    # Accurate
    api_token: str = ""
    signature_secret: str = ""
    oauth_client_id: str = ""
    oauth_client_secret: str = ""
    access_token: str = ""
    refresh_token: str = ""
    database_id: str = ""
    session_id: str = ""
    data_host: str = ""  # cached data-layer host, learnt from the account layer
    language: str = "ID"  # error language asked of Accurate (ID, its own default, or US); shown as it came
    # Jurnal
    client_id: str = ""
    client_secret: str = ""
    api_key: str = ""
    # both
    timeout: tuple = (5.0, 30.0)
    #: override the provider limits, e.g. [(8, 1.0)] ; None = provider default
    rate_limits: list | None = None
    max_in_flight: int | None = None
    #: Jurnal: the windows of the server's outgoing address, shared by every
    #: consumer sending from it; None = the published ones (40/min, 2,500/h)
    #: unless ``rate_limits`` is overridden; [] = no address counter
    address_limits: list | None = None
    #: a label of the outgoing address this process sends from: servers
    #: with the same label share the address's counter ("" = one address)
    outgoing_address: str = ""
    #: how long a caller may wait for a rate-limit slot before RateLimitedError
    max_wait: float = 5.0
    #: a limiter shared by every process using this credential (see
    #: :class:`~.ratelimit.Limiter`); None = this process's own
    limiter: object = None
    #: called with a dict of changed credential fields (refreshed OAuth
    #: token, new session, moved host) so the caller can persist them
    on_credentials: object = None
    extra: dict = field(default_factory=dict)

    def check(self):
        """Validate what the administrator typed (provider, host, timeout,
        rate limits); raise ConfigurationError with a sentence to show on
        save. Credentials are checked by ``test_connection``, not here."""
        if self.provider not in PROVIDERS:
            raise ConfigurationError(code="settings.unknown_provider", params={"provider": self.provider})
        if self.base_url:
            check_host(self.base_url, "host", self.sandbox)
        if self.data_host:
            check_host(self.data_host, "database host", self.sandbox)
        check_timeout(self.timeout)
        scopes_for(self)  # the limits, overridden or not
        check_windows([], self.max_in_flight, self.max_wait)
        if self.limiter is not None and not isinstance(self.limiter, Limiter):
            raise ConfigurationError(code="settings.bad_limiter")

    def secrets(self):
        return [self.api_token, self.signature_secret, self.oauth_client_secret,
                self.access_token, self.refresh_token, self.session_id,
                self.client_secret, self.api_key]


@dataclass
class RemoteResult:
    """A document as the remote system holds it after a save or a look-up."""

    remote_id: str
    number: str = ""
    data: dict = field(default_factory=dict)
    request: dict = field(default_factory=dict)
    response: dict = field(default_factory=dict)
    duration: float = 0.0


@dataclass
class WebhookEvent:
    uuid: str
    type: str  # PURCHASE_INVOICE, PURCHASE_RETURN, ...
    database_id: str
    action: str  # WRITE | DELETE
    remote_id: str
    number: str = ""


#: the engine's calls: a parser error inside one leaves as an error of the
#: taxonomy (see :func:`~.shapes.guarded`), never as a raw exception. Guarded
#: in one place, :meth:`BaseClient.__init_subclass__`, wherever in a client's
#: classes (its mixins included) they are written.
ENGINE_CALLS = ("test_connection", "post", "post_many", "find", "list_warehouses", "list_accounts",
                "list_customers", "invoice_status", "list_purchases", "fetch_purchase", "renew_webhook")


class BaseClient:
    """The interface the engine uses. Provider clients implement it."""

    provider = None
    #: document kinds this provider can post
    kinds = ()
    #: the provider's own transit warehouse, when it keeps one by itself
    default_transit_warehouse = ""
    #: set while :meth:`preview` runs: nothing may leave the client then
    _previewing = False
    _preview_accounts = None

    def __init_subclass__(cls, **kwargs):
        """Guards each engine call as the class resolves it (its own, a
        mixin's or an inherited one), once: mixins never guard their own."""
        super().__init_subclass__(**kwargs)
        for name in ENGINE_CALLS:
            func = getattr(cls, name, None)
            if callable(func) and not getattr(func, "__guarded__", False):
                setattr(cls, name, guarded()(func))

    def __init__(self, config: ConnectionConfig, transport: Transport | None = None):
        config.check()
        self.config = config
        self.redactor = Redactor(config.secrets())
        self.transport = transport or Transport(
            limiter=self._make_limiter(), redactor=self.redactor, timeout=config.timeout)

    def _make_limiter(self):
        return limiter_for_config(self.config)

    def _slowed(self, error):
        """``error`` (what ``error_for`` made of an answer); a 429 of the
        provider also closes the limiter's scope until it may send again
        (:meth:`~.http.Transport.throttled`), its ``retry_after`` then the
        wait. Returns ``error`` to raise."""
        if isinstance(error, RateLimitedError) and error.status == 429:
            error.retry_after = self.transport.throttled(error.retry_after)
        return error

    def _require(self, *names):
        missing = [n for n in names if not getattr(self.config, n)]
        if missing:
            raise ConfigurationError(code="settings.missing", params={
                "fields": ", ".join(n.replace("_", " ") for n in missing)})

    # --- the engine's calls -------------------------------------------------
    def test_connection(self) -> dict:
        """Check credentials; return facts to show (database name...),
        with ``message`` (an English sentence) and the ``message_code`` and
        ``message_params`` it was rendered from (:mod:`.messages`)."""
        raise NotImplementedError

    def post(self, document) -> RemoteResult:
        """Create the document (or update a customer/item that has
        ``remote_id``). Raises a :class:`~.errors.ConnectorError`."""
        raise NotImplementedError

    def post_many(self, documents) -> list:
        """Bulk create/update where the API allows; one RemoteResult or
        ConnectorError per input, in order."""
        out = []
        for doc in documents:
            try:
                out.append(self.post(doc))
            except Exception as exc:  # noqa: BLE001 - handed back per document
                out.append(exc)
        return out

    def preview(self, document, accounts=None):
        """Dry run of :meth:`post`: a :class:`~.preview.Preview` of the
        request it would send for ``document`` (method, API path, JSON body
        with secrets masked), built by the same mapping code, with no HTTP
        at all. ``accounts``: the chart as ``[{"id", "number", "name",
        "type"}]`` (what :meth:`list_accounts` returned earlier) for
        providers that take account names; remote names it cannot know
        offline show as ``<customer REF in Jurnal>``. A document the post
        would refuse raises the same :class:`~.errors.ConnectorError`."""
        self._previewing, self._preview_accounts = True, accounts
        try:
            return preview.run(self, document)
        finally:
            self._previewing, self._preview_accounts = False, None

    def forget_master(self, kind, reference):
        """Drop what this client remembers of the item or customer
        ``reference`` (its remote id, its name): it was sent again, so the
        next document reads it anew. No request."""

    def find(self, kind, reference, parent=None) -> RemoteResult | None:
        """The remote document that carries our reference, or None.
        ``parent``: the reference of the document it belongs to (a sales
        return's invoice), where the provider finds it only through that."""
        raise NotImplementedError

    def list_warehouses(self) -> list[dict]:
        """``[{"id", "name"}]``"""
        raise NotImplementedError

    def stock_levels(self, warehouses) -> dict:
        """Remote on-hand quantity per warehouse and item:
        ``{warehouse name: {item code (SKU): Decimal}}`` for each name in
        ``warehouses`` (the transit warehouse included), read from the
        provider's own stock lists. Raises ConnectorError (an unknown
        warehouse is a ValidationError)."""
        raise NotImplementedError

    def list_accounts(self) -> list[dict]:
        """``[{"id", "number", "name", "type"}]``"""
        raise NotImplementedError

    def list_customers(self) -> list[dict]:
        """``[{"id", "number", "name"}]``: every customer, ``number`` being
        the reference our documents name a customer by (Accurate
        ``customerNo``; Jurnal ``custom_id``, else its display name); Jurnal
        adds ``receivable``, the number of the A/R account fixed on the
        customer. Paged; raises ConnectorError."""
        raise NotImplementedError

    def set_customer_receivable(self, remote_id, account):
        """Jurnal fixes the receivable on the customer: move the customer
        ``remote_id`` to the receivable ``account`` (a remote code). Providers
        whose documents name the receivable themselves have nothing to move."""
        raise NotImplementedError

    def invoice_status(self, reference) -> dict:
        """``{"paid": bool, "outstanding": Decimal}`` of one sales invoice."""
        raise NotImplementedError

    def list_purchases(self, since, until=None) -> list:
        """Purchase invoices and returns changed in ``[since, until]`` as
        :class:`~.documents.PurchaseDocument` (for polling)."""
        raise NotImplementedError

    def fetch_purchase(self, doc_type, remote_id):
        """One purchase invoice/return as a PurchaseDocument."""
        raise NotImplementedError

    def parse_webhook(self, body) -> list[WebhookEvent]:
        """The events of a webhook body (text) sent to us. Not guarded as an
        engine call: a malformed body raises ValueError with the reason in
        plain words, which the webhook controller answers with a 400."""
        raise NotImplementedError(
            "%s sends no webhooks for purchases; they are polled." % self.provider)


PROVIDERS = {
    "accurate": "accounting_connectors.accurate.client:AccurateClient",
    "jurnal": "accounting_connectors.jurnal.client:JurnalClient",
}


def make_client(config: ConnectionConfig, **kwargs) -> BaseClient:
    """The provider's client for ``config``; ConfigurationError when the
    settings are malformed (see :meth:`ConnectionConfig.check`)."""
    config.check()
    try:
        module, name = PROVIDERS[config.provider].split(":")
    except KeyError:
        raise ConfigurationError(code="settings.unknown_provider", params={"provider": config.provider}) from None
    return getattr(importlib.import_module(module), name)(config, **kwargs)
