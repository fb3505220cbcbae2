"""Command line entry point of the SuperOffice WebAPI simulator.

    python -m superoffice_sim --host 127.0.0.1 --port 8555 --tenant Cust12345 --seed-companies 200
"""

import argparse
import json
import signal
import threading
import time

from .server import SimServer


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m superoffice_sim",
                                     description="Local SuperOffice CRM WebAPI simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8555)
    parser.add_argument("--tenant", default="Cust12345")
    parser.add_argument("--seed-companies", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--persons-per-company", type=int, default=3)
    parser.add_argument("--dev-ticket", help="also accept 'Authorization: SOTicket <this>'")
    parser.add_argument("--onsite", action="store_true", help="on-site mode (Basic auth)")
    parser.add_argument("--load", metavar="JSON", help="load data from a JSON dump")
    parser.add_argument("--dump", metavar="JSON", help="write the seeded data and exit")
    parser.add_argument("--ticket-lifetime", type=int, default=21600)
    parser.add_argument("--access-token-lifetime", type=int, default=3600)
    parser.add_argument("--fault", action="append", default=[], metavar="JSON",
                        help='e.g. \'{"kind": "status", "status": 503, "rate": 0.1}\'')
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def describe(sim):
    app = sim.app
    lines = [
        f"SuperOffice simulator for tenant {sim.tenant} is running.",
        f"  Environment host (login, tenant state): {sim.url}",
        f"  Tenant state:  GET {sim.url}/api/state/{sim.tenant}",
        f"  API base URL:  {sim.api_base}",
        "",
        "Authenticate with one of:",
        f"  SOTicket + SO-AppToken: POST {sim.url}/Login/api/PartnerSystemUser/Authenticate",
        f"      ApplicationToken (client_secret / SO-AppToken): {app.client_secret}",
        f"      system token: {app.system_token}",
        "      sign 'token.yyyyMMddHHmm' with the app private key (RSA-SHA256, PKCS#1 v1.5)",
        f"  OAuth: client_id {app.client_id}, authorize at {sim.url}/login/common/oauth/authorize,"
        f" tokens at {sim.url}/login/common/oauth/tokens",
    ]
    if sim.options["dev_ticket"]:
        lines.append(f"  Dev ticket: 'Authorization: SOTicket {sim.options['dev_ticket']}'"
                     " (with any SO-AppToken)")
    if sim.options["onsite"]:
        lines.append(f"  On-site Basic: {app.onsite_username}:{app.onsite_password}")
    lines += ["", "App private key (PEM) for system-user signing:", app.private_key_pem.strip(),
              "", "Control: POST /_sim/faults, DELETE /_sim/faults, POST /_sim/move_tenant,"
              " POST /_sim/expire_tokens, POST /_sim/tenant_state {\"State\": ...},"
              " POST /_sim/associates {\"Name\", \"FullName\", \"Email\"},"
              " POST /_sim/list_items {\"List\", \"Value\"},"
              " POST /_sim/reset", "Press Ctrl+C to stop."]
    return "\n".join(lines)


def main(argv=None):
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    sim = SimServer(tenant=args.tenant, seed_companies=args.seed_companies, seed=args.seed,
                    host=args.host, port=args.port, dev_ticket=args.dev_ticket,
                    onsite=args.onsite, data_file=args.load,
                    persons_per_company=args.persons_per_company,
                    ticket_lifetime=args.ticket_lifetime,
                    access_token_lifetime=args.access_token_lifetime,
                    faults=[json.loads(f) for f in args.fault], verbose=args.verbose)
    if args.dump:
        sim.store.dump(args.dump)
        print(f"Wrote {args.dump}")
        return 0
    sim.start()
    print(describe(sim))
    print(f"(started in {time.perf_counter() - started:.1f} s)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
