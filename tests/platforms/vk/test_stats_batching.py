"""Stats for 450 published videos take three video.get calls (≤200 ids each, §2.7), against the
sandbox's VK over real HTTP."""

import httpx

from autopost.platforms.base import Stats, Target
from autopost.platforms.vk.adapter import VkAdapter
from autopost.sandbox import demo


class CountingTransport(httpx.HTTPTransport):
    """The real transport, counting the API methods it carries."""

    def __init__(self):
        super().__init__()
        self.methods: list[str] = []

    def handle_request(self, request):
        self.methods.append(request.url.path.rsplit("/", 1)[-1])
        return super().handle_request(request)


def upload_videos(sandbox_control, count: int) -> list[str]:
    remote_ids = []
    headers = {"Authorization": f"Bearer {demo.VK_USER_TOKEN}"}
    with httpx.Client(timeout=10, headers=headers) as client:
        for n in range(count):
            saved = client.post(f"{sandbox_control.vk_api_url}/method/video.save",
                                data={"name": f"Клип {n}", "v": "5.199"}).json()["response"]
            client.post(saved["upload_url"], files={"video_file": ("clip.mp4", b"\0" * 512, "video/mp4")})
            remote_ids.append(f"{saved['owner_id']}_{saved['video_id']}")
    return remote_ids


def test_450_videos_take_three_video_get_calls(sandbox_control):
    sandbox_control.set_vk_config(rate_limit=False)
    remote_ids = upload_videos(sandbox_control, 450)
    owner, video_id = map(int, remote_ids[-1].split("_"))
    sandbox_control.set_vk_video_counters(owner, video_id, views=5321, likes=210, comments=12, reposts=9)
    transport = CountingTransport()
    provider = VkAdapter(
        VkAdapter.validate_credentials(access_token=demo.VK_USER_TOKEN).credentials,
        Target(str(demo.VK_USER_ID), str(demo.VK_USER_ID)),
        transport=transport,
    )

    stats = provider.fetch_stats(remote_ids)

    assert transport.methods == ["video.get"] * 3
    assert set(stats) == set(remote_ids)
    assert stats[remote_ids[-1]] == Stats(views=5321, likes=210, comments=12, reposts=9)
