from django.conf import settings
from django.core.management.base import BaseCommand
from huey.contrib.djhuey import HUEY

from autopost.observability.heartbeat import WorkerHeartbeatThread
from autopost.publishing.sweeper import SweeperThread
from autopost.publishing.tasks import stats_consumer


class Command(BaseCommand):
    help = "Runs the publish worker: the huey consumer and the sweeper."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, help="worker threads (default: AUTOPOST_WORKER_THREADS)")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="don't run periodic tasks here (run them in one worker only)",
        )

    def handle(self, *args, **options):
        consumer_options = dict(settings.HUEY.get("consumer", {}))
        if options["workers"]:
            consumer_options["workers"] = options["workers"]
        consumer_options["periodic"] = not options["no_periodic"]
        consumer = HUEY.create_consumer(**consumer_options)
        sweeper = SweeperThread()
        if consumer_options["periodic"]:
            sweeper.start()
        # Stats have a queue and thread(s) of their own: they never take a publish thread.
        stats = stats_consumer(periodic=consumer_options["periodic"])
        stats.start()
        # Beats only while the consumer has not been told to stop (a graceful stop can take long).
        heartbeat = WorkerHeartbeatThread(alive=lambda: not consumer.stop_flag.is_set())
        heartbeat.start()
        try:
            consumer.run()
        finally:
            heartbeat.stop()
            sweeper.stop()
            stats.stop()
