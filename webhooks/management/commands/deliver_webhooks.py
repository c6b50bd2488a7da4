"""Send the webhook deliveries whose attempt is due, now (what beat's sweep does every minute).

Useful without a beat (the embedded mode), or to flush the retries after fixing a receiver.
"""

from typing import Any

from django.core.management.base import BaseCommand

from webhooks.services import deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deliver_due()
        self.stdout.write(f"{count} webhook deliveries sent to the queue.")
