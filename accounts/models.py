"""The customer accounts we watch, their people, and what happened with them.

Facts that feed the risk score carry the date they were true (`*_as_of`), and every change of a
fact is kept as a dated row (`FactChange`), so a score can later be recomputed as of a past date.
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.countries import country_name
from churnguard.validation import (
    validate_currency_code,
    validate_no_control_characters,
    validate_sane_date,
    validate_single_line,
)
from teams.models import Team


class Industry(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    AVIATION = "aviation", _("Aviation")
    HOSPITALITY = "hospitality", _("Hospitality")
    EVENTS = "events", _("Events")
    RECRUITMENT = "recruitment", _("Recruitment")
    RETAIL = "retail", _("In-person retail")
    LOGISTICS = "logistics", _("Logistics")
    HEALTHCARE = "healthcare", _("Healthcare")
    SUPPLY_CHAIN = "supply_chain", _("Supply chain")
    ECOMMERCE = "ecommerce", _("E-commerce")
    REMOTE_WORK = "remote_work", _("Remote-work tools")
    SOFTWARE = "software", _("Software")
    FINANCIAL_SERVICES = "financial_services", _("Financial services")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    EDUCATION = "education", _("Education")
    MEDIA = "media", _("Media")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    OTHER = "other", _("Other")


class Segment(models.TextChoices):
    SMB = "smb", _("SMB")
    MID_MARKET = "mid_market", _("Mid-market")
    ENTERPRISE = "enterprise", _("Enterprise")


class Phase(models.TextChoices):
    DEPLOYMENT = "deployment", _("Deployment")
    DEFENSE = "defense", _("Defense")
    MATURATION = "maturation", _("Maturation")
    GROWTH = "growth", _("Growth")


class FundingStage(models.TextChoices):
    BOOTSTRAPPED = "bootstrapped", _("Bootstrapped")
    SEED = "seed", _("Seed start-up")
    SERIES_A = "series_a", _("Series A")
    SERIES_B_PLUS = "series_b_plus", _("Series B or later")
    PROFITABLE = "profitable", _("Profitable private company")
    LISTED = "listed", _("Listed company")
    MULTINATIONAL = "multinational", _("Multinational with reserves")


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    CHURNED = "churned", _("Churned")


class ChurnReason(models.TextChoices):
    BUDGET = "budget", _("Budget cut")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy or closure")
    COMPETITOR = "competitor", _("Moved to a competitor")
    NO_ADOPTION = "no_adoption", _("Never adopted")
    NO_VALUE = "no_value", _("Outcome not reached")
    STAKEHOLDER_LEFT = "stakeholder_left", _("Champion left")
    ACQUIRED = "acquired", _("Acquired or merged")
    OTHER = "other", _("Other")


class Band(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Account(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    # Unique through Meta.constraints, not unique=True: on PostgreSQL the field option adds a
    # second, pattern-matching index that no query uses and every rescoring UPDATE would pay for.
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        help_text=_("The id in your CRM."),
        validators=[validate_single_line],
    )
    # Free text: the Industry and Segment values are suggestions; an import keeps what a CRM says
    # ("Internet"), and the risk model scores a value it does not know with its default points.
    industry = models.CharField(_("industry"), max_length=64, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. FR"))
    segment = models.CharField(_("segment"), max_length=32, blank=True)
    mrr = models.DecimalField(
        _("MRR"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", validators=[validate_currency_code]
    )
    # Unknown when an import's file had no such column.
    contract_start = models.DateField(
        _("contract start"), null=True, blank=True, validators=[validate_sane_date]
    )
    renewal_date = models.DateField(
        _("renewal date"), null=True, blank=True, validators=[validate_sane_date]
    )
    break_clause_date = models.DateField(
        _("break clause"), null=True, blank=True, validators=[validate_sane_date]
    )
    # Months between renewals (1 monthly, 12 annual, 36 multi-year); unknown when blank.
    contract_term_months = models.PositiveSmallIntegerField(
        _("contract term (months)"), null=True, blank=True
    )
    planned_go_live = models.DateField(
        _("planned go-live"), null=True, blank=True, validators=[validate_sane_date]
    )
    signing_discount_pct = models.DecimalField(
        _("discount at signing (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # Blank when an import did not say; the account form asks for it.
    phase = models.CharField(_("journey phase"), max_length=16, choices=Phase, blank=True)
    phase_entered_on = models.DateField(_("phase entered on"), validators=[validate_sane_date])
    # PROTECT: a user is deactivated, never deleted, and their accounts get a new owner first.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_accounts",
    )
    # Indexed through account_team_attention_idx (team first): a separate FK index would only
    # cost every nightly UPDATE another index write.
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="accounts",
        db_index=False,
    )

    # Cash stability: how long the account can survive. Dated, so stale facts count as missing.
    funding_stage = models.CharField(
        _("funding stage"), max_length=16, choices=FundingStage, blank=True
    )
    cash_runway_months = models.DecimalField(
        _("cash runway (months)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    monthly_burn = models.DecimalField(
        _("monthly burn"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    late_payments = models.PositiveSmallIntegerField(
        _("late payments (12 months)"), null=True, blank=True
    )
    cash_facts_as_of = models.DateField(
        _("cash facts as of"), null=True, blank=True, validators=[validate_sane_date]
    )

    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.ACTIVE)
    churned_on = models.DateField(
        _("churn date"), null=True, blank=True, validators=[validate_sane_date]
    )
    churn_reason = models.CharField(
        _("churn reason"), max_length=20, choices=ChurnReason, blank=True
    )
    is_expected_churn = models.BooleanField(_("expected churn"), default=False)
    # The date of the last renewal recorded (`accounts.ledger.record_renewal`): a second record of
    # the same renewal changes nothing.
    renewed_on = models.DateField(_("last renewed on"), null=True, blank=True)
    # Archived accounts are hidden everywhere (triage, runs, counts) but keep their history:
    # nothing an account's scores, decisions or alerts point to is ever deleted.
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # The current risk assessment, denormalised for the triage list; history lives in risk.Score.
    risk_score = models.PositiveSmallIntegerField(_("risk score"), null=True, blank=True)
    risk_band = models.CharField(_("risk band"), max_length=8, choices=Band, blank=True)
    scored_at = models.DateTimeField(
        _("scored at"), null=True, blank=True, validators=[validate_sane_date]
    )
    # No index: models are never deleted (PROTECT), and every rescoring rewrites this column.
    risk_model = models.ForeignKey(
        "risk.RiskModel",
        verbose_name=_("risk model"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # "Needs attention": risk x MRR at stake x renewal proximity, refreshed whenever the account
    # is scored, so the default triage order is an index scan.
    attention = models.FloatField(_("attention"), default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(F("attention").desc(), "id", name="account_attention_idx"),
            models.Index("team", F("attention").desc(), "id", name="account_team_attention_idx"),
            models.Index("renewal_date", name="account_renewal_idx"),
            # The board report's top risks: the largest active accounts at risk, read in MRR
            # order without scanning the book (its query repeats this condition).
            models.Index(
                F("mrr").desc(),
                "id",
                name="account_top_risks_idx",
                condition=Q(status="active")
                & (Q(risk_band__in=[Band.HIGH, Band.CRITICAL]) | Q(is_expected_churn=True)),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["external_id"], name="account_external_id_unique"),
            models.CheckConstraint(condition=Q(mrr__gte=0), name="account_mrr_non_negative"),
            models.CheckConstraint(
                condition=Q(signing_discount_pct__gte=0, signing_discount_pct__lte=100),
                name="account_discount_pct_range",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(churned_on__isnull=False),
                name="account_churned_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def get_industry_display(self) -> str:
        return str(dict(Industry.choices).get(self.industry, self.industry))

    def get_segment_display(self) -> str:
        return str(dict(Segment.choices).get(self.segment, self.segment))

    @property
    def is_churned(self) -> bool:
        return self.status == Status.CHURNED


class StakeholderLevel(models.TextChoices):
    USER = "user", _("User")
    OPERATIONAL = "operational", _("Operational beneficiary")
    ECONOMIC = "economic", _("Economic beneficiary")


class Stakeholder(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=150, validators=[validate_single_line])
    title = models.CharField(
        _("job title"), max_length=150, blank=True, validators=[validate_single_line]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    level = models.CharField(_("level"), max_length=16, choices=StakeholderLevel)
    is_key = models.BooleanField(_("key stakeholder"), default=False)
    left_on = models.DateField(
        _("left the company on"), null=True, blank=True, validators=[validate_sane_date]
    )

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name

    @property
    def has_left(self) -> bool:
        return self.left_on is not None


class TouchpointKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")


class Touchpoint(models.Model):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="touchpoints")
    kind = models.CharField(_("kind"), max_length=8, choices=TouchpointKind)
    happened_at = models.DateTimeField(_("when"), validators=[validate_sane_date])
    summary = models.TextField(
        _("summary"), max_length=4000, validators=[validate_no_control_characters]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index("account", F("happened_at").desc(), name="touchpoint_timeline_idx")]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_at:%Y-%m-%d}"


class UsageSnapshot(models.Model):
    """Adoption at a date: active users against licensed seats."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="usage")
    on = models.DateField(_("date"), validators=[validate_sane_date])
    active_users = models.PositiveIntegerField(_("active users"))
    licensed_seats = models.PositiveIntegerField(_("licensed seats"))

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint("account", "on", name="usage_one_per_day"),
        ]
        verbose_name = _("usage snapshot")
        verbose_name_plural = _("usage snapshots")

    def __str__(self) -> str:
        return f"{self.active_users}/{self.licensed_seats} on {self.on}"


