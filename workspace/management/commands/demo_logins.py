from django.core.management.base import BaseCommand

from teams.models import User
from workspace.management.commands.seed_demo import DEMO_PASSWORD, NAMED_USERS


class Command(BaseCommand):
    help = "Print the demo logins that seed_demo created."

    def handle(self, *args: object, **options: object) -> None:
        present = set(
            User.objects.filter(username__in=[u[0] for u in NAMED_USERS]).values_list(
                "username", flat=True
            )
        )
        if not present:
            self.stdout.write("No demo users: run `python manage.py seed_demo` first.")
            return
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for username, _first, _last, role, _team, _managed in NAMED_USERS:
            if username in present:
                self.stdout.write(f"  {username:8} {role.label}")
