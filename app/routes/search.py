"""Full-text search: the results page (active search from the header box) and its JSON API."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, render_template, request, url_for
from flask_login import current_user

from app import search
from app.routes import wants_fragment
from app.search.engine import FACET_FIELDS

bp = Blueprint("search", __name__)

FILTER_PARAMS = {"kind": "kind", "category": "category", "type": "doc_type", "issuer": "issuer", "field": "fields",
                 "year": "year", "status": "status", "unit": "unit",
                 "period": "period"}
FACET_TITLES = {"kind": "Loại nội dung", "category": "Nhóm văn bản", "doc_type": "Loại văn bản",
                "issuer": "Cơ quan ban hành", "fields": "Lĩnh vực CCHC", "year": "Năm", "status": "Tình trạng hiệu lực",
                "unit": "Đơn vị", "period": "Kỳ báo cáo"}
SORTS = {"relevance": "Phù hợp nhất", "newest": "Mới nhất"}


class BadSearchParameter(ValueError):
    pass


def _date_arg(name: str) -> int:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return 0
    for fmt_parts in (raw.split("-"), raw.split("/")[::-1]):
        try:
            year, month, day = (int(p) for p in fmt_parts)
            return int(date(year, month, day).strftime("%Y%m%d"))
        except (ValueError, TypeError):
            continue
    raise BadSearchParameter(f"Ngày {name} không hợp lệ (dùng YYYY-MM-DD hoặc dd/mm/yyyy).")


def _int_arg(name: str, default: int, low: int, high: int, strict: bool) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        if strict:
            raise BadSearchParameter(f"Tham số {name} phải là số nguyên.")
        return default
    if not low <= value <= high:
        if strict:
            raise BadSearchParameter(f"Tham số {name} phải trong khoảng {low}–{high}.")
        return min(max(value, low), high)
    return value


def request_from_args(strict: bool) -> search.SearchRequest:
    """Read the query string into a SearchRequest. ``strict`` (the API) refuses bad values;
    the page quietly falls back to defaults."""
    filters = search.Filters(**{field: (request.args.get(param) or "").strip()[:255]
                                for param, field in FILTER_PARAMS.items()})
    try:
        filters.date_from = _date_arg("from")
        filters.date_to = _date_arg("to")
    except BadSearchParameter:
        if strict:
            raise
    sort = request.args.get("sort") or "relevance"
    if sort not in SORTS:
        if strict:
            raise BadSearchParameter("Tham số sort chỉ nhận relevance hoặc newest.")
        sort = "relevance"
    return search.SearchRequest(
        q=request.args.get("q", ""), filters=filters, sort=sort,
        page=_int_arg("page", 1, 1, 10000, strict), per_page=_int_arg("per_page", 20, 1, 100, strict),
    )


def _current_args() -> dict:
    return {k: v for k, v in request.args.items() if v and k != "page"}


def _facet_url(field: str, value: str | None) -> str:
    args = _current_args()
    param = next(p for p, f in FILTER_PARAMS.items() if f == field)
    if value is None:
        args.pop(param, None)
    else:
        args[param] = value
    return url_for("search.results", **args)


@bp.route("/search")
def results():
    """Return the search results for the query string: only the results panel for htmx
    requests (active search, facets, paging), the full page otherwise. Never an error page
    for what was typed."""
    page = search.search(current_user, request_from_args(strict=False))
    context = {"page": page, "facet_titles": FACET_TITLES, "facet_fields": FACET_FIELDS, "sorts": SORTS,
               "facet_url": _facet_url, "args": _current_args(), "filter_params": FILTER_PARAMS,
               "field_params": {field: param for param, field in FILTER_PARAMS.items()}}
    if wants_fragment():
        return render_template("search/_panel.html", **context)
    return render_template("search/index.html", **context)


@bp.route("/api/search")
def api_search():
    """Return ``{"total", "page", "per_page", "results", "facets"}`` as JSON; 400 with a JSON
    message for bad parameters."""
    try:
        req = request_from_args(strict=True)
    except BadSearchParameter as exc:
        return jsonify(error=str(exc)), 400
    page = search.search(current_user, req)
    if page.unavailable:
        return jsonify(error="Chỉ mục tìm kiếm đang được dựng lại, vui lòng thử lại sau.",
                       reason=page.unavailable), 503
    return jsonify(
        total=page.total, page=req.page, per_page=req.per_page, any_word=page.any_word,
        suggestion=page.suggestion,
        results=[{"kind": h.kind, "id": h.id, "title": h.title, "number": h.number, "url": h.url,
                  "snippet": str(h.snippet), "date": h.date.isoformat() if h.date else None,
                  "issuer": h.issuer, "score": round(h.score, 4)} for h in page.hits],
        facets={name: [{"value": v, "label": label, "count": c} for v, label, c in items]
                for name, items in page.facets.items()},
    )


@bp.route("/search/suggest")
def suggest_options():
    """Return ``<datalist>`` options (readable titles) for the header box's autocomplete."""
    text = request.args.get("q", "")
    items = search.suggest(current_user, text) if len(text.strip()) >= 2 else []
    return render_template("search/_suggestions.html", items=items)


@bp.route("/api/search/suggest")
def api_suggest():
    """Return up to 8 readable records matching what has been typed so far (autocomplete)."""
    text = request.args.get("q", "")
    if len(text.strip()) < 2:
        return jsonify(suggestions=[])
    return jsonify(suggestions=search.suggest(current_user, text))
