"""Full-text search: the results page (active search from the header box) and its JSON API."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, g, jsonify, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from app import search
from app.dates import DateFormatError, parse_date
from app.errors import Invalid
from app.routes import wants_fragment
from app.search.engine import FACET_FIELDS
from app.vntext import vn_number

bp = Blueprint("search", __name__)

FILTER_PARAMS = {"kind": "kind", "category": "category", "type": "doc_type", "issuer": "issuer", "field": "fields",
                 "year": "year", "status": "status", "state": "state", "unit": "unit",
                 "period": "period"}
FIELD_PARAMS = {field: param for param, field in FILTER_PARAMS.items()}  # facet field → its query parameter
FACET_TITLES = {"kind": "Loại nội dung", "category": "Nhóm văn bản", "doc_type": "Loại văn bản",
                "issuer": "Cơ quan ban hành", "fields": "Lĩnh vực CCHC", "year": "Năm", "status": "Tình trạng hiệu lực",
                "state": "Tình trạng nhiệm vụ", "unit": "Đơn vị", "period": "Kỳ báo cáo"}
FACET_SHOWN = 12          # values shown before "Xem thêm" (the year facet lists every year)
FACETS_SHOWN_WHOLE = ("year",)
SORTS = {"relevance": "Phù hợp nhất", "newest": "Mới nhất"}
SCOPES = {"all": "toàn văn", "title": "tiêu đề"}   # ?in=… → SearchRequest.scope
ACCENTS_PARAM = "dau"                              # ?dau=0: ignore the accents typed
# Badges of the result rows: a document's validity, a progress update's task state (the text is
# always shown; the class only adds a colour).
BADGES = {"Còn hiệu lực": "badge--valid", "Hết hiệu lực toàn bộ": "badge--expired",
          "Hết hiệu lực một phần": "badge--partial", "Chưa có hiệu lực": "badge--pending",
          "Hoàn thành": "badge--valid", "Đang thực hiện": "badge--active", "Chậm tiến độ": "badge--expired",
          "Chưa triển khai": "badge--pending"}
DATE_LABELS = {"document": "Ban hành", "progress": "Cập nhật", "news": "Đăng"}
_NUMBER_LIKE = re.compile(r"\d\s*/\s*\w|\b(?:số|so)\s+\d", re.IGNORECASE)  # 107/2021…, "số 3567"


DATE_PARAMS = {"from": "Từ ngày", "to": "Đến ngày"}


def _date_arg(name: str) -> int:
    """The date parameter ``name`` as ``yyyymmdd`` (0 when empty): ``dd/mm/yyyy`` as typed on the
    page, or ``yyyy-mm-dd``. Refuses anything else (Invalid, in Vietnamese)."""
    try:
        day = parse_date(request.args.get(name), DATE_PARAMS[name])
    except DateFormatError as exc:
        raise Invalid(str(exc)) from None
    return int(day.strftime("%Y%m%d")) if day else 0


def _date_problems() -> dict[str, str]:
    """The page's date filters that are not dates, with what to type instead (they are not applied)."""
    problems = {}
    for name in DATE_PARAMS:
        try:
            _date_arg(name)
        except Invalid as exc:
            problems[name] = f"{exc} Bộ lọc ngày này chưa được áp dụng."
    return problems


def _int_arg(name: str, default: int, low: int, high: int, strict: bool) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        if strict:
            raise Invalid(f"Tham số {name} phải là số nguyên.") from None
        return default
    if not low <= value <= high:
        if strict:
            raise Invalid(f"Tham số {name} phải trong khoảng {low}–{high}.")
        return min(max(value, low), high)
    return value


def request_from_args(strict: bool) -> search.SearchRequest:
    """Read the query string into a SearchRequest. ``strict`` (the API) refuses bad values;
    the page quietly falls back to defaults."""
    filters = search.Filters(**{field: (request.args.get(param) or "").strip()[:255]
                                for param, field in FILTER_PARAMS.items()})
    for name, attribute in (("from", "date_from"), ("to", "date_to")):
        try:
            setattr(filters, attribute, _date_arg(name))
        except Invalid:
            if strict:
                raise
    sort = request.args.get("sort") or "relevance"
    if sort not in SORTS:
        if strict:
            raise Invalid("Tham số sort chỉ nhận relevance hoặc newest.")
        sort = "relevance"
    scope = request.args.get("in") or "all"
    if scope not in SCOPES:
        if strict:
            raise Invalid("Tham số in chỉ nhận all (toàn văn) hoặc title (tiêu đề).")
        scope = "all"
    accents = request.args.get(ACCENTS_PARAM) or "1"
    if accents not in ("0", "1"):
        if strict:
            raise Invalid("Tham số dau chỉ nhận 0 (không phân biệt dấu) hoặc 1 (đúng dấu đã gõ).")
        accents = "1"
    return search.SearchRequest(
        q=request.args.get("q", ""), filters=filters, sort=sort,
        page=_int_arg("page", 1, 1, 10000, strict), per_page=_int_arg("per_page", 20, 1, 100, strict),
        scope=scope, ignore_accents=accents == "0",
    )


URL_SAFE = "!$'()*,/:;?@"  # what Werkzeug's url_for leaves unescaped in a query string


def _current_args() -> dict:
    return {k: v for k, v in request.args.items() if v and k != "page"}


