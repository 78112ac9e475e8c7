"""Search results offer "add to comparison" and downloads of the same results."""

from tests.conftest import make_measure, make_user


def test_results_offer_compare_buttons_and_exports_of_the_same_query(app, client):
    measure = make_measure(make_user(), publish=True, title="Safe Together school programme")
    page = client.get("/search?q=school&countries=DE").get_data(as_text=True)
    assert "to comparison" in page
    assert f'name="measure_id" value="{measure.id}"' in page
    assert "/export/search.csv?q=school&amp;countries=DE" in page
    csv = client.get("/export/search.csv?q=school&countries=DE")
    assert csv.status_code == 200
    assert "Safe Together school programme" in csv.get_data(as_text=True)