class OutcomeKpi(models.Model):
    """An outcome the account bought the product for, with its target and the latest actual."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="kpis")
    name = models.CharField(_("outcome"), max_length=120, validators=[validate_single_line])
    unit = models.CharField(_("unit"), max_length=20, blank=True, validators=[validate_single_line])
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    as_of = models.DateField(_("as of"), validators=[validate_sane_date])

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("account", "name", name="kpi_unique_name")]
        verbose_name = _("outcome KPI")
        verbose_name_plural = _("outcome KPIs")

    def __str__(self) -> str:
        return self.name


class SignalReading(models.Model):
    """A company-defined signal at a date: numeric (CSAT, seats used, open tickets...) in `value`,
    or a category (plan, acquisition channel...) in `category`; exactly one of the two is set."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="signals")
    name = models.SlugField(_("signal"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    category = models.CharField(
        _("category"), max_length=120, blank=True, validators=[validate_single_line]
    )
    as_of = models.DateField(_("as of"), validators=[validate_sane_date])

    class Meta:
        ordering = ["name", "-as_of"]
        constraints = [
            models.UniqueConstraint("account", "name", "as_of", name="signal_one_per_day"),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(category=""))
                | (Q(value__isnull=True) & ~Q(category="")),
                name="signal_numeric_or_category",
            ),
        ]
        indexes = [models.Index("account", "name", F("as_of").desc(), name="signal_latest_idx")]
        verbose_name = _("signal reading")
        verbose_name_plural = _("signal readings")

    def __str__(self) -> str:
        return f"{self.name}={self.category if self.value is None else self.value}"


