"""The sandbox's VK API replies against VK's own machine-readable schema.

``tests/data/vk-api-schema`` holds unmodified copies of the ``VKCOM/vk-api-schema`` files these
methods need (see its SOURCE.md). Every call goes over HTTP to the running sandbox with API
version 5.199 and the demo user's token in ``Authorization: Bearer``; each reply is validated
against the ``<section>_<method>[_variant]_response`` definition that VK's ``methods.json`` names
for the parameters sent.

VK's schema mixes dialects: draft-04+ keywords (``allOf``, ``oneOf``, ``$ref``) with draft-03's
per-property ``"required": true``. The validator below is Draft 7 plus that one draft-03 rule, so
a property marked ``"required": true`` that is missing is an error, as VK means it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from jsonschema import Draft7Validator, ValidationError, validators
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

from autopost.sandbox import demo

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "data" / "vk-api-schema"
API_VERSION = "5.199"
VIDEO_BYTES = os.urandom(4096)


# --- VK's schema dialect --------------------------------------------------------------------------

_draft7_properties = Draft7Validator.VALIDATORS["properties"]
_draft7_required = Draft7Validator.VALIDATORS["required"]


def _properties(validator, properties, instance, schema) -> Iterator[ValidationError]:
    """Draft 7 ``properties`` plus draft-03 ``"required": true`` inside a property's schema."""
    yield from _draft7_properties(validator, properties, instance, schema)
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        flagged = isinstance(subschema, dict) and subschema.get("required") is True
        if flagged and name not in instance:
            yield ValidationError(f"{name!r} is a required property")


def _required(validator, required, instance, schema) -> Iterator[ValidationError]:
    """A boolean ``required`` is the draft-03 flag, enforced by the parent's ``properties``."""
    if isinstance(required, bool):
        return
    yield from _draft7_required(validator, required, instance, schema)


VkSchemaValidator = validators.extend(
    Draft7Validator, {"properties": _properties, "required": _required}
)


@cache
def schema_files() -> dict[str, dict]:
    """``{"users/responses.json": contents, …}`` for every vendored file."""
    return {
        path.relative_to(SCHEMA_DIR).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.rglob("*.json"))
    }


@cache
def schema_registry() -> Registry:
    """Every vendored file under its own ``file:`` URI, so ``../base/objects.json#/…`` resolves
    against the folder exactly as in the repository."""
    return Registry().with_resources(
        ((SCHEMA_DIR / name).as_uri(), DRAFT7.create_resource(contents))
        for name, contents in schema_files().items()
    )


@cache
def schema_locations() -> dict[int, str]:
    """``id(subschema)`` → ``file.json#/json/pointer``, to name where a failing keyword lives."""
    locations: dict[int, str] = {}

    def walk(node, location: str) -> None:
        if isinstance(node, dict):
            locations.setdefault(id(node), location)
            for key, value in node.items():
                walk(value, f"{location}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{location}/{index}")

    for name, contents in schema_files().items():
        walk(contents, f"{name}#")
    return locations


def definition_uri(definition: str) -> str:
    """``users_get_response`` → the URI of ``users/responses.json#/definitions/users_get_response``;
    ``base/objects.json#base_error`` names a file and a definition explicitly."""
    if "#" in definition:
        file, name = definition.split("#")
    else:
        file, name = f"{definition.split('_', 1)[0]}/responses.json", definition
    return f"{(SCHEMA_DIR / file).as_uri()}#/definitions/{name}"


def leaf_errors(errors) -> Iterator[ValidationError]:
    """The innermost errors: ``oneOf``/``anyOf`` failures carry their branches in ``context``."""
    for error in errors:
        if error.context:
            yield from leaf_errors(error.context)
        else:
            yield error


def schema_violations(definition: str, document) -> list[str]:
    validator = VkSchemaValidator(
        {"$ref": definition_uri(definition)},
        registry=schema_registry(),
        format_checker=Draft7Validator.FORMAT_CHECKER,
    )
    lines = []
    for error in leaf_errors(validator.iter_errors(document)):
        keyword = f"{schema_locations().get(id(error.schema), '?')}/{error.validator}"
        via = "/".join(str(part) for part in error.absolute_schema_path)
        lines.append(
            f"  at {error.json_path}: {error.message}\n"
            f"    schema: {keyword}\n"
            f"    path from {definition}: {via}"
        )
    return sorted(set(lines))


