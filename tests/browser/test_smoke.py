"""The home page loads in Chromium and passes axe."""


def test_home_page_is_accessible(page, live_server, checker):
    page.goto(live_server + "/")
    assert page.locator("h1").count() == 1
    checker.check("home")
