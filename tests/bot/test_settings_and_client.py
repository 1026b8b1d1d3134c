import asyncio

import httpx
import pytest

from actions.directory_client import DirectoryClient, DirectoryNotFound, DirectoryUnavailable
from actions.settings import Settings
from tests.bot.fake_directory import FakeDirectory


def test_settings_defaults_and_overrides():
    assert Settings.from_env({}) == Settings()
    custom = Settings.from_env(
        {"SEND_DIRECTORY_URL": "http://127.0.0.1:9999/", "SEND_DIRECTORY_TIMEOUT": "0.5"}
    )
    assert custom.directory_url == "http://127.0.0.1:9999"
    assert custom.directory_timeout == 0.5


@pytest.mark.parametrize(
    "env", [{"SEND_DIRECTORY_URL": "ftp://x"}, {"SEND_DIRECTORY_TIMEOUT": "0"}, {"SEND_MAX_RESULTS": "50"}]
)
def test_settings_refuse_bad_values(env):
    with pytest.raises(ValueError):
        Settings.from_env(env)


def client_for(fake: FakeDirectory, **settings) -> DirectoryClient:
    return DirectoryClient(
        Settings(directory_url="http://directory.test", **settings), transport=fake.transport()
    )


def test_client_turns_failures_into_typed_errors():
    fake = FakeDirectory(down=True)
    with pytest.raises(DirectoryUnavailable):
        asyncio.run(client_for(fake).council_help("sefton"))
    fake = FakeDirectory(status=503)
    with pytest.raises(DirectoryUnavailable):
        asyncio.run(client_for(fake).search_services(search="x", council="sefton"))
    with pytest.raises(DirectoryNotFound):
        asyncio.run(client_for(FakeDirectory()).council_help("atlantis"))


def test_client_times_out():
    async def slow(request):
        await asyncio.sleep(1)
        return httpx.Response(200, json={})

    client = DirectoryClient(
        Settings(directory_url="http://directory.test", directory_timeout=0.05),
        transport=httpx.MockTransport(slow),
    )
    # MockTransport does not apply timeouts itself, so wrap the call as httpx would.
    with pytest.raises((DirectoryUnavailable, asyncio.TimeoutError)):
        asyncio.run(asyncio.wait_for(client.ehcp(), 0.1))


def test_help_card_is_cached_but_search_is_not():
    fake = FakeDirectory()
    client = client_for(fake, cache_seconds=60)

    async def twice():
        await client.council_help("sefton")
        await client.council_help("sefton")
        await client.search_services(search="club", council="sefton")
        await client.search_services(search="club", council="sefton")

    asyncio.run(twice())
    assert fake.paths().count("/api/councils/sefton/help") == 1
    assert fake.paths().count("/api/services") == 2


def test_record_gap_never_raises():
    assert (
        asyncio.run(
            client_for(FakeDirectory(down=True)).record_gap(
                text="x", intent=None, confidence=None, council="sefton"
            )
        )
        is False
    )
    fake = FakeDirectory()
    assert (
        asyncio.run(
            client_for(fake).record_gap(text="hello", intent="nlu_fallback", confidence=0.2, council="sefton")
        )
        is True
    )
    assert fake.gaps == [
        {"text": "hello", "intent": "nlu_fallback", "confidence": 0.2, "council": "sefton", "kind": "chat"}
    ]
