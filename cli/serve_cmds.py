"""`icpmap serve` (the web service) and `icpmap keys create|list|revoke`."""

from __future__ import annotations

import typer

from .app import Table, Text, app, console, fail, state

keys_app = typer.Typer(help="API keys for the web service: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def is_loopback(host: str) -> bool:
    """True when `host` names only this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress
    import socket

    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0].split("%")[0]).is_loopback for i in infos)


def _key_file():
    from ..api.auth import KeyFile, keys_path

    return KeyFile(keys_path(state.db))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    max_upload_mb: float = typer.Option(50, "--max-upload-mb", min=0.001, help="Largest upload POST /loads accepts."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level: critical, error, warning, info."),
    allowed_host: list[str] = typer.Option(
        None, "--allowed-host", help="A host name clients use to reach the service (repeatable). Loopback names, "
                                     "and the --host address, are always allowed; any other Host header is refused."),
) -> None:
    """Run the web service: the JSON/CSV API (/docs) and the dashboard (/) on the configured store.

    With no active API key this is single-user mode (you are the admin, no key asked),
    allowed only on a loopback address. Create keys with `icpmap keys create`.
    """
    from ..api.app import create_app, run_server

    keys = _key_file()
    single_user = not keys.has_active()
    if single_user and not is_loopback(host):
        fail(f"No API key exists, and {host} is not a loopback address: the service would be open to anyone "
             "who can reach it. Create a key first (icpmap keys create --role admin --name NAME), "
             "or serve on 127.0.0.1.")
    hosts = list(allowed_host or [])
    if host not in ("0.0.0.0", "::", ""):
        hosts.append(host)
    store = state.store()  # opened here, so "in use by another process" is a clear message
    application = create_app(store, keys_path=keys.path, allow_anonymous=single_user,
                             max_upload_bytes=int(max_upload_mb * 1024 * 1024), allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    mode = "single-user mode (no key needed on this computer)" if single_user else f"API keys from {keys.path}"
    console.print(Text(f"icpmap serving on http://{shown}:{port}/ — {mode}. Ctrl+C stops it."))
    try:
        run_server(application, host, port, log_level)
    finally:
        store.close()


@keys_app.command("create")
def keys_create(
    role: str = typer.Option(..., "--role", help="viewer, analyst or admin."),
    name: str = typer.Option(..., "--name", help="Who or what the key is for (shown in the audit)."),
) -> None:
    """Create a key. It is printed once, alone on the last line: store it safely now."""
    record, key = _key_file().create(name, role.strip().lower())
    console.print(Text(f"Created {record.role} key {record.id} named {record.name!r} in {_key_file().path}."))
    console.print(Text("This is the only time the key is shown; keep it somewhere safe:"))
    print(key, flush=True)


@keys_app.command("list")
def keys_list(
    all_keys: bool = typer.Option(False, "--all", help="Include revoked keys."),
) -> None:
    """List the keys (never the keys themselves)."""
    keys = _key_file()
    records = [r for r in keys.records() if all_keys or r.active]
    table = Table("id", "name", "role", "created", "revoked", title=f"API keys in {keys.path}")
    for r in records:
        table.add_row(Text(r.id), Text(r.name), Text(r.role), Text(r.created), Text(r.revoked or ""))
    console.print(table)
    if not records:
        console.print("No keys: `icpmap serve` runs in single-user mode (loopback only).", style="dim")


@keys_app.command("revoke")
def keys_revoke(
    name_or_id: str = typer.Argument(..., metavar="NAME_OR_ID", help="A key's id, or name (revokes every active key of that name)."),
) -> None:
    """Revoke a key: a running service refuses it from its next request."""
    for r in _key_file().revoke(name_or_id):
        console.print(Text(f"Revoked {r.role} key {r.id} named {r.name!r}."))
