import random
import time
from datetime import date, datetime
from datetime import time as dtime

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from accounts.bulk import bulk_insert
from accounts.demo import CHURN_REASONS, CRISIS_EXPOSED, DemoAccount, _pick, generate_account
from accounts.demo_history import History, quarter_dates, simulate
from accounts.demo_history import __doc__ as HISTORY_PROCESS
from accounts.demo_ledger import seed_mrr_history
from accounts.demo_safety import (
    add_production_guard,
    delete_with_history,
    refuse_in_production,
)
from accounts.models import (
    Account,
    AccountSnapshot,
    MrrMovement,
    OutcomeKpi,
    SignalReading,
    Stakeholder,
    Touchpoint,
    UsageSnapshot,
)
from churnguard.portfolio import portfolio_changed
from risk.attention import attention
from teams.models import Role, Team, User

DEMO_PASSWORD = "churnguard-demo"
TEAM_NAMES = ("Enterprise", "Mid-market North", "Mid-market South", "SMB")
CSMS_PER_TEAM = 3
# (username, first, last, role, team index or None, managed team indexes)
NAMED_USERS = (
    ("camille", "Camille", "Laurent", Role.CSM, 0, ()),
    ("morgan", "Morgan", "Leroy", Role.MANAGER, 0, (0, 1)),
    ("sacha", "Sacha", "Moreau", Role.MANAGER, 2, (2, 3)),
    ("alex", "Alex", "Durand", Role.ADMIN, None, ()),
)
TOUCHPOINT_TEXT = {
    "call": "Check-in call: reviewed adoption and open tickets.",
    "meeting": "Quarterly business review with the sponsor.",
    "email": "Sent the onboarding checklist and next steps.",
    "note": "Sponsor mentioned budget reviews next quarter.",
}


