"""A portal with nothing indexed yet (a fresh install after ``search rebuild``) still answers."""


def test_an_index_without_any_record_answers_searches_and_status(app, make_user):
    from tests.helpers import login

    make_user("quantri", roles=("admin",))
    with app.test_request_context():
        from app import search

        search.rebuild()
        assert search.status() is None
    client = app.test_client()
    login(client, "quantri")
    assert client.get("/").status_code == 200  # the admin banner checks the index on every page
    body = client.get("/api/search?q=cải cách").get_json()
    assert body["total"] == 0 and body["results"] == []
