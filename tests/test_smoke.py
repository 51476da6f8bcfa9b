from autopost.accounts.models import ApiToken


def test_api_token_authenticates_only_its_raw_value(alice):
    token, raw = ApiToken.issue(alice)
    assert ApiToken.objects.authenticate(raw).user == alice
    assert ApiToken.objects.authenticate(raw + "x") is None
    assert raw not in token.token_hash
