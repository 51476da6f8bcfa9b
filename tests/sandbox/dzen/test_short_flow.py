"""The whole short (platform-apis.md §5.3): validate, add a draft, start an upload, TUS, finish,
poll until converted, publish; and what each step refuses."""

import os

from autopost.sandbox import demo
from tests.sandbox.dzen.helpers import (
    MEDIA,
    add_publication,
    errors_of,
    finish_upload,
    get_publication,
    head,
    publish,
    publish_body,
    query,
    sha256,
    start_upload,
    upload_all,
    uploaded_publication,
)

CLIP = os.urandom(1_500_000)


def test_the_short_flow_end_to_end(dzen, studio):
    validated = studio.post(
        f"{MEDIA}/validate-video",
        params=query(),
        content=CLIP,
        headers={"Content-Type": "video/mp4"},
    )
    publication_id = add_publication(studio)
    started = start_upload(studio, publication_id, len(CLIP))
    upload_url = started["uploadUrl"]
    upload_all(studio, upload_url, CLIP, 512 * 1024)
    finished = finish_upload(studio, publication_id, started["uploadId"])
    publication = get_publication(studio, publication_id)
    published = publish(studio, publish_body(publication, "Мой клип", "Текст клипа"))

    assert validated.json() == {"result": "OK"}
    assert dzen.dzen_validations()[0]["sha256"] == sha256(CLIP)
    assert upload_url == f"{dzen.dzen_url}/tus/{started['uploadId']}"
    assert finished.json() == {"result": "OK"}
    gif = publication["content"]["gifContent"]
    assert gif["isUploaded"] is gif["isConverted"] is True
    assert gif["isFailed"] is False
    assert gif["size"] == len(CLIP) and gif["duration"] == 27 and gif["videoId"]
    assert published.json() == {"result": "OK"}
    [logged] = dzen.dzen_publications()
    assert (logged["sha256"], logged["size"]) == (sha256(CLIP), len(CLIP))
    assert logged["upload"]["patches"] == 3
    assert logged["published"] is True and logged["title"] == "Мой клип"
    assert logged["tags"] == ["autopost"]
    after = get_publication(studio, publication_id)
    assert after["status"] == "published"
    assert after["shareLink"] == f"{dzen.dzen_url}/shorts/{publication_id}"


def test_add_publication_answers_the_draft_with_its_id(studio):
    publication_id = add_publication(studio)
    draft = get_publication(studio, publication_id)

    assert len(publication_id) == 24
    assert draft["id"] == publication_id
    assert draft["status"] == "draft"
    assert draft["content"]["gifContent"] == {
        "isUploaded": False,
        "isConverted": False,
        "isFailed": False,
    }


def test_conversion_flips_after_the_delay_on_the_dzen_clock(dzen, studio):
    dzen.set_dzen_config(conversion_s=30)
    publication_id = uploaded_publication(studio, studio, CLIP)

    converting = get_publication(studio, publication_id)["content"]["gifContent"]
    refused = publish(studio, publish_body(get_publication(studio, publication_id)))
    dzen.advance_dzen_clock(30)
    converted = get_publication(studio, publication_id)["content"]["gifContent"]

    assert (converting["isUploaded"], converting["isConverted"]) == (True, False)
    assert converting["duration"] is None and converting["streams"] == []
    assert refused.status_code == 400
    assert errors_of(refused) == ["video-not-converted"]
    assert converted["isConverted"] is True and converted["streams"]
    assert dzen.dzen_publications()[0]["published"] is False


def test_a_failed_conversion_shows_is_failed_and_cannot_be_published(dzen, studio):
    dzen.set_dzen_config(fail_conversion=True)
    publication_id = uploaded_publication(studio, studio, CLIP)

    publication = get_publication(studio, publication_id)
    refused = publish(studio, publish_body(publication))

    gif = publication["content"]["gifContent"]
    assert (gif["isFailed"], gif["isConverted"]) == (True, False)
    assert errors_of(refused) == ["video-conversion-failed"]


def test_finish_is_refused_until_every_byte_arrived(dzen, studio):
    publication_id = add_publication(studio)
    started = start_upload(studio, publication_id, len(CLIP))
    upload_all(studio, started["uploadUrl"], CLIP[:1000], 1000)

    refused = finish_upload(studio, publication_id, started["uploadId"])
    wrong_id = finish_upload(studio, publication_id, "nope")

    assert refused.status_code == 400
    assert errors_of(refused) == ["upload-not-complete"]
    assert refused.json()["errors"][0]["message"] == f"received 1000 of {len(CLIP)} bytes"
    assert wrong_id.status_code == 404
    assert int(head(studio, started["uploadUrl"]).headers["Upload-Offset"]) == 1000
    assert dzen.dzen_publications()[0]["finished_at"] is None


def test_publish_checks_the_body(studio):
    publication_id = uploaded_publication(studio, studio, CLIP)
    body = publish_body(get_publication(studio, publication_id))

    no_title = publish(studio, {**body, "preview": {}})
    wrong_video = publish(studio, {**body, "gifContent": {**body["gifContent"], "videoId": "1"}})
    unknown = publish(studio, {**body, "id": "f" * 24})
    nested = {**body, "content": {"gifContent": body.pop("gifContent")}}

    assert errors_of(no_title) == errors_of(wrong_video) == ["validation-error"]
    assert unknown.status_code == 404
    assert publish(studio, nested).json() == {"result": "OK"}


def test_start_upload_checks_the_file(studio):
    publication_id = add_publication(studio)

    def start(**changes):
        body = {"publicationId": publication_id, "fileName": "v.mp4", "fileSize": 10}
        body |= {"mimeType": "video/mp4", **changes}
        return studio.post(f"{MEDIA}/start-upload-video", params=query(), json=body)

    assert errors_of(start(fileSize=0)) == ["validation-error"]
    assert errors_of(start(mimeType="image/gif")) == ["validation-error"]
    assert errors_of(start(fileSize=5 * 1024**3)) == ["file-too-large"]
    assert start(publicationId="0" * 24).status_code == 404
    assert start().status_code == 200


def test_validate_video_wants_a_video(studio, dzen):
    text = studio.post(
        f"{MEDIA}/validate-video",
        params=query(),
        content=b"hello",
        headers={"Content-Type": "text/plain"},
    )

    assert text.status_code == 400
    assert errors_of(text) == ["invalid-video"]
    assert dzen.dzen_validations()[0]["publisher_id"] == demo.DZEN_PUBLISHER_ID


def test_only_shorts_are_emulated(studio):
    response = studio.post(
        "/editor-api/v2/add-publication",
        params=query(),
        json={"publicationType": "article", "content": {}},
    )

    assert errors_of(response) == ["validation-error"]
