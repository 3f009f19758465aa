"""Who may do what: keys checked secret and all, every role on every POST, cookies only from our pages.

Every POST route the application has is listed here with the role it needs, so a new one
fails `test_every_post_route_is_listed` until someone decides who may call it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from icpmap.api.app import create_app
from icpmap.api.auth import KeyFile, KeyFileError, Principal
from icpmap.graph import open_store
from icpmap.loaders import load_paths
from icpmap.sample import SAMPLE_DIR

ROLES = ("viewer", "analyst", "admin")
RANK = {None: 0, "viewer": 1, "analyst": 2, "admin": 3}
HEADER_ONLY = ("ics.csv", b"code,name\n")  # a valid upload that changes nothing
READ = "MATCH (p:Place) RETURN p.code AS code ORDER BY code"

# path -> (role needed or None for public, kind, request body, status when allowed)
POSTS = {
    "/query": ("analyst", "api", {"json": {"cypher": READ}}, 200),
    "/loads": ("admin", "api", {"files": [("files", HEADER_ONLY)]}, 200),
    "/dashboard/query": ("analyst", "page", {"data": {"cypher": READ}}, 200),
    "/dashboard/upload": ("admin", "page", {"files": [("files", HEADER_ONLY)]}, 200),
}
PUBLIC_POSTS = {"/login", "/logout"}


class Service:
    def __init__(self, root: Path) -> None:
        self.store = open_store(root / "db", engine="ladybug")
        load_paths(self.store, [SAMPLE_DIR])
        self.keys = KeyFile(root / "keys.json")
        self.records = {}
        self.key = {}
        for role in ROLES:
            self.records[role], self.key[role] = self.keys.create(f"roles {role}", role)
        self.app = create_app(self.store, keys_path=self.keys.path, audit=root / "loads.jsonl")

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    s = Service(tmp_path_factory.mktemp("roles"))
    yield s
    s.store.close()


def _bearer(key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"} if key else {}


# -- the key file ------------------------------------------------------------------------------------------------


def test_a_key_is_checked_id_and_secret(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    record, key = keys.create("someone", "analyst")
    prefix, key_id, secret = key.split("-", 2)
    assert (prefix, key_id) == ("icp", record.id)
    assert keys.verify(key) == record
    assert keys.verify(f"  {key} \n") == record  # as pasted
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")  # the real id, one character of the secret off
    assert keys.verify(f"icp-{key_id}-{wrong}") is None
    assert keys.verify(f"icp-{key_id}-") is None
    assert keys.verify(f"icp-{key_id}-{secret}x") is None
    assert keys.verify(f"icp-{key_id}") is None
    assert keys.verify(f"xyz-{key_id}-{secret}") is None  # the prefix matters too
    other, other_key = keys.create("someone else", "viewer")
    assert keys.verify(f"icp-{other.id}-{secret}") is None  # a secret is only good with its own id
    assert keys.verify(other_key) == other
    keys.revoke(record.id)
    assert keys.verify(key) is None
    assert keys.verify(other_key) == other


def test_roles_are_ordered() -> None:
    for held in ROLES:
        for needed in ROLES:
            assert Principal("p", held).can(needed) is (RANK[held] >= RANK[needed]), (held, needed)


# -- every POST, every role ---------------------------------------------------------------------------------------


def _routes(container: object) -> list[object]:
    """Every route, through included routers (newer FastAPI wraps them)."""
    out = []
    for r in container.routes:
        inner = getattr(r, "original_router", None)
        out += _routes(inner) if inner is not None else [r]
    return out


def test_every_post_route_is_listed(service: Service) -> None:
    posts = {r.path for r in _routes(service.app) if "POST" in (getattr(r, "methods", None) or set())}
    assert {"/query", "/loads"} <= posts  # the walk sees the routers' routes
    assert posts == set(POSTS) | PUBLIC_POSTS


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("path", list(POSTS))
def test_every_post_with_every_role_by_key(service: Service, path: str, role: str | None) -> None:
    needs, kind, body, allowed = POSTS[path]
    before = service.store.counts()
    with service.client() as client:
        response = client.post(path, headers=_bearer(service.key.get(role)), follow_redirects=False, **body)
    if role is None and kind == "page":
        assert response.status_code == 303, response.text[:300]
        assert response.headers["location"] == f"/login?next={path}"
    elif role is None:
        assert response.status_code == 401, response.text[:300]
        assert response.headers["www-authenticate"].startswith("Bearer")
    elif RANK[role] < RANK[needs]:
        assert response.status_code == 403, response.text[:300]
        assert f"needs the {needs} role" in response.text
    else:
        assert response.status_code == allowed, response.text[:300]
    assert service.store.counts() == before  # the bodies change nothing, allowed or not


@pytest.mark.parametrize("path", list(POSTS))
def test_a_real_key_id_with_a_wrong_secret_is_refused_everywhere(service: Service, path: str) -> None:
    record, key = service.records["admin"], service.key["admin"]
    forged = f"icp-{record.id}-{'A' * len(key.split('-', 2)[2])}"
    _, _, body, _ = POSTS[path]
    with service.client() as client:
        response = client.post(path, headers=_bearer(forged), follow_redirects=False, **body)
        assert response.status_code == 401, response.text[:300]
        assert client.get("/places", headers={"X-API-Key": forged}).status_code == 401
        assert client.get("/places", headers={"X-API-Key": key}).status_code == 200


def _signed_in(service: Service, role: str) -> TestClient:
    client = service.client()
    response = client.post("/login", data={"key": service.key[role], "next": "/"}, follow_redirects=False,
                           headers={"Origin": "http://127.0.0.1"})
    assert response.status_code == 303 and response.headers["location"] == "/"
    # The session cookie is Secure; the test client speaks plain HTTP, so it is sent by hand.
    client.headers["Cookie"] = f"icpmap_session={response.cookies['icpmap_session']}"
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/dashboard/query", "/dashboard/upload"])
def test_dashboard_posts_by_cookie_need_the_role_and_our_own_origin(service: Service, path: str, role: str) -> None:
    needs, _, body, allowed = POSTS[path]
    before = service.store.counts()
    with _signed_in(service, role) as client:
        same = client.post(path, headers={"Origin": "http://127.0.0.1"}, follow_redirects=False, **body)
        if RANK[role] < RANK[needs]:
            assert same.status_code == 403, same.text[:300]
        else:
            assert same.status_code == allowed, same.text[:300]
        for headers in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/page"}, {},
                        {"Origin": "null"}):
            response = client.post(path, headers=headers, follow_redirects=False, **body)
            assert response.status_code == 403, (headers, response.status_code)
    assert service.store.counts() == before


def test_sign_in_with_a_wrong_secret_or_from_elsewhere_is_refused(service: Service) -> None:
    record, key = service.records["viewer"], service.key["viewer"]
    with service.client() as client:
        own = {"Origin": "http://127.0.0.1"}
        wrong = client.post("/login", data={"key": f"icp-{record.id}-nope", "next": "/"}, headers=own,
                            follow_redirects=False)
        assert wrong.status_code == 401 and "icpmap_session" not in wrong.headers.get("set-cookie", "")
        elsewhere = client.post("/login", data={"key": key, "next": "/"}, headers={"Origin": "http://evil.example"},
                                follow_redirects=False)
        assert elsewhere.status_code == 403 and "icpmap_session" not in elsewhere.headers.get("set-cookie", "")
        away = client.post("/login", data={"key": key, "next": "//evil.example/x"}, headers=own,
                           follow_redirects=False)
        assert away.status_code == 303 and away.headers["location"] == "/"


def test_anonymous_single_user_mode_ends_when_a_key_exists(tmp_path: Path) -> None:
    with open_store(tmp_path / "db", engine="ladybug") as store:
        keys = KeyFile(tmp_path / "keys.json")
        app = create_app(store, keys_path=keys.path, allow_anonymous=True, audit=tmp_path / "loads.jsonl")
        with TestClient(app, base_url="http://127.0.0.1") as client:
            assert client.get("/places").status_code == 200  # no key anywhere: the local user
            _, key = keys.create("first", "viewer")
            assert client.get("/places").status_code == 401  # now a key is needed
            assert client.get("/places", headers=_bearer(key)).status_code == 200
            assert client.post("/query", json={"cypher": READ}, headers=_bearer(key)).status_code == 403


def test_where_the_key_file_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from icpmap.api.auth import keys_path

    monkeypatch.delenv("ICPMAP_NEO4J_URI", raising=False)
    monkeypatch.delenv("ICPMAP_KEYS", raising=False)
    assert keys_path(tmp_path / "store") == (tmp_path / "store.keys.json").resolve()
    monkeypatch.setenv("ICPMAP_KEYS", "  ")  # blank: as if unset
    assert keys_path(tmp_path / "store") == (tmp_path / "store.keys.json").resolve()
    monkeypatch.setenv("ICPMAP_KEYS", str(tmp_path / "elsewhere.json"))
    assert keys_path(tmp_path / "store") == tmp_path / "elsewhere.json"


def test_what_a_key_record_shows(tmp_path: Path) -> None:
    keys = KeyFile(tmp_path / "keys.json")
    record, key = keys.create("  shown  ", "viewer")
    assert record.public() == {"id": record.id, "name": "shown", "role": "viewer", "created": record.created,
                               "revoked": None}
    assert record.created.endswith("+00:00") and "." not in record.created  # UTC, whole seconds
    stored = json.loads((tmp_path / "keys.json").read_text(encoding="utf-8"))
    assert stored["version"] == 1 and [k["id"] for k in stored["keys"]] == [record.id]
    assert key.split("-", 2)[2] not in (tmp_path / "keys.json").read_text()  # only the salted hash is kept
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600
    other, _ = keys.create("second", "admin")
    assert [r.public() for r in keys.records()] == sorted([record.public(), other.public()],
                                                            key=lambda p: (p["created"], p["id"]))
    [revoked] = keys.revoke("shown")
    assert revoked.public() == {**record.public(), "revoked": revoked.revoked}
    assert revoked.revoked.endswith("+00:00") and keys.has_active()
    with pytest.raises(KeyFileError, match="No active key has the name or id 'shown'"):
        keys.revoke("shown")
    keys.revoke(other.id)
    assert not keys.has_active()


def test_key_file_refusals(tmp_path: Path) -> None:
    from icpmap.api.auth import keys_path

    keys = KeyFile(tmp_path / "keys.json")
    with pytest.raises(KeyFileError, match=r"^Unknown role 'owner'; use one of viewer, analyst, admin\.$"):
        keys.create("x", "owner")
    for bad in ("", "   ", "x" * 65, "semi;colon", "<b>"):
        with pytest.raises(KeyFileError, match=r"^A key name is 1 to 64 letters"):
            keys.create(bad, "viewer")
    record, key = keys.create("dup", "viewer")
    assert len(record.id) == 8 and int(record.id, 16) >= 0 and key.startswith(f"icp-{record.id}-")
    with pytest.raises(KeyFileError, match=r"^An active key is already named 'dup'"):
        keys.create("dup", "admin")
    keys.revoke("dup")
    again, _ = keys.create("dup", "admin")  # a revoked key's name may be used again
    assert again.id != record.id and again.role == "admin"
    assert keys_path(tmp_path / "store", location=str(tmp_path / "elsewhere")) == tmp_path / "elsewhere.keys.json"


@pytest.mark.parametrize("path", ["/ics/QYG/network", "/ics/QYG/network.html"])
def test_an_ics_diagram_needs_a_key(service: Service, path: str) -> None:
    """The ICS's network and diagram hold people's names: a viewer's key at least, never none."""
    with service.client() as client:
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer icp-nope-nope"}).status_code == 401
        for role in ROLES:
            assert client.get(path, headers=_bearer(service.key[role])).status_code == 200, role