class Command(BaseCommand):
    help = (
        "Build a realistic, reproducible demo portfolio (accounts, people, signals, users) with "
        "two years of quarterly history, scored as of each quarter. "
        + " ".join((HISTORY_PROCESS or "").split())
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--accounts", type=int, default=500)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reset", action="store_true", help="Delete existing accounts first.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when accounts already exist."
        )
        parser.add_argument(
            "--no-score", action="store_true", help="Leave the accounts unscored (benchmarks)."
        )
        add_production_guard(parser)

    def handle(self, *args: object, **options: object) -> None:
        refuse_in_production(options, command="seed_demo")
        count = int(options["accounts"])  # type: ignore[call-overload]
        if count < 0:
            raise CommandError("--accounts must be zero or more")
        if Account.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo portfolio already present: nothing to do.")
                call_command("demo_logins", stdout=self.stdout)
                return
            if not options["reset"]:
                raise CommandError("Accounts already exist: pass --reset to replace them.")
        started = time.perf_counter()
        with transaction.atomic():
            if options["reset"]:
                delete_with_history(Account.objects.all())
            users_by_team = self._users()
            self._accounts(count, int(options["seed"]), users_by_team)  # type: ignore[call-overload]
            self._mrr_history(int(options["seed"]))  # type: ignore[call-overload]
            portfolio_changed()
        self._analyze()
        if not options["no_score"]:
            self._score()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Seeded {count} accounts in {elapsed:.1f} s."))
        call_command("demo_logins", stdout=self.stdout)

    def _users(self) -> dict[int, list[User]]:
        # Hashing is deliberately slow (~0.3 s); the demo users share one password, so hash once.
        self._password_hash = make_password(DEMO_PASSWORD)
        teams = [Team.objects.get_or_create(name=name)[0] for name in TEAM_NAMES]
        users_by_team: dict[int, list[User]] = {t.pk: [] for t in teams}
        for username, first, last, role, team_index, managed in NAMED_USERS:
            team = teams[team_index] if team_index is not None else None
            user = self._user(username, first, last, role, team)
            user.is_staff = role == Role.ADMIN
            user.is_superuser = role == Role.ADMIN
            user.save(update_fields=["is_staff", "is_superuser"])
            user.managed_teams.set([teams[i] for i in managed])
            if role == Role.CSM and team:
                users_by_team[team.pk].append(user)
        for i, team in enumerate(teams):
            while len(users_by_team[team.pk]) < CSMS_PER_TEAM:
                n = len(users_by_team[team.pk]) + 1
                user = self._user(f"csm{i + 1}{n}", f"CSM {n}", team.name, Role.CSM, team)
                users_by_team[team.pk].append(user)
        return users_by_team

    def _user(self, username: str, first: str, last: str, role: Role, team: Team | None) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "team": team,
                "email": f"{username}@example.com",
            },
        )
        if created:
            user.password = self._password_hash
            user.save(update_fields=["password"])
        return user

    def _accounts(self, count: int, seed: int, users_by_team: dict[int, list[User]]) -> None:
        rng = random.Random(seed)
        today = timezone.localdate()
        team_ids = sorted(users_by_team)
        demo = [generate_account(rng, i + 1, today=today) for i in range(count)]
        # A separate stream: the accounts above stay the same whatever the history does.
        history_rng = random.Random(seed * 7919 + 1)
        histories = [_with_history(history_rng, d, today=today) for d in demo]
        fields = (
            [
                *demo[0].values.keys(),
                "team_id",
                "owner_id",
                "attention",
                "is_expected_churn",
                "risk_band",
                "created_at",
                "updated_at",
            ]
            if demo
            else []
        )
        now = timezone.now()

        def account_rows():
            for i, d in enumerate(demo):
                team_id = team_ids[i % len(team_ids)]
                owner = users_by_team[team_id][(i // len(team_ids)) % CSMS_PER_TEAM]
                v = d.values
                weight = attention(
                    score=None,
                    mrr=v["mrr"],
                    renewal_on=v["renewal_date"],
                    is_active=v["status"] == "active",
                    as_of=today,
                )
                yield [*v.values(), team_id, owner.pk, weight, False, "", now, now]

        if not demo:
            return
        bulk_insert(Account, fields, account_rows())
        ids = dict(Account.objects.values_list("external_id", "id"))
        bulk_insert(
            Stakeholder,
            ["account_id", "name", "title", "email", "level", "is_key", "left_on"],
            (
                [ids[d.external_id], name, "", "", level, key, left]
                for d in demo
                for name, level, key, left in d.stakeholders
            ),
        )
        bulk_insert(
            UsageSnapshot,
            ["account_id", "on", "active_users", "licensed_seats"],
            ([ids[d.external_id], *u] for d in demo for u in d.usage),
        )
        bulk_insert(
            OutcomeKpi,
            ["account_id", "name", "unit", "target", "actual", "higher_is_better", "as_of"],
            ([ids[d.external_id], *k] for d in demo for k in d.kpis),
        )
        bulk_insert(
            SignalReading,
            # The demo's signals are numbers: their category stays empty (not NULL).
            ["account_id", "name", "value", "as_of", "category"],
            ([ids[d.external_id], *s, ""] for d in demo for s in d.signals),
        )
        bulk_insert(
            AccountSnapshot,
            ["account_id", "as_of", "facts", "created_at"],
            (
                [ids[d.external_id], on, facts, now]
                for d, h in zip(demo, histories, strict=True)
                for on, facts in h.snapshots
            ),
        )
        tz = timezone.get_current_timezone()
        bulk_insert(
            Touchpoint,
            ["account_id", "kind", "happened_at", "summary", "created_at"],
            (
                [
                    ids[d.external_id],
                    kind,
                    datetime.combine(on, dtime(10), tzinfo=tz),
                    TOUCHPOINT_TEXT[kind],
                    now,
                ]
                for d in demo
                for kind, on in d.touchpoints
            ),
        )

    def _mrr_history(self, seed: int) -> None:
        """Each account's MRR movements since its contract start, so revenue charts have data."""
        written = seed_mrr_history(
            accounts=Account.objects.all(),
            today=timezone.localdate(),
            seed=seed,
            now=timezone.now(),
        )
        self.stdout.write(f"Recorded {written} MRR movements.")

    def _analyze(self) -> None:
        """Fresh statistics: without them the planner sorts a whole team for the triage list
        instead of walking the attention index (autovacuum may be off or not yet run)."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (
                    Account,
                    AccountSnapshot,
                    Stakeholder,
                    UsageSnapshot,
                    OutcomeKpi,
                    SignalReading,
                    MrrMovement,
                ):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _score(self) -> None:
        """Score the new portfolio so the triage list opens with real risk figures."""
        from risk.models import RunTrigger
        from risk.services.as_of import score_as_of
        from risk.services.runs import start_rescore_run

        run = start_rescore_run(trigger=RunTrigger.COMMAND, synchronous=True)
        self.stdout.write(f"Scored {run.accounts_total} active accounts.")
        history = sum(score_as_of(as_of=day) for day in quarter_dates(timezone.localdate()))
        self.stdout.write(f"Scored {history} past quarters of accounts into the history.")


def _with_history(rng: random.Random, demo: DemoAccount, *, today: date) -> History:
    """Replace the account's outcome, renewal and usage with its simulated two years."""
    values = demo.values
    history = simulate(
        rng,
        contract_start=values["contract_start"],  # type: ignore[arg-type]
        discount_pct=float(values["signing_discount_pct"]),  # type: ignore[arg-type]
        mrr=values["mrr"],  # type: ignore[arg-type]
        exposed=values["industry"] in CRISIS_EXPOSED,
        today=today,
    )
    values["contract_term_months"] = history.contract_term_months
    values["renewal_date"] = history.renewal_date
    if history.churned_on is not None:
        values["status"] = "churned"
        values["churned_on"] = history.churned_on
        values["churn_reason"] = values["churn_reason"] or _pick(rng, CHURN_REASONS)
    else:
        values["status"], values["churned_on"], values["churn_reason"] = "active", None, ""
    demo.usage = list(history.usage)
    demo.signals = [*(s for s in demo.signals if s[0] != "licensed_seats"), *history.signals]
    return history
