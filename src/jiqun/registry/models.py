"""The registry: the system of record of enterprises, their yearly facts and their surroundings.

Keys follow the national standards: enterprises by the unified social credit code (GB 32100-2015),
regions by the 6-digit administrative division code (GB/T 2260), industries by GB/T 4754-2017.
Money is stored in yuan (or US dollars where the currency column says so), never in 万元.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}
QUANTITY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class Region(models.Model):
    """An administrative division (province, prefecture or county level)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province level")
        PREFECTURE = "prefecture", _("prefecture level")
        COUNTY = "county", _("county level")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Industry(models.Model):
    """A GB/T 4754-2017 industry at any of its four levels.

    ``provisional`` marks a 中类/小类 code that was accepted because its 大类 is known while the
    full code table was not loaded; loading the table replaces it.
    """

    code = models.CharField(_("industry code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Park(models.Model):
    """An industrial park (园区); areas in mu (亩, 1/15 hectare)."""

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=128)
    level = models.CharField(_("level"), max_length=32, blank=True)
    planned_area_mu = models.DecimalField(_("planned area (mu)"), **QUANTITY)
    used_area_mu = models.DecimalField(_("used area (mu)"), **QUANTITY)
    main_industries = models.CharField(_("main industries"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="park_unique_name")]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """An enterprise, keyed by its unified social credit code."""

    class Ownership(models.TextChoices):
        STATE = "state", _("state-owned")
        COLLECTIVE = "collective", _("collective")
        PRIVATE = "private", _("private")
        SHAREHOLDING = "shareholding", _("shareholding")
        HMT = "hmt", _("Hong Kong, Macao or Taiwan invested")
        FOREIGN = "foreign", _("foreign invested")
        OTHER = "other", _("other")

    class SizeClass(models.TextChoices):
        LARGE = "large", _("large")
        MEDIUM = "medium", _("medium")
        SMALL = "small", _("small")
        MICRO = "micro", _("micro")

    uscc = models.CharField(_("unified social credit code"), max_length=18, primary_key=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("county"))
    town = models.CharField(_("town"), max_length=64, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    industry = models.ForeignKey(Industry, models.PROTECT, verbose_name=_("industry"))
    founded = models.DateField(_("founding date"), null=True, blank=True)
    closed = models.DateField(_("closing date"), null=True, blank=True)
    ownership = models.CharField(_("ownership"), max_length=16, choices=Ownership.choices, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, blank=True)
    park = models.ForeignKey(
        Park, models.SET_NULL, null=True, blank=True, verbose_name=_("park")
    )
    above_size = models.BooleanField(_("above designated size"), null=True, blank=True)
    specialised = models.BooleanField(_("specialised and innovative SME"), null=True, blank=True)
    high_tech = models.BooleanField(_("high-tech enterprise"), null=True, blank=True)
    listed = models.BooleanField(_("listed"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["region", "industry"], name="ent_region_industry")]

    def __str__(self) -> str:
        return self.name


class EnterpriseYear(models.Model):
    """The facts of one enterprise in one year; money in yuan (exports in their currency)."""

    class Currency(models.TextChoices):
        CNY = "CNY", _("yuan")
        USD = "USD", _("US dollar")

    # No separate index: the unique (enterprise, year) index serves lookups by enterprise.
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="years", verbose_name=_("enterprise"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("operating revenue (yuan)"), **MONEY)
    industrial_output = models.DecimalField(_("gross industrial output (yuan)"), **MONEY)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    exports = models.DecimalField(_("exports"), **MONEY)
    export_currency = models.CharField(
        _("export currency"), max_length=3, choices=Currency.choices, blank=True
    )
    rd_spending = models.DecimalField(_("R&D spending (yuan)"), **MONEY)
    invention_patents = models.PositiveIntegerField(_("invention patents"), null=True, blank=True)
    utility_patents = models.PositiveIntegerField(_("utility model patents"), null=True, blank=True)
    new_products = models.PositiveIntegerField(_("new products"), null=True, blank=True)
    tax = models.DecimalField(_("taxes paid (yuan)"), **MONEY)
    total_assets = models.DecimalField(_("total assets (yuan)"), **MONEY)
    liabilities = models.DecimalField(_("total liabilities (yuan)"), **MONEY)
    energy_tce = models.DecimalField(_("energy use (tce)"), **QUANTITY)
    land_mu = models.DecimalField(_("land (mu)"), **QUANTITY)

    class Meta:
        verbose_name = _("enterprise year")
        verbose_name_plural = _("enterprise years")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique")
        ]
        indexes = [models.Index(fields=["year"], name="enterprise_year_year")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class Brand(models.Model):
    """A brand title or certification held by an enterprise (驰名商标, 省级名牌 …)."""

    class Kind(models.TextChoices):
        WELL_KNOWN_TRADEMARK = "well_known_trademark", _("well-known trademark")
        FAMOUS_TRADEMARK = "famous_trademark", _("famous trademark")
        BRAND_PRODUCT = "brand_product", _("brand-name product")
        GEOGRAPHICAL_INDICATION = "geographical_indication", _("geographical indication")
        TIME_HONOURED = "time_honoured", _("time-honoured brand")
        CERTIFICATION = "certification", _("certification")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")
        COUNTY = "county", _("county level")
        INTERNATIONAL = "international", _("international")

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="brands", verbose_name=_("enterprise")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    name = models.CharField(_("brand or product"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year awarded"), null=True, blank=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "name"], name="brand_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SupplyLink(models.Model):
    """A purchase of one firm from another in one year.

    A party outside the registry is kept by name and region; ``supplier_key`` and ``buyer_key``
    are the USCC when known, else ``name@region``, so that a link is unique either way.
    """

    supplier = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="sales",
        verbose_name=_("supplier"),
    )
    supplier_name = models.CharField(_("supplier name"), max_length=200, blank=True)
    supplier_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("supplier region"),
    )
    supplier_key = models.CharField(max_length=220, editable=False)
    buyer = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="purchases",
        verbose_name=_("buyer"),
    )
    buyer_name = models.CharField(_("buyer name"), max_length=200, blank=True)
    buyer_region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("buyer region"),
    )
    buyer_key = models.CharField(max_length=220, editable=False)
    product = models.CharField(_("product"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_key", "buyer_key", "product", "year"], name="supply_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_key} → {self.buyer_key} {self.year}"


class ServiceProvider(models.Model):
    """A provider of services to cluster firms: testing, R&D, logistics, finance …"""

    class Kind(models.TextChoices):
        TESTING = "testing", _("testing and certification")
        RD = "rd", _("research and development")
        DESIGN = "design", _("design")
        TRAINING = "training", _("training")
        INFORMATION = "information", _("information")
        LOGISTICS = "logistics", _("logistics")
        FINANCE = "finance", _("finance")
        GUARANTEE = "guarantee", _("credit guarantee")
        MARKETING = "marketing", _("marketing")
        LEGAL = "legal", _("legal and consulting")
        ASSOCIATION = "association", _("industry association")
        INCUBATOR = "incubator", _("incubator")
        OTHER = "other", _("other")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    public_platform = models.BooleanField(_("public service platform"), default=False)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        constraints = [
            models.UniqueConstraint(fields=["region", "name", "kind"], name="provider_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import into the registry: what file, what it changed. Append-only."""

    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("finished"))
    user = models.CharField(_("user"), max_length=150, blank=True)
    files = models.TextField(_("files"))
    sha256 = models.TextField(_("SHA-256 of the files"))
    rows_read = models.PositiveIntegerField(_("rows read"))
    inserted = models.PositiveIntegerField(_("rows inserted"))
    updated = models.PositiveIntegerField(_("rows updated"))
    unchanged = models.PositiveIntegerField(_("rows unchanged"))
    skipped = models.PositiveIntegerField(_("rows skipped"))
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.started:%Y-%m-%d %H:%M} {self.files}"


class CountyFinance(models.Model):
    """Year-end deposits and loans of the banks in a county (存贷款余额), in yuan."""

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    deposits = models.DecimalField(_("deposit balance (yuan)"), **MONEY)
    loans = models.DecimalField(_("loan balance (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("county finance")
        verbose_name_plural = _("county finance")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="county_finance_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class KeyProject(models.Model):
    """A key project (重点项目) of a county, followed from signing to full production."""

    class Stage(models.TextChoices):
        SIGNED = "signed", _("signed")
        STARTED = "started", _("construction started")
        BUILDING = "building", _("under construction")
        OPERATING = "operating", _("in production")
        FULL = "full", _("at full capacity")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("county"))
    name = models.CharField(_("name"), max_length=200)
    investors = models.CharField(_("investors"), max_length=300, blank=True)
    cluster = models.CharField(_("cluster"), max_length=100, blank=True)
    industry = models.ForeignKey(
        Industry, models.PROTECT, null=True, blank=True, verbose_name=_("industry")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    planned_investment = models.DecimalField(_("planned investment (yuan)"), **MONEY)
    completed_investment = models.DecimalField(_("completed investment (yuan)"), **MONEY)
    expected_output = models.DecimalField(_("expected new output (yuan)"), **MONEY)
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    land_mu = models.DecimalField(_("land (mu)"), **QUANTITY)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="key_project_unique")]

    def __str__(self) -> str:
        return self.name


class ClusterTarget(models.Model):
    """A cluster's output target in a plan, such as 产值突破100亿元 by the end of the plan."""

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("county"))
    cluster = models.CharField(_("cluster"), max_length=100)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    target_output = models.DecimalField(_("target output (yuan)"), **MONEY)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cluster target")
        verbose_name_plural = _("cluster targets")
        constraints = [models.UniqueConstraint(fields=["region", "cluster", "target_year"],
                                               name="cluster_target_unique")]

    def __str__(self) -> str:
        return f"{self.cluster} {self.target_year}"


