"""Integrity tip-offs: what a receipt check costs, and that a wrong code costs the same as a right one.

Times `reporter_open` (keyed-hash look-up, one Argon2id derivation at the configured cost, SecretBox)
for the right receipt code, a wrong code of 16 digits and a malformed one, N times each, interleaved;
and one Argon2id derivation alone. Run with `make bench` (or `python -m bench.integrity_receipt -n 10`).
"""

import argparse
import time

from bench.common import bench_database_url, setup_django, summary_ms, write_result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10, help="checks of each kind")
    args = parser.parse_args()
    vendor = setup_django(bench_database_url())

    from massline.integrity import conf, crypto, services
    from massline.org import services as org
    from massline.org.choices import RegionLevel, Role, UnitKind

    county = org.region_create(code="bench-c", name="县", level=RegionLevel.COUNTY, parent=None, by=None)
    unit = org.unit_create(code="bench-u", name="局", kind=UnitKind.DEPARTMENT, regions=[county], by=None)
    password = "Bench-Inspector-Password-2048"  # noqa: S105 (a benchmark account)
    inspector = org.official_create(
        username="bench-inspector",
        password=password,
        grants=[org.Grant(role=Role.DISCIPLINE_INSPECTOR, region=county)],
        by=None,
    )
    services.inspector_key_setup(user=inspector, password=password)
    _tip, receipt = services.tip_submit(
        unit=unit, official="某人", position="", what="基准测试", when="", where=""
    )

    opslimit, memlimit = conf.argon2_limits()
    salt = crypto.new_salt()
    start = time.perf_counter()
    crypto.derive_key(receipt, salt, opslimit, memlimit)
    derive = time.perf_counter() - start

    timings = {"right": [], "wrong": [], "malformed": []}
    codes = {"right": receipt, "wrong": "0" * 16 if receipt != "0" * 16 else "1" * 16, "malformed": "12"}
    for _ in range(args.n):
        for kind, code in codes.items():
            start = time.perf_counter()
            try:
                services.reporter_open(receipt=code)
            except services.ReceiptRefused:
                pass
            timings[kind].append(time.perf_counter() - start)
    result = {
        "database": vendor,
        "argon2id": {"opslimit": opslimit, "memlimit_mib": memlimit // (1024 * 1024)},
        "one_derivation_ms": round(derive * 1000, 1),
        "checks_each": args.n,
        **{f"receipt_{kind}": summary_ms(values) for kind, values in timings.items()},
    }
    write_result("integrity_receipt", result)


if __name__ == "__main__":
    main()
