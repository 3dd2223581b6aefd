"""The outbox end to end: queue N messages (one transaction each, as N transitions would), then W worker
threads drain django-tasks' database queue, each with its own connection, sending every SMS to a real
HTTP gateway on 127.0.0.1 that counts idempotency keys. Prints queueing latency, drain throughput, and
how many keys the gateway saw twice (must be 0).

Run with `python -m bench.outbox_drain --messages 2000 --workers 2` (PostgreSQL when it answers; set
MASSLINE_BENCH_DATABASE_URL to use another database).
"""

import argparse
import logging
import threading
import time

from bench.common import bench_database_url, setup_django, summary_ms, write_result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    vendor = setup_django(bench_database_url())
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connections, transaction

    from massline.lib.taskqueue import run_tasks
    from massline.outbox.choices import Channel, MessageStatus
    from massline.outbox.models import Message
    from massline.outbox.services import message_queue
    from massline.outbox.testing import local_sms_gateway

    run = f"{time.time_ns()}"
    with local_sms_gateway() as gateway:
        settings.MASSLINE_SMS_BACKEND = "http"
        settings.MASSLINE_SMS_URL = gateway.url
        settings.MASSLINE_SMS_TIMEOUT = 5.0
        latencies = []
        for i in range(args.messages):
            start = time.perf_counter()
            with transaction.atomic():
                message_queue(
                    channel=Channel.SMS, to=f"138{i:08d}", text=f"bench {i}", key=f"bench:{run}:{i}"
                )
            latencies.append(time.perf_counter() - start)
        queued = summary_ms(latencies)

        ran = [0] * args.workers

        def drain(n):
            try:
                while count := run_tasks(args.batch):
                    ran[n] += count
            finally:
                connections.close_all()

        threads = [threading.Thread(target=drain, args=(n,)) for n in range(args.workers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        keys = [r["key"] for r in gateway.received if r["key"].startswith(f"bench:{run}:")]
    sent = Message.objects.filter(key__startswith=f"bench:{run}:", status=MessageStatus.SENT).count()
    write_result(
        "outbox_drain",
        {
            "database": vendor,
            "messages": args.messages,
            "workers": args.workers,
            "queue_one_message": queued,
            "drain_seconds": round(elapsed, 2),
            "messages_per_second": round(sent / elapsed, 1),
            "sent": sent,
            "tasks_run_per_worker": ran,
            "keys_posted_twice": len(keys) - len(set(keys)),
        },
    )


if __name__ == "__main__":
    main()