def _search_url(**changes) -> str:
    """The results page for the current query string with ``changes`` (None removes a
    parameter), from the first page. A results page holds a few hundred such links (facets):
    the path is built once per request and the query string encoded as ``url_for`` does."""
    args = _current_args()
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    base = g.get("search_results_path")
    if base is None:
        base = g.search_results_path = url_for("search.results")
    return f"{base}?{urlencode(args, safe=URL_SAFE)}" if args else base


def _page_links(page: search.SearchPage) -> dict:
    """What the notices and the no-result advice offer: the links and the facts they depend on."""
    q = page.parsed.text
    quoted = '"' in q
    filtered = any(request.args.get(p) for p in [*FILTER_PARAMS, "from", "to"])
    return {
        "words": len(q.split()),
        "quoted": quoted,
        "looks_like_number": bool(page.parsed.number_keys or page.parsed.number_prefixes or _NUMBER_LIKE.search(q)),
        "filtered": filtered,
        "phrase_url": _search_url(q=f'"{q}"') if q and not quoted and len(q.split()) >= 2 else None,
        "unquoted_url": _search_url(q=" ".join(q.replace('"', " ").split())) if quoted else None,
        "ignore_accents_url": _search_url(**{ACCENTS_PARAM: "0"}),
        "exact_accents_url": _search_url(**{ACCENTS_PARAM: None}),
        "all_scope_url": _search_url(**{"in": None}),
        # The correction is built from the records the filters leave: it keeps them (and the scope).
        "suggestion_url": _search_url(q=page.suggestion) if page.suggestion else None,
        "unfiltered_url": _search_url(**{p: None for p in [*FILTER_PARAMS, "from", "to"]}) if filtered else None,
    }


def _facet_url(field: str, value: str | None) -> str:
    """The results page filtered on ``field`` = ``value`` (None: not filtered on it). Every value of
    a field shares the rest of the query string: it is encoded once per field and request."""
    param = FIELD_PARAMS[field]
    if value is None:
        return _search_url(**{param: None})
    prefixes = g.setdefault("facet_url_prefixes", {})
    prefix = prefixes.get(param)
    if prefix is None:
        without = _search_url(**{param: None})
        prefix = prefixes[param] = without + ("&" if "?" in without else "?")
    return prefix + urlencode({param: value}, safe=URL_SAFE)


def _facet_items(field: str, items) -> Markup:
    """The ``<li>`` links of a facet's values (``items``: value, label, count), the chosen one
    marked and linking to the results without it. Built here, not by a template macro: a results
    page holds a few hundred of them, and a macro call each cost about 15 ms a page."""
    param = FIELD_PARAMS[field]
    chosen = request.args.get(param) or None
    parts = []
    for value, label, count in items:
        text = f"{escape(label or '—')} <span class=\"count\">{escape(vn_number(count))}</span>"
        if chosen is not None and chosen == value:
            parts.append(f'<li><a aria-current="true" class="facet--on" href="{escape(_facet_url(field, None))}" '
                         f'title="Bỏ lọc">{text} ✕</a></li>')
        else:
            parts.append(f'<li><a href="{escape(_facet_url(field, value))}">{text}</a></li>')
    return Markup("".join(parts))


@bp.route("/search")
def results():
    """Return the search results for the query string: only the results panel for htmx
    requests (active search, facets, paging), the full page otherwise. Never an error page
    for what was typed."""
    page = search.search(current_user, request_from_args(strict=False))
    context = {"page": page, "facet_titles": FACET_TITLES, "facet_fields": FACET_FIELDS, "sorts": SORTS,
               "scopes": SCOPES, "facet_url": _facet_url, "facet_items": _facet_items, "args": _current_args(),
               "filter_params": FILTER_PARAMS,
               "field_params": FIELD_PARAMS,
               "facet_shown": FACET_SHOWN, "facets_whole": FACETS_SHOWN_WHOLE, "badges": BADGES,
               "date_labels": DATE_LABELS, "links": _page_links(page), "date_problems": _date_problems()}
    if wants_fragment():
        # The main navigation sits outside the swapped area: it comes along out of band so
        # "Tìm kiếm" is marked current after an active search from another page.
        return render_template("search/_panel.html", oob_nav=True, **context)
    return render_template("search/index.html", **context)


@bp.route("/api/search")
def api_search():
    """Return ``{"total", "page", "per_page", "results", "facets"}`` (and the query's notices:
    ``any_word``, ``suggestion``, ``accents_relaxed``, ``more_without_accents``) as JSON; 400
    with a JSON message for bad parameters (``in`` and ``dau`` as on the page)."""
    req = request_from_args(strict=True)  # a bad parameter: Invalid, a JSON 400 (app.routes.errors)
    page = search.search(current_user, req)
    if page.unavailable:
        return jsonify(error="Chỉ mục tìm kiếm đang được dựng lại, vui lòng thử lại sau.",
                       reason=page.unavailable), 503
    return jsonify(
        total=page.total, page=req.page, per_page=req.per_page, scope=req.scope,
        ignore_accents=req.ignore_accents, any_word=page.any_word, suggestion=page.suggestion,
        accents_relaxed=page.accents_relaxed, more_without_accents=page.more_without_accents,
        results=[{"kind": h.kind, "id": h.id, "title": h.title, "number": h.number, "url": h.url,
                  "snippet": str(h.snippet), "date": h.date.isoformat() if h.date else None,
                  "issuer": h.issuer, "doc_type": h.doc_type,
                  "status": h.status if h.kind in ("document", "progress") else None,
                  "phrase": h.phrase, "score": round(h.score, 4)} for h in page.hits],
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
