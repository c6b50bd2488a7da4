"""factory_boy factories with realistic defaults: a test passes only the fields it is about."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Account, OutcomeKpi, Stakeholder, Touchpoint, UsageSnapshot
from teams.models import Role, Team, User


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = Role.CSM
    team = factory.SubFactory(TeamFactory)
    password = factory.django.Password("correct horse battery")


class AccountFactory(factory.django.DjangoModelFactory[Account]):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n:04d}")
    external_id = factory.Sequence(lambda n: f"T-{n:06d}")
    industry = "software"
    country = "FR"
    segment = "mid_market"
    mrr = Decimal("2000.00")
    currency = "EUR"
    contract_start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=300))
    renewal_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=65))
    phase = "maturation"
    phase_entered_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    team = factory.SubFactory(TeamFactory)
    owner = factory.SubFactory(UserFactory, team=factory.SelfAttribute("..team"))
    funding_stage = "profitable"
    cash_runway_months = Decimal("18.0")
    monthly_burn = Decimal("50000.00")
    late_payments = 0
    cash_facts_as_of = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    level = "economic"
    is_key = True


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    account = factory.SubFactory(AccountFactory)
    kind = "call"
    happened_at = factory.LazyFunction(timezone.now)
    summary = "Check-in call."


class UsageSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageSnapshot

    account = factory.SubFactory(AccountFactory)
    on = factory.LazyFunction(timezone.localdate)
    active_users = 8
    licensed_seats = 10


class OutcomeKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeKpi

    account = factory.SubFactory(AccountFactory)
    name = "Qualified leads per month"
    target = Decimal("100")
    actual = Decimal("90")
    as_of = factory.LazyFunction(timezone.localdate)
