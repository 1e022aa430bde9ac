"""Generic CRUD through the generated client: each resource's whole lifecycle."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from generativelanguage.runtime import errors
from generativelanguage.v1beta import types
from tests.emulator.conftest import user

MODEL = "models/gemini-2.5-flash"


def _cache_body(text: str = "some long context to cache", **extra) -> dict:
    return {"model": MODEL, "contents": [user(text)], **extra}


def test_cached_contents_lifecycle(client):
    created = client.cached_contents.create(body=_cache_body(ttl="300s", displayName="ctx"))
    assert isinstance(created, types.CachedContent)
    assert created.name.startswith("cachedContents/") and len(created.name) == 15 + 40
    assert created.model == MODEL and created.display_name == "ctx"
    assert created.create_time == created.update_time
    assert created.expire_time - created.create_time == pytest.approx(
        dt.timedelta(seconds=300), abs=dt.timedelta(seconds=1)
    )
    assert created.usage_metadata.total_token_count == 5
    assert created.contents is None  # the cached contents are not returned

    got = client.cached_contents.get(created.name)
    assert got == created

    time.sleep(0.01)
    patched = client.cached_contents.patch(created.name, body={"ttl": "3600s"}, update_mask="ttl")
    assert patched.expire_time > created.expire_time
    assert patched.update_time > created.update_time
    assert patched.create_time == created.create_time
    with pytest.raises(errors.InvalidArgument, match="only expireTime, ttl can be updated"):
        client.cached_contents.patch(
            created.name, body={"displayName": "x"}, update_mask="displayName"
        )
    with pytest.raises(errors.InvalidArgument, match="does not name a field"):
        client.cached_contents.patch(created.name, body={"ttl": "1s"}, update_mask="nope")

    client.cached_contents.delete(created.name)
    with pytest.raises(errors.NotFound):
        client.cached_contents.get(created.name)
    with pytest.raises(errors.NotFound):
        client.cached_contents.delete(created.name)


def test_cached_content_is_used_by_generation_and_expires(client):
    cache = client.cached_contents.create(body=_cache_body("one two three four", ttl="1s"))
    response = client.models.generate_content(
        MODEL, body={"contents": [user("question")], "cachedContent": cache.name}
    )
    assert response.usage_metadata.cached_content_token_count == 4
    assert response.usage_metadata.prompt_token_count == 5
    with pytest.raises(errors.InvalidArgument, match="has to be the same"):
        client.models.generate_content(
            "gemini-2.0-flash", body={"contents": [user("q")], "cachedContent": cache.name}
        )
    time.sleep(1.1)
    with pytest.raises(errors.NotFound):
        client.cached_contents.get(cache.name)


def test_list_pages_with_real_tokens(client):
    names = [client.cached_contents.create(body=_cache_body()).name for _ in range(5)]
    pager = client.cached_contents.list(page_size=2)
    assert [c.name for c in pager.first_page.cached_contents] == names[:2]
    pages = list(pager.pages)
    assert [len(p.cached_contents) for p in pages] == [2, 2, 1]
    assert pages[-1].next_page_token is None
    assert [c.name for c in client.cached_contents.list(page_size=2)] == names
    # A token stays valid when resources are deleted between pages (AIP-158).
    first = client.cached_contents.list(page_size=2).first_page
    client.cached_contents.delete(names[2])
    rest = client.cached_contents.list(page_size=10, page_token=first.next_page_token)
    assert [c.name for c in rest] == names[3:]
    with pytest.raises(errors.InvalidArgument, match="page token"):
        client.cached_contents.list(page_token="garbage!")
    with pytest.raises(errors.InvalidArgument, match="page token"):
        client.files.list(page_token=first.next_page_token)  # another collection's token


def test_empty_list(client):
    page = client.files.list().first_page
    assert page.files is None and page.next_page_token is None
    assert list(client.files.list()) == []


def _tune(client, name="My tuned model", **extra):
    return client.tuned_models.create(
        body={
            "displayName": name,
            "baseModel": "models/gemini-1.5-flash-001-tuning",
            "tuningTask": {
                "hyperparameters": {"batchSize": 2, "epochCount": 3},
                "trainingData": {
                    "examples": {
                        "examples": [
                            {"textInput": "LXIII", "output": "LXIV"},
                            {"textInput": "ten", "output": "eleven"},
                        ]
                    }
                },
            },
            **extra,
        }
    )


def test_tuned_models_lifecycle(client, emu):
    emu.service.operation_polls = 2
    operation = _tune(client)
    assert isinstance(operation, types.Operation) and not operation.done
    tuned_name = operation.metadata["tunedModel"]
    assert tuned_name.startswith("tunedModels/my-tuned-model-")
    assert operation.name.startswith(tuned_name + "/operations/")
    assert operation.metadata["@type"].endswith("v1beta.CreateTunedModelMetadata")
    assert operation.metadata["totalSteps"] == 3
    assert client.tuned_models.get(tuned_name).state == "CREATING"
    with pytest.raises(errors.FailedPrecondition):
        client.tuned_models.generate_content(tuned_name, body={"contents": [user("ten")]})

    polled = client.tuned_models.operations.get(operation.name)
    assert not polled.done and polled.metadata["completedSteps"] >= 1
    done = client.wait_operation(operation, timeout=30)
    assert done.done and done.error is None
    tuned = done.response
    assert isinstance(tuned, types.TunedModel)
    assert tuned.state == "ACTIVE" and tuned.name == tuned_name
    assert tuned.tuning_task.complete_time is not None and tuned.tuning_task.snapshots

    answer = client.tuned_models.generate_content(tuned_name, body={"contents": [user("LXIII")]})
    assert answer.candidates[0].content.parts[0].text == "LXIV"
    listed = [m.name for m in client.tuned_models.list()]
    assert listed == [tuned_name]
    ops = list(client.tuned_models.operations.list(tuned_name))
    assert [o.name for o in ops] == [operation.name]

    patched = client.tuned_models.patch(
        tuned_name,
        body={"description": "successor", "displayName": "ignored"},
        update_mask="description",
    )
    assert patched.description == "successor" and patched.display_name == "My tuned model"
    client.tuned_models.delete(tuned_name)
    with pytest.raises(errors.NotFound):
        client.tuned_models.get(tuned_name)


def test_tuned_model_id_and_conflicts(client):
    operation = client.tuned_models.create(
        body={"baseModel": "models/gemini-1.5-flash-001-tuning"},
        tuned_model_id="my-model",
    )
    assert operation.metadata["tunedModel"] == "tunedModels/my-model"
    with pytest.raises(errors.AlreadyExists):
        client.tuned_models.create(
            body={"baseModel": "models/gemini-1.5-flash-001-tuning"}, tuned_model_id="my-model"
        )
    with pytest.raises(errors.InvalidArgument, match="base_model"):
        client.tuned_models.create(body={"displayName": "no base"})


@pytest.mark.parametrize("parent_kind", ["tunedModels", "corpora"])
def test_permissions_lifecycle(client, parent_kind):
    if parent_kind == "tunedModels":
        parent = client.wait_operation(_tune(client), timeout=30).response.name
        perms = client.tuned_models.permissions
    else:
        parent = client.corpora.create(body={"displayName": "Team docs"}).name
        perms = client.corpora.permissions
    created = [
        perms.create(
            parent,
            body={"granteeType": "USER", "emailAddress": f"u{i}@example.com", "role": "READER"},
        )
        for i in range(3)
    ]
    assert all(p.name.startswith(parent + "/permissions/") for p in created)
    assert perms.get(created[0].name) == created[0]
    assert [p.name for p in perms.list(parent, page_size=2)] == [p.name for p in created]
    updated = perms.patch(created[0].name, body={"role": "WRITER"}, update_mask="role")
    assert updated.role == "WRITER" and updated.email_address == "u0@example.com"
    with pytest.raises(errors.InvalidArgument, match="only role"):
        perms.patch(created[0].name, body={"emailAddress": "x@y.z"}, update_mask="emailAddress")
    with pytest.raises(errors.InvalidArgument, match="role is required"):
        perms.create(parent, body={"granteeType": "EVERYONE"})
    perms.delete(created[1].name)
    assert [p.name for p in perms.list(parent)] == [created[0].name, created[2].name]
    # Deleting the parent deletes its permissions.
    if parent_kind == "tunedModels":
        client.tuned_models.delete(parent)
    else:
        client.corpora.delete(parent)
    with pytest.raises(errors.NotFound):
        perms.get(created[0].name)
    with pytest.raises(errors.NotFound):
        perms.list(parent)


def test_corpora_lifecycle(client):
    corpus = client.corpora.create(body={"displayName": "Product manuals"})
    assert corpus.name.startswith("corpora/productmanuals-")
    assert corpus.create_time is not None
    assert client.corpora.get(corpus.name) == corpus
    other = client.corpora.create(body={})
    assert [c.name for c in client.corpora.list()] == [corpus.name, other.name]
    client.corpora.delete(corpus.name)
    assert [c.name for c in client.corpora.list()] == [other.name]


def test_file_search_stores_and_documents(client):
    store = client.file_search_stores.create(body={"displayName": "test-file-search-store"})
    assert store.name.startswith("fileSearchStores/testfilesearchstore-")
    op = client.media.upload_to_file_search_store(
        store.name,
        file=b"Paris is the capital of France.",
        mime_type="text/plain",
        body={"displayName": "paris.txt", "customMetadata": [{"key": "k", "stringValue": "v"}]},
    )
    assert op.name.startswith(store.name + "/upload/operations/")
    done = client.file_search_stores.upload.operations.get(op.name)
    assert done.done
    assert done.response["@type"].endswith("UploadToFileSearchStoreResponse")
    doc_name = done.response["documentName"]
    doc = client.file_search_stores.documents.get(doc_name)
    assert doc.state == "STATE_ACTIVE" and doc.size_bytes == 31 and doc.display_name == "paris.txt"
    assert doc.custom_metadata[0].string_value == "v"

    file = client.media.upload(file=b"Berlin is in Germany.", mime_type="text/plain").file
    imported = client.file_search_stores.import_file(store.name, body={"fileName": file.name})
    final = client.wait_operation(imported, timeout=30)
    assert final.response["documentName"].startswith(store.name + "/documents/")
    docs = list(client.file_search_stores.documents.list(store.name, page_size=1))
    assert len(docs) == 2
    refreshed = client.file_search_stores.get(store.name)
    assert refreshed.active_documents_count == 2 and refreshed.size_bytes == 31 + 21

    with pytest.raises(errors.FailedPrecondition, match="not empty"):
        client.file_search_stores.delete(store.name)
    client.file_search_stores.documents.delete(docs[0].name)
    client.file_search_stores.delete(store.name, force=True)
    with pytest.raises(errors.NotFound):
        client.file_search_stores.documents.get(docs[1].name)
    assert list(client.file_search_stores.list()) == []


def test_files_lifecycle_via_upload(client, emu, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"quarterly numbers " * 10)
    created = client.media.upload(file=path, body={"file": {"displayName": "Report"}})
    assert isinstance(created, types.CreateFileResponse)
    file = created.file
    assert file.name.startswith("files/") and len(file.name) == 6 + 12
    assert file.mime_type == "text/plain" and file.size_bytes == 180
    assert file.state == "ACTIVE" and file.source == "UPLOADED"
    assert file.uri == f"{emu.url}/v1beta/{file.name}"
    assert file.expiration_time - file.create_time == dt.timedelta(hours=48)
    assert client.files.get(file.name) == file
    others = [
        client.media.upload(file=b"x" * i, mime_type="application/octet-stream").file
        for i in (1, 2)
    ]
    assert [f.name for f in client.files.list(page_size=1)] == [file.name] + [
        f.name for f in others
    ]
    answer = client.models.generate_content(
        MODEL,
        body={
            "contents": [
                {
                    "parts": [
                        {"text": "summarise"},
                        {"fileData": {"fileUri": file.uri, "mimeType": file.mime_type}},
                    ]
                }
            ]
        },
    )
    text = answer.candidates[0].content.parts[0].text
    assert '[file "Report" (text/plain, 180 bytes): "quarterly numbers' in text
    client.files.delete(file.name)
    with pytest.raises(errors.NotFound):
        client.files.get(file.name)
    with pytest.raises(errors.PermissionDenied, match="may not exist"):
        client.models.generate_content(
            MODEL, body={"contents": [{"parts": [{"fileData": {"fileUri": file.uri}}]}]}
        )


def test_video_files_are_processing_until_read(client):
    file = client.media.upload(file=b"\x00" * 64, mime_type="video/mp4").file
    assert file.state == "PROCESSING"
    assert client.files.get(file.name).state == "ACTIVE"


def test_unknown_request_field_is_refused_like_google(client):
    with pytest.raises((errors.InvalidArgument, errors.RequestValidationError)):
        client.corpora.create(body={"displayName": "x", "colour": "blue"})
