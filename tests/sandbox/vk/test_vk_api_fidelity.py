"""Fidelity: ``vk_api`` (python273/vk_api 11.10), a VK client nobody here wrote, talks to the
sandbox.

vk_api hard-codes ``https://api.vk.ru/method/`` (platform-apis.md §8); its ``session=`` argument
takes a requests session whose adapter sends those requests to the sandbox's ``/vk`` mount.
``VkUpload`` posts to the absolute ``upload_url`` the sandbox hands out, with its own session.
"""

from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
import vk_api
from vk_api.exceptions import ApiError, Captcha

from autopost.sandbox import demo
from tests.sandbox.vk.helpers import sha256


class SandboxAdapter(requests.adapters.HTTPAdapter):
    """Rewrites ``https://api.vk.ru/<path>`` to ``<sandbox>/vk/<path>`` just before sending."""

    def __init__(self, api_url: str):
        super().__init__()
        self.api = urlsplit(api_url)

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.url = urlunsplit(
            (self.api.scheme, self.api.netloc, self.api.path + url.path, url.query, "")
        )
        return super().send(request, **kwargs)


@pytest.fixture
def session(vk):
    with requests.Session() as http:
        http.mount("https://api.vk.ru/", SandboxAdapter(vk.vk_api_url))
        yield http


def client(session, token=demo.VK_USER_TOKEN, **kwargs) -> vk_api.VkApi:
    return vk_api.VkApi(token=token, session=session, **kwargs)


@pytest.fixture(scope="module")
def video_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("vk_api") / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 1000)
    return path


def test_users_get(session):
    [me] = client(session).get_api().users.get()
    assert (me["id"], me["first_name"], me["last_name"]) == (demo.VK_USER_ID, "Иван", "Петров")


def test_default_version_5_92_gets_groups_get_by_id_as_a_plain_list(session):
    vk = client(session)
    assert vk.api_version == "5.92"

    groups = vk.get_api().groups.getById(group_id=demo.VK_GROUP_ID)

    assert isinstance(groups, list)
    assert groups[0]["id"] == demo.VK_GROUP_ID
    assert groups[0]["is_admin"] == 1


def test_version_5_199_gets_the_object_form(session):
    answer = (
        client(session, api_version="5.199").get_api().groups.getById(group_id=demo.VK_GROUP_ID)
    )
    assert [group["id"] for group in answer["groups"]] == [demo.VK_GROUP_ID]


def test_vk_upload_video_to_a_community(vk, session, video_file):
    upload = vk_api.VkUpload(client(session))

    answer = upload.video(
        video_file=str(video_file),
        name="Клип из vk_api",
        description="Описание",
        group_id=demo.VK_GROUP_ID,
        wallpost=1,
    )

    assert answer["owner_id"] == -demo.VK_GROUP_ID
    assert answer["size"] == video_file.stat().st_size
    assert {"video_id", "access_key", "title", "video_hash", "direct_link"} <= set(answer)
    [logged] = vk.vk_videos()
    assert logged["sha256"] == sha256(video_file.read_bytes())
    assert (logged["part_name"], logged["filename"]) == ("video_file", "file0.mp4")
    assert logged["name"] == "Клип из vk_api"
    [post] = vk.vk_posts()
    assert post["videos"] == [f"{answer['owner_id']}_{answer['video_id']}"]


def test_vk_upload_merges_an_upload_error_without_raising(vk, session, video_file):
    vk.add_fault("upload_error", platform="vk", method="upload", error_code=22)

    answer = vk_api.VkUpload(client(session)).video(video_file=str(video_file))

    assert answer["error_code"] == 22
    assert vk.vk_videos()[0]["uploaded"] is False


def test_vk_upload_chokes_on_an_upload_server_500(vk, session, video_file):
    # It parses the body as JSON without looking at the status (§8): an HTML error page breaks it.
    vk.add_fault("http_500", platform="vk", method="upload")
    with pytest.raises(requests.exceptions.JSONDecodeError):
        vk_api.VkUpload(client(session)).video(video_file=str(video_file))


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (demo.VK_NO_VIDEO_TOKEN, 15),
        ("vk1.a.unknown", 5),
        (demo.VK_EXPIRED_TOKEN, 1117),
        (demo.VK_COMMUNITY_TOKEN, 27),
    ],
)
def test_api_errors_become_api_error_with_the_code(session, token, code):
    with pytest.raises(ApiError) as raised:
        client(session, token=token).get_api().video.save(name="Клип")

    assert raised.value.code == code
    assert str(raised.value).startswith(f"[{code}] ")
    # vk_api keeps the request_params VK sent back; the token is not among them.
    params = {p["key"]: p["value"] for p in raised.value.error["request_params"]}
    assert params["method"] == "video.save"
    assert token not in params.values()


def test_captcha_error_becomes_captcha(vk, session):
    vk.add_fault("api_error", platform="vk", method="users.get", error_code=14)

    with pytest.raises(Captcha) as raised:
        client(session).get_api().users.get()

    assert raised.value.sid.isdigit()
    assert raised.value.get_url().startswith(vk.vk_api_url)


def test_error_6_is_retried_by_vk_api_itself(vk, session):
    vk.add_fault("api_error", platform="vk", method="users.get", error_code=6)

    [me] = client(session).get_api().users.get()

    assert me["id"] == demo.VK_USER_ID
    assert vk.faults() == []


def test_vk_api_throttling_stays_under_the_sandbox_rate_limit(vk, session):
    vk.set_vk_config(rate_limit=True)
    api = client(session).get_api()
    for _ in range(5):
        assert api.users.get()[0]["id"] == demo.VK_USER_ID


def test_clip_methods_through_the_generic_method_call(vk, session, video_file):
    vk.set_vk_config(processing_s=0, clip_not_ready_polls=1)
    vk_session = client(session, api_version="5.199")
    created = vk_session.method(
        "shortVideo.create", {"file_size": video_file.stat().st_size, "group_id": demo.VK_GROUP_ID}
    )
    with video_file.open("rb") as fh:
        assert requests.post(created["upload_url"], files={"file": fh}).ok
    publish = {
        "owner_id": created["owner_id"],
        "video_id": created["video_id"],
        "license_agree": 1,
        "wallpost": 1,
    }

    with pytest.raises(ApiError) as not_ready:
        vk_session.method("shortVideo.publish", publish)
    published = vk_session.method("shortVideo.publish", publish)

    assert not_ready.value.code == 3001
    assert published["wall_post_id"] == vk.vk_posts()[0]["post_id"]
