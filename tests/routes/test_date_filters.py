"""Date filters typed as dd/mm/yyyy: the search page and the audit log read them, show them back
day first, and say in Vietnamese when what was typed is not a date."""
from tests.helpers import logged_in


def test_search_dates_are_typed_day_first_and_a_wrong_one_is_explained(app, make_user, make_document):
    from datetime import date

    make_user("doc", roles=("reader",))
    old = make_document(number="10/2020/NĐ-CP", title="Nghị định về cải cách hành chính cũ",
                        issued_on=date(2020, 3, 1))
    new = make_document(number="20/2024/NĐ-CP", title="Nghị định về cải cách hành chính mới",
                        issued_on=date(2024, 4, 10))
    old_link, new_link = f'href="/documents/{old}"', f'href="/documents/{new}"'
    client = logged_in(app, "doc")
    page = client.get("/search", query_string={"q": "cải cách hành chính", "from": "1/1/2024"}).get_data(as_text=True)
    assert new_link in page and old_link not in page
    assert 'name="from" value="01/01/2024"' in page and 'type="date"' not in page
    # Links of earlier versions (yyyy-mm-dd) still work and show day first.
    until = client.get("/search", query_string={"q": "cải cách", "to": "2020-12-31"}).get_data(as_text=True)
    assert 'value="31/12/2020"' in until and old_link in until and new_link not in until
    wrong = client.get("/search", query_string={"q": "cải cách", "from": "04/31/2024"}).get_data(as_text=True)
    assert "Từ ngày «04/31/2024» không có trên lịch" in wrong and "chưa được áp dụng" in wrong
    assert 'aria-invalid="true"' in wrong and old_link in wrong  # not applied


def test_audit_dates_are_typed_day_first(app, make_user):
    make_user("admin", roles=("admin",), unit="KHTCTH")
    admin = logged_in(app, "admin")
    page = admin.get("/admin/audit", query_string={"from": "01/01/2024"}).get_data(as_text=True)
    assert 'value="01/01/2024"' in page and 'type="date"' not in page
    wrong = admin.get("/admin/audit", query_string={"from": "2024"}).get_data(as_text=True)
    assert "Từ ngày «2024» không đúng dạng dd/mm/yyyy" in wrong
