"""Evidence uploads: type from the bytes, size limit, storage in the DB or a folder."""

from __future__ import annotations

import io
import zipfile

import pytest

from criteria_engine.service.evidence import sniff

from .test_submissions import FUTURE, _dept, _path, _put

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_sniff_reads_the_bytes_not_the_name():
    assert sniff(PDF) == "pdf"
    assert sniff(PNG) == "png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpeg"
    assert sniff(_docx()) == "office-zip"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8) == "office-ole"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert sniff(plain_zip.getvalue()) is None
    assert sniff(b"MZ\x90\x00 an executable") is None
    assert sniff(b"<html>") is None


@pytest.fixture
def round_with_draft(api):
    body = {"pack": "gialai@2019", "period": "2019", "deadlines": {"department": FUTURE}}
    rid = api.post("/api/v1/rounds", "admin", json=body).json()["id"]
    api.add_user("so-tai-chinh", "unit", "so-tai-chinh")
    api.add_user("so-noi-vu", "unit", "so-noi-vu")
    assert _put(api, "so-tai-chinh", rid, "so-tai-chinh", _dept()).status_code == 200
    return rid


def _upload(api, who, rid, criterion, name, data, uid="so-tai-chinh"):
    return api.post(f"{_path(rid, uid)}/evidence", who, data={"criterion": criterion},
                    files={"file": (name, data, "application/pdf")})  # fmt: skip


def test_upload_list_download(api, round_with_draft):
    rid = round_with_draft
    up = _upload(api, "so-tai-chinh", rid, "1.1", "bien-ban.pdf", PDF)
    assert up.status_code == 201, up.text
    entry = up.json()
    assert entry["kind"] == "pdf" and entry["size"] == len(PDF) and entry["criterion"] == "1.1"
    assert _upload(api, "so-tai-chinh", rid, "1.2", "anh.png", PNG).status_code == 201
    assert _upload(api, "so-tai-chinh", rid, "1.3", "ke-hoach.docx", _docx()).status_code == 201
    listed = api.get(f"{_path(rid, 'so-tai-chinh')}/evidence", "so-tai-chinh").json()
    assert [e["criterion"] for e in listed] == ["1.1", "1.2", "1.3"]
    record = api.get(f"{_path(rid, 'so-tai-chinh')}/submission", "so-tai-chinh").json()
    assert len(record["evidence"]) == 3
    got = api.get(f"{_path(rid, 'so-tai-chinh')}/evidence/{entry['id']}", "thamdinh")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    other = api.get(f"{_path(rid, 'so-tai-chinh')}/evidence/{entry['id']}", "so-noi-vu")
    assert other.status_code == 403
    audit = api.get(f"/api/v1/rounds/{rid}/audit", "admin").json()
    assert [e["action"] for e in audit].count("upload") == 3


def test_uploads_are_checked(api, round_with_draft):
    rid = round_with_draft
    fake = _upload(api, "so-tai-chinh", rid, "1.1", "that-ra-la-exe.pdf", b"MZ\x90\x00" * 10)
    assert fake.status_code == 422 and fake.json()["field"] == "file"
    unknown = _upload(api, "so-tai-chinh", rid, "99.9", "a.pdf", PDF)
    assert unknown.status_code == 422 and unknown.json()["field"] == "criterion"
    assert _upload(api, "so-noi-vu", rid, "1.1", "a.pdf", PDF).status_code == 403
    assert _upload(api, None, rid, "1.1", "a.pdf", PDF).status_code == 401
    big = PDF + b"0" * (api.settings.max_upload + 1)
    assert _upload(api, "so-tai-chinh", rid, "1.1", "big.pdf", big).status_code == 413
    assert api.get(f"{_path(rid, 'so-tai-chinh')}/evidence", "so-tai-chinh").json() == []
    api.post(f"{_path(rid, 'so-tai-chinh')}/submit", "so-tai-chinh")
    locked = _upload(api, "so-tai-chinh", rid, "1.1", "a.pdf", PDF)
    assert locked.status_code == 409


def test_evidence_in_a_folder(db_url, tmp_path):
    from fastapi.testclient import TestClient

    from criteria_engine.service.app import create_app

    from .conftest import Api, make_settings

    settings = make_settings(db_url, evidence_dir=str(tmp_path / "evidence"), max_upload=10_000)
    with TestClient(create_app(settings)) as client:
        api = Api(client, __import__("criteria_engine.service.store").service.store.Store(db_url),
                  settings)  # fmt: skip
        api.add_user("admin", "admin")
        rid = api.post("/api/v1/rounds", "admin", json={"pack": "gialai@2019", "period": "2019",
                       "deadlines": {}}).json()["id"]  # fmt: skip
        _put(api, "admin", rid, "so-tai-chinh", _dept())
        up = _upload(api, "admin", rid, "1.1", "a.pdf", PDF)
        assert up.status_code == 201
        stored = tmp_path / "evidence" / str(rid) / up.json()["sha256"]
        assert stored.read_bytes() == PDF
        assert (
            api.get(f"{_path(rid, 'so-tai-chinh')}/evidence/{up.json()['id']}", "admin").content
            == PDF
        )
        assert _upload(api, "admin", rid, "1.1", "b.pdf", PDF + b"0" * 10_001).status_code == 413
        api.store.dispose()