class FactChange(models.Model):
    """Audit trail: who changed which fact of an account, when, from what to what."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="fact_changes")
    changed_at = models.DateTimeField(_("changed at"), validators=[validate_sane_date])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    field = models.CharField(_("field"), max_length=50)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index("account", F("changed_at").desc(), name="factchange_account_idx")]
        verbose_name = _("fact change")
        verbose_name_plural = _("fact changes")

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"

    @property
    def field_label(self) -> str:
        """The account field's name in the reader's language ("kpi:<name>" rows keep theirs)."""
        if self.field.startswith("kpi:"):
            return self.field.removeprefix("kpi:")
        if self.field == "stakeholder_left":
            return str(_("Stakeholder left"))
        try:
            field = Account._meta.get_field(self.field)
        except FieldDoesNotExist:
            return self.field
        return str(getattr(field, "verbose_name", self.field)).capitalize()


# The account fields that scoring reads, and that a dated snapshot may record.
SNAPSHOT_FIELDS = (
    "industry",
    "country",
    "segment",
    "mrr",
    "contract_term_months",
    "phase",
    "phase_entered_on",
    "planned_go_live",
    "break_clause_date",
    "renewal_date",
    "signing_discount_pct",
    "funding_stage",
    "cash_runway_months",
    "monthly_burn",
    "late_payments",
    "cash_facts_as_of",
)


class AccountSnapshot(models.Model):
    """The account's scoring facts as they were on a date (imported or recorded), so that a score
    as of that date reads them instead of today's row. Facts a snapshot leaves out are read
    from the account row."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="snapshots")
    as_of = models.DateField(_("as of"))
    facts = models.JSONField(_("facts"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "-as_of"]
        constraints = [
            models.UniqueConstraint("account", "as_of", name="snapshot_one_per_day"),
        ]
        verbose_name = _("account snapshot")
        verbose_name_plural = _("account snapshots")

    def __str__(self) -> str:
        return f"{self.account_id} as of {self.as_of}"


class MovementKind(models.TextChoices):
    NEW = "new", _("New")
    EXPANSION = "expansion", _("Expansion")
    CONTRACTION = "contraction", _("Contraction")
    CHURN = "churn", _("Churn")
    REACTIVATION = "reactivation", _("Reactivation")


class MrrMovement(models.Model):
    """One dated change of an account's MRR. The account's MRR is the sum of its movements.

    Written only by `accounts.ledger`; never edited or deleted, so the history of revenue can be
    replayed month by month. `source` says what caused it ("edit", "lever", "import", "opening"...)
    and `source_id` which row of that source (a proposal's id, an import's line).
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mrr_movements")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=MovementKind)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    mrr_after = models.DecimalField(_("MRR after"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=20)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "on", "id"]
        indexes = [
            models.Index("account", "on", "id", name="mrrmovement_account_idx"),
            # Monthly aggregates scan one range of dates.
            models.Index("on", "kind", name="mrrmovement_on_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(mrr_after__gte=0), name="mrrmovement_after_gte_0"),
            models.CheckConstraint(condition=~Q(amount=0), name="mrrmovement_amount_not_zero"),
        ]
        verbose_name = _("MRR movement")
        verbose_name_plural = _("MRR movements")

    def __str__(self) -> str:
        return f"{self.on} {self.kind} {self.amount} {self.currency}"


class SavedView(models.Model):
    """A named triage filter, private to its owner or shared with one team.

    The filters are kept as the list's query string and validated through the filter form each
    time the view is opened, so a value that no longer exists (a removed owner, a renamed phase)
    is dropped instead of breaking the page. Archived, never deleted: links to it stay explainable.
    """

    name = models.CharField(_("name"), max_length=80, validators=[validate_single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="saved_views",
    )
    # Null: private to the owner. Otherwise every member and manager of this team sees it.
    shared_with_team = models.ForeignKey(
        Team,
        verbose_name=_("shared with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="saved_views",
    )
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        indexes = [
            models.Index(
                "shared_with_team",
                name="savedview_shared_idx",
                condition=Q(archived_at__isnull=True, shared_with_team__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TriagePreference(models.Model):
    """A user's last column choice on the triage list.

    In the database rather than the session: it follows the user from the laptop to the phone
    and survives logging out. Read through the cache (workspace/triage_page.py), so the busiest
    page does not pay a query for it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="triage_preference"
    )
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("triage preference")
        verbose_name_plural = _("triage preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.columns)}"
