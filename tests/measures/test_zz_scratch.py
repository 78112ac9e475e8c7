from tests.conftest import format2_record, make_measure, make_user

def test_render(client, app):
    m = make_measure(make_user(), publish=True, **format2_record())
    r = client.get(f"/measures/{m.id}")
    assert r.status_code == 200, r.text[:3000]
    open("/tmp/prof/show.html","w").write(r.text)
    r = client.get(f"/measures/{m.id}/factsheet")
    assert r.status_code == 200, r.text[:3000]
    open("/tmp/prof/fs.html","w").write(r.text)
    r = client.get("/evidence")
    assert r.status_code == 200, r.text[:3000]
    open("/tmp/prof/ev.html","w").write(r.text)
