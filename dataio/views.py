"""Import in the browser (managers and admins) and exports of the triage list (everyone)."""

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import TriageFilterForm
from churnguard.http import AuthedRequest
from dataio import exports
from dataio.forms import MappingForm, UploadForm
from dataio.mappings import save_mapping
from dataio.messages import UNREADABLE, word
from dataio.models import ImportJob, ImportStatus
from dataio.readers import Unreadable
from dataio.services import jobs
from dataio.tasks import check_import_job_task, run_import_job_task
from teams.access import ALL_TEAMS, is_admin, is_manager, role_required, visible_team_ids
from teams.models import Team, User
from teams.queries import owners_visible_to

_RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)


def get_job_for_user(user: User, pk: int) -> ImportJob:
    """The import if this user started it (an admin sees every import); 404 otherwise."""
    jobs_visible = ImportJob.objects.select_related("default_team")
    if not is_admin(user):
        jobs_visible = jobs_visible.filter(created_by=user)
    try:
        return jobs_visible.get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("No such import") from None


def _teams_for(user: User) -> QuerySet[Team]:
    teams = visible_team_ids(user)
    return Team.objects.all() if teams is ALL_TEAMS else Team.objects.filter(pk__in=teams)


@require_http_methods(["GET", "POST"])
@role_required(is_manager)
def import_upload(request: AuthedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, teams=_teams_for(request.user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = jobs.create_import_job(
                user=request.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                default_team=form.cleaned_data["default_team"],
                as_of=form.cleaned_data["as_of"],
                mapping_name=form.cleaned_data["mapping"],
            )
        except Unreadable as error:
            form.add_error("file", str(UNREADABLE.get(error.code, error.code)))
        else:
            return redirect("dataio:job", pk=job.pk)
    recent = ImportJob.objects.filter(created_by=request.user).defer("data")[:10]
    status = 400 if form.errors else 200
    return render(
        request, "dataio/import_upload.html", {"form": form, "recent": recent}, status=status
    )


def _job_context(job: ImportJob, mapping_form: MappingForm | None = None) -> dict[str, Any]:
    fields = jobs.fields_for(job.kind)
    form = mapping_form or MappingForm(headers=job.headers, targets=job.targets, fields=fields)
    context: dict[str, Any] = {"job": job, "mapping_form": form, "running": job.status in _RUNNING}
    if job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED) and job.data:
        context["preview"] = jobs.preview(job)
    if job.report:
        context["report"] = _worded_report(job.report)
    if job.error_code:
        context["error"] = UNREADABLE.get(job.error_code) or _(
            "The import failed; nothing was written."
        )
    done, total = cache.get(jobs.progress_key(job.pk)) or (0, 0)
    context["progress"] = {
        "done": done,
        "total": total,
        "pct": round(100 * done / total) if total else 0,
    }
    return context


def _worded_report(report: dict[str, Any]) -> dict[str, Any]:
    def cells(items: list[dict[str, Any]]) -> list[dict[str, str]]:
        return [{"column": i["column"], "message": word(i["code"], i["params"])} for i in items]

    return {
        **report,
        "rejected_rows": [{"row": r["row"], "errors": cells(r["errors"])} for r in report["rows"]],
        "warning_rows": [
            {"row": w["row"], "warnings": cells(w["warnings"])} for w in report["warnings"]
        ],
        "valid": report["created"] + report["updated"] + report["unchanged"],
    }


@require_GET
@role_required(is_manager)
def import_job(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    template = "dataio/import_job.html"
    if request.htmx and request.GET.get("poll"):
        template += "#job-status"
    return render(request, template, _job_context(job))


@require_POST
@role_required(is_manager)
def import_check(request: AuthedRequest, pk: int) -> HttpResponse:
    """Save the column mapping (and its name), then run the dry run."""
    job = get_job_for_user(request.user, pk)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED) or not job.data:
        return redirect("dataio:job", pk=job.pk)
    form = MappingForm(
        request.POST, headers=job.headers, targets=job.targets, fields=jobs.fields_for(job.kind)
    )
    if not form.is_valid():
        return render(request, "dataio/import_job.html", _job_context(job, form), status=400)
    jobs.set_targets(job=job, targets=form.targets())
    if form.cleaned_data["save_as"]:
        save_mapping(
            name=form.cleaned_data["save_as"],
            kind=job.kind,
            headers=job.headers,
            targets=form.targets(),
            user=request.user,
        )
    if job.size <= settings.DATAIO_INLINE_MAX_BYTES:
        jobs.check_import_job(job_id=job.pk)
    else:
        check_import_job_task.delay(job.pk)
    return redirect("dataio:job", pk=job.pk)


@require_POST
@role_required(is_manager)
def import_run(request: AuthedRequest, pk: int) -> HttpResponse:
    """Import the valid rows of the checked file."""
    job = get_job_for_user(request.user, pk)
    if job.status == ImportStatus.CHECKED:
        if job.size <= settings.DATAIO_INLINE_MAX_BYTES:
            jobs.run_import_job(job_id=job.pk)
        else:
            run_import_job_task.delay(job.pk)
    return redirect("dataio:job", pk=job.pk)


@require_POST
@role_required(is_manager)
def import_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    job = get_job_for_user(request.user, pk)
    jobs.cancel_import_job(job=job)
    return redirect("dataio:job", pk=job.pk)


_TABLES = {"triage": exports.triage_table, "scores": exports.scores_table}
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
def export(request: AuthedRequest, table: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The triage list as filtered on screen, in the user's scope, as CSV or XLSX."""
    if table not in _TABLES or fmt not in _CONTENT_TYPES:
        raise Http404("No such export")
    owners = owners_visible_to(request.user)
    form = TriageFilterForm(request.GET, owners=[(u.pk, u.display_name) for u in owners])
    rows = _TABLES[table](user=request.user, filters=form.to_filters(), today=timezone.localdate())
    filename = f"churnguard-{table}-{timezone.localdate().isoformat()}.{fmt}"
    response: HttpResponse | StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(rows), content_type=_CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(
            exports.xlsx_bytes(rows, sheet=table), content_type=_CONTENT_TYPES[fmt]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
