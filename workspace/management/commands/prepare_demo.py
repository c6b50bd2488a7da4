from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, seed a demo portfolio if the database has none, print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=3000)

    def handle(self, *args: object, **options: object) -> None:
        # One process for the three steps: `make run` pays Django's start-up once, not three times.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", accounts=options["accounts"], if_empty=True, stdout=self.stdout)
