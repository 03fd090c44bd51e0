"""``python -m accounting_connectors.sandbox --port 8899``"""

import argparse
import logging

from .server import SandboxServer


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local imitation of Accurate Online and Jurnal.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--webhook-url", help="where Accurate-style webhooks are sent")
    parser.add_argument("--rate-limits", action="store_true", help="enforce the providers' limits")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    server = SandboxServer(args.host, args.port, webhook_url=args.webhook_url,
                           rate_limits=args.rate_limits)
    server.start()
    acc, jur = server.accurate_config(), server.jurnal_config()
    print("Sandbox listening on %s" % server.url)
    print("  Accurate: api token %s / signature secret %s" % (acc.api_token, acc.signature_secret))
    print("  Jurnal:   client id %s / client secret %s" % (jur.client_id, jur.client_secret))
    print("  admin:    POST %s/_sandbox/faults, GET %s/_sandbox/state/<provider>" % (server.url, server.url),
          flush=True)  # whoever started us (a script, a pipe) needs the address now
    server.serve_forever()


if __name__ == "__main__":
    main()
