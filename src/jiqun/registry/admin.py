"""The Django admin over every registry table (Chinese by default, English switchable)."""

from __future__ import annotations

from django.contrib import admin

from jiqun.registry import models as m


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "longitude", "latitude")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(m.Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "parent", "provisional")
    list_filter = ("level", "provisional")
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("parent",)


@admin.register(m.Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "level", "planned_area_mu", "used_area_mu")
    search_fields = ("name", "region__name")
    raw_id_fields = ("region",)


class EnterpriseYearInline(admin.TabularInline):
    model = m.EnterpriseYear
    extra = 0


class BrandInline(admin.TabularInline):
    model = m.Brand
    extra = 0


@admin.register(m.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("uscc", "name", "region", "industry", "size_class", "above_size", "specialised")
    list_filter = ("size_class", "ownership", "above_size", "specialised", "high_tech", "listed")
    search_fields = ("uscc", "name", "region__name", "industry__name_zh")
    raw_id_fields = ("region", "industry", "park")
    inlines = (EnterpriseYearInline, BrandInline)


@admin.register(m.EnterpriseYear)
class EnterpriseYearAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "year", "revenue", "employees", "exports", "export_currency")
    list_filter = ("year",)
    search_fields = ("enterprise__uscc", "enterprise__name")
    raw_id_fields = ("enterprise",)


@admin.register(m.Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "kind", "level", "year")
    list_filter = ("kind", "level")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise",)


@admin.register(m.SupplyLink)
class SupplyLinkAdmin(admin.ModelAdmin):
    list_display = ("supplier_key", "buyer_key", "product", "amount", "year")
    list_filter = ("year",)
    search_fields = ("supplier_name", "buyer_name", "product", "supplier_key", "buyer_key")
    raw_id_fields = ("supplier", "buyer", "supplier_region", "buyer_region")


@admin.register(m.ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "public_platform")
    list_filter = ("kind", "public_platform")
    search_fields = ("name", "uscc")
    raw_id_fields = ("region",)


@admin.register(m.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started", "files", "rows_read", "inserted", "updated", "unchanged", "skipped")
    readonly_fields = tuple(f.name for f in m.ImportRun._meta.fields)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(m.CountyFinance)
class CountyFinanceAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "deposits", "loans")
    list_filter = ("year",)
    raw_id_fields = ("region",)


@admin.register(m.KeyProject)
class KeyProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "cluster", "stage", "planned_investment", "expected_output")
    list_filter = ("stage",)
    search_fields = ("name", "investors", "cluster")
    raw_id_fields = ("region", "industry")


@admin.register(m.ClusterTarget)
class ClusterTargetAdmin(admin.ModelAdmin):
    list_display = ("cluster", "region", "target_year", "target_output")
    raw_id_fields = ("region",)


@admin.register(m.EquipmentPurchase)
class EquipmentPurchaseAdmin(admin.ModelAdmin):
    list_display = ("item", "enterprise", "year", "kind", "amount", "shareable")
    list_filter = ("kind", "year")
    raw_id_fields = ("enterprise",)


@admin.register(m.Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("code", "region", "received", "category", "anonymous", "resolved")
    list_filter = ("category", "anonymous")
    search_fields = ("code", "summary")
    raw_id_fields = ("region",)