def assert_matches(method: str, definition: str, document) -> None:
    violations = schema_violations(definition, document)
    if violations:
        body = json.dumps(document, ensure_ascii=False, indent=1)
        pytest.fail(
            f"{method}: the sandbox's reply does not match vk-api-schema {definition}\n"
            + "\n".join(violations)
            + f"\nreply:\n{body}",
            pytrace=False,
        )


# --- calls -------------------------------------------------------------------------------------


@pytest.fixture
def vk_call(vk, http):
    """``vk_call(method, **params)``: the whole JSON reply (``{"response": …}`` or
    ``{"error": …}``) of one call, the token in ``Authorization: Bearer``."""

    def call(method: str, *, token: str = demo.VK_USER_TOKEN, **params) -> dict:
        data = {name: str(value) for name, value in params.items()}
        data["v"] = API_VERSION
        response = http.post(
            f"{vk.vk_api_url}/method/{method}",
            data=data,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    return call


def response_of(method: str, reply: dict):
    assert "error" not in reply, f"{method} answered an error: {reply}"
    return reply["response"]


@pytest.fixture
def uploaded_video(vk_call, http) -> dict:
    """A video saved to the demo community and uploaded (``video_file``, a few KB)."""
    saved = response_of(
        "video.save",
        vk_call(
            "video.save",
            name="Проверка схемы",
            description="Ролик для проверки ответов по vk-api-schema",
            group_id=demo.VK_GROUP_ID,
        ),
    )
    uploaded = http.post(
        saved["upload_url"], files={"video_file": ("clip.mp4", VIDEO_BYTES, "video/mp4")}
    )
    assert uploaded.status_code == 200, uploaded.text
    return saved


@pytest.fixture
def posted(vk_call, uploaded_video) -> dict:
    """A post on the demo community's wall with the uploaded video attached."""
    owner_id, video_id = uploaded_video["owner_id"], uploaded_video["video_id"]
    reply = vk_call(
        "wall.post",
        owner_id=owner_id,
        from_group=1,
        message="Пост для проверки схемы",
        attachments=f"video{owner_id}_{video_id}",
    )
    return {"owner_id": owner_id, "reply": reply, **response_of("wall.post", reply)}


# --- the schema itself -------------------------------------------------------------------------

VALIDATED_DEFINITIONS = [
    "users_get_response",
    "account_getProfileInfo_response",
    "groups_getById_object_response",
    "groups_get_response",
    "groups_get_object_extended_response",
    "video_save_response",
    "video_get_response",
    "base_ok_response",
    "wall_post_response",
    "wall_getById_response",
    "wall_getById_extended_response",
    "base/objects.json#base_error",
]


def test_every_reference_of_the_validated_definitions_resolves():
    """The vendored set is complete: each ``$ref`` reachable from the definitions this module
    validates resolves inside ``tests/data/vk-api-schema``, whether or not a reply reaches it."""
    resolver = schema_registry().resolver()
    seen: set[str] = set()
    pending = [definition_uri(name) for name in VALIDATED_DEFINITIONS]
    unresolved = []
    while pending:
        uri = pending.pop()
        if uri in seen:
            continue
        seen.add(uri)
        try:
            contents = resolver.lookup(uri).contents
        except Unresolvable as error:
            unresolved.append(f"{uri}: {error!r}")
            continue
        file_uri = urldefrag(uri).url
        pending.extend(urljoin(file_uri, ref) for ref in _refs(contents))
    assert not unresolved, "unresolvable references:\n" + "\n".join(unresolved)


def test_vendored_files_are_unchanged():
    """Every vendored file is listed in SOURCE.md with its sha256, and none has changed since."""
    listed = {}
    for line in (SCHEMA_DIR / "SOURCE.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".json"):
            listed[cells[0]] = (int(cells[2]), cells[3])
    actual = {}
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        data = path.read_bytes()
        actual[path.relative_to(SCHEMA_DIR).as_posix()] = (
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
    assert actual == listed


def _refs(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_dialect_enforces_vks_per_property_required_flag():
    """Guards the validator itself: VK's ``"required": true`` (draft 03) must bite."""
    assert schema_violations("video_save_response", {"response": {}}) == []
    assert any(
        "'response' is a required property" in line
        for line in schema_violations("video_save_response", {})
    )
    assert any(
        "'id' is a required property" in line
        for line in schema_violations("users_get_response", {"response": [{"first_name": "И"}]})
    )
    assert any(
        "is not of type 'integer'" in line
        for line in schema_violations("base_ok_response", {"response": True})
    )


# --- the sandbox's replies -----------------------------------------------------------------------


def test_users_get(vk_call):
    reply = vk_call("users.get")
    assert_matches("users.get", "users_get_response", reply)
    assert response_of("users.get", reply)[0]["id"] == demo.VK_USER_ID


def test_users_get_with_ids_and_fields(vk_call):
    reply = vk_call(
        "users.get",
        user_ids=demo.VK_USER_SCREEN_NAME,
        fields="screen_name,photo_50,photo_100,photo_200",
    )
    assert_matches("users.get (user_ids, fields)", "users_get_response", reply)


def test_account_get_profile_info(vk_call):
    reply = vk_call("account.getProfileInfo")
    assert_matches("account.getProfileInfo", "account_getProfileInfo_response", reply)


def test_groups_get_by_id(vk_call):
    """Since 5.194 the answer is ``{groups, profiles}``: ``groups_getById_object_response``."""
    reply = vk_call("groups.getById", group_id=demo.VK_GROUP_ID)
    assert_matches("groups.getById", "groups_getById_object_response", reply)
    assert response_of("groups.getById", reply)["groups"][0]["id"] == demo.VK_GROUP_ID


def test_groups_get(vk_call):
    reply = vk_call("groups.get")
    assert_matches("groups.get", "groups_get_response", reply)
    assert demo.VK_GROUP_ID in response_of("groups.get", reply)["items"]


def test_groups_get_extended(vk_call):
    reply = vk_call("groups.get", extended=1, filter="admin,editor")
    assert_matches("groups.get (extended=1)", "groups_get_object_extended_response", reply)
    assert response_of("groups.get", reply)["items"]


def test_video_save(vk_call):
    reply = vk_call("video.save", name="Ролик", description="Описание", group_id=demo.VK_GROUP_ID)
    assert_matches("video.save", "video_save_response", reply)


def test_video_get(vk_call, uploaded_video):
    ref = f"{uploaded_video['owner_id']}_{uploaded_video['video_id']}"
    reply = vk_call("video.get", videos=ref)
    assert_matches("video.get (videos)", "video_get_response", reply)
    assert response_of("video.get", reply)["items"], "the uploaded video is listed"


def test_video_get_by_owner_extended(vk_call, uploaded_video):
    reply = vk_call("video.get", owner_id=uploaded_video["owner_id"], extended=1)
    assert_matches("video.get (owner_id, extended=1)", "video_get_response", reply)
    assert response_of("video.get", reply)["items"], "the uploaded video is listed"


def test_video_delete(vk_call, uploaded_video):
    """``video.delete`` answers ``base_ok_response`` (video/methods.json)."""
    reply = vk_call(
        "video.delete",
        owner_id=uploaded_video["owner_id"],
        video_id=uploaded_video["video_id"],
    )
    assert_matches("video.delete", "base_ok_response", reply)


def test_wall_post(posted):
    assert_matches("wall.post", "wall_post_response", posted["reply"])


def test_wall_get_by_id(vk_call, posted):
    reply = vk_call("wall.getById", posts=f"{posted['owner_id']}_{posted['post_id']}")
    assert_matches("wall.getById", "wall_getById_response", reply)
    assert response_of("wall.getById", reply)["items"], "the post is found"


def test_wall_get_by_id_extended(vk_call, posted):
    reply = vk_call("wall.getById", posts=f"{posted['owner_id']}_{posted['post_id']}", extended=1)
    assert_matches("wall.getById (extended=1)", "wall_getById_extended_response", reply)


@pytest.mark.parametrize(
    ("method", "params", "token"),
    [
        ("users.get", {}, "vk1.a.not-a-token"),
        ("video.save", {}, demo.VK_NO_VIDEO_TOKEN),
        ("wall.getById", {}, demo.VK_USER_TOKEN),
    ],
    ids=["invalid-token", "no-scope", "missing-parameter"],
)
def test_error_reply_matches_base_error(vk_call, method, params, token):
    """``{"error": {...}}`` against ``base/objects.json#/definitions/base_error``.

    ``base_error`` requires ``inner_type`` (enum ``["base_error"]``, ``"default": "base_error"``):
    it is the discriminator VK's code generators read, never sent by the API. It is filled in
    from the schema's own ``default`` before validation; every other rule applies as written."""
    reply = vk_call(method, token=token, **params)
    assert set(reply) == {"error"}, reply
    error = {"inner_type": "base_error", **reply["error"]}
    assert_matches(f"{method} error", "base/objects.json#base_error", error)
