from django.contrib import admin
from django.utils.html import format_html

from speakers.models import Affiliation, Speaker
from speakers.services import delete_photo_files, retire_slug


class SluggedAdmin(admin.ModelAdmin):
    """Admin for a model with a slug: a renamed slug keeps its old URL answering (301)."""

    def save_model(self, request, obj, form, change):
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if change:
            retire_slug(obj, old_slug)


@admin.register(Affiliation)
class AffiliationAdmin(SluggedAdmin):
    list_display = ("name", "short_name", "url")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Speaker)
class SpeakerAdmin(SluggedAdmin):
    list_display = ("thumbnail", "name", "affiliation", "position")
    list_display_links = ("thumbnail", "name")
    list_select_related = ("affiliation",)
    list_filter = ("affiliation",)
    search_fields = ("name", "affiliation__name", "affiliation__short_name", "email")
    autocomplete_fields = ("affiliation",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("photo_preview",)
    fields = (
        "name",
        "slug",
        "affiliation",
        "position",
        "photo",
        "photo_preview",
        "bio",
        "homepage",
        "email",
    )

    def save_model(self, request, obj, form, change):
        previous_files = Speaker.objects.filter(pk=obj.pk).photo_files() if change else set()
        super().save_model(request, obj, form, change)
        delete_photo_files(previous_files - obj.photo_files())

    def delete_model(self, request, obj):
        files = obj.photo_files()
        super().delete_model(request, obj)
        delete_photo_files(files)

    def delete_queryset(self, request, queryset):
        files = queryset.photo_files()
        super().delete_queryset(request, queryset)
        delete_photo_files(files)

    @admin.display(description="Photo")
    def thumbnail(self, speaker):
        if not speaker.small_photo:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="40" height="40" class="speaker-thumbnail">',
            speaker.small_photo.url,
            speaker.name,
        )

    @admin.display(description="Current photo")
    def photo_preview(self, speaker):
        if not speaker.photo:
            return "No photo yet."
        return format_html(
            '<img src="{}" alt="{}" width="120" class="speaker-photo-preview">',
            speaker.photo.url,
            speaker.name,
        )
