from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from accounts.demo_safety import add_production_guard, refuse_in_production


class Command(BaseCommand):
    help = "Migrate, seed a demo portfolio if the database has none, print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=3000)
        add_production_guard(parser)

    def handle(self, *args: object, **options: object) -> None:
        refuse_in_production(options, command="prepare_demo")
        # One process for the three steps: `make run` pays Django's start-up once, not three times.
        call_command("migrate", interactive=False, verbosity=0)
        call_command(
            "seed_demo",
            accounts=options["accounts"],
            if_empty=True,
            i_know_this_is_not_production=options["i_know_this_is_not_production"],
            stdout=self.stdout,
        )
