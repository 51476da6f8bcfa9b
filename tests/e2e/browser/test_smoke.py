import re

from playwright.sync_api import expect

from tests.e2e.browser.conftest import screenshot, sign_in


def test_sign_in_page_is_russian_and_leads_to_the_clips(browser_page):
    browser_page.goto("/")
    expect(browser_page).to_have_url(re.compile(r"/login/"))
    expect(browser_page.locator("html")).to_have_attribute("lang", "ru")
    screenshot(browser_page, "login")
    sign_in(browser_page, "creator@example.com", "creator-password-1")
    expect(browser_page.get_by_role("navigation", name=re.compile("Главная|Main"))).to_be_visible()
    screenshot(browser_page, "clips")
