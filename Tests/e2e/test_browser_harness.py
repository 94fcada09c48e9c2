"""The browser harness itself: how chromedriver's answers become Selenium exceptions."""
import json

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

from conftest import DocumentAwareErrors


def chromedriver_error(message):
    # The shape chromedriver answers with (W3C error object inside "value").
    return {"status": 500, "value": json.dumps({"value": {"error": "unknown error", "message": message}})}


def test_a_node_of_a_page_being_torn_down_is_a_stale_element():
    torn_down = chromedriver_error('unknown error: unhandled inspector error: '
                                   '{"code":-32000,"message":"Node with given id does not belong to the document"}')
    with pytest.raises(StaleElementReferenceException):
        DocumentAwareErrors().check_response(torn_down)


def test_other_errors_are_left_as_they_are():
    with pytest.raises(WebDriverException) as raised:
        DocumentAwareErrors().check_response(chromedriver_error("unknown error: session deleted"))
    assert not isinstance(raised.value, StaleElementReferenceException)
    DocumentAwareErrors().check_response({"status": 0, "value": None})
