from tests.support.factories import login_as


def test_home_redirects_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302


def test_home_shows_the_signed_in_persons_name(client, world):
    login_as(client, world.tm_a)
    response = client.get("/")
    assert response.status_code == 200, response.text
    assert world.tm_a.name in response.text