class EquipmentPurchase(models.Model):
    """A mould or piece of equipment an enterprise bought (to find duplicated purchases)."""

    class Kind(models.TextChoices):
        MOULD = "mould", _("mould")
        EQUIPMENT = "equipment", _("equipment")

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="equipment", verbose_name=_("enterprise")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    item = models.CharField(_("item"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    shareable = models.BooleanField(_("could be shared"), null=True, blank=True)

    class Meta:
        verbose_name = _("equipment purchase")
        verbose_name_plural = _("equipment purchases")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "item"],
                                               name="equipment_purchase_unique")]

    def __str__(self) -> str:
        return self.item


class Complaint(models.Model):
    """A business-environment complaint as counted for the registry (no complainant identity).

    The complaint centre of the platform wave keeps the complainant's identity elsewhere,
    protected; this table holds only what diagnosis needs: where, when, about what, resolved when.
    """

    class Category(models.TextChoices):
        ENFORCEMENT = "enforcement", _("excessive enforcement or exaction")
        APPROVAL = "approval", _("approvals and permits")
        FEES = "fees", _("fees and charges")
        SERVICE = "service", _("service attitude")
        MARKET = "market", _("unfair competition")
        OTHER = "other", _("other")

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("county"))
    code = models.CharField(_("tracking code"), max_length=32, unique=True)
    received = models.DateField(_("received"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    resolved = models.DateField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.code
