"""labrunner sandbox engine: moto's own WSGI app, with IAM enforcement and persistence.

    python3 sandbox/engine/engine.py --host 127.0.0.1 --port P --state-dir D

This is not an emulator: every AWS request goes to moto's DomainDispatcherApplication
unchanged. Around it we add only what moto's `moto_server` lacks for a learner's sandbox:
  * IAM enforcement from the first request (INITIAL_NO_AUTH_ACTION_COUNT=0), with the
    sandbox's own identities created directly in the backend (identities.py);
  * a snapshot of a service's state after every acknowledged mutation (snapshots.py),
    so an answered write survives `kill -9`;
  * S3 authentication as clients sign (raw query strings, presigned URLs) and S3's
    same-account denial wording (s3_auth.py); Block Public Access on new buckets (s3_buckets.py);
    a bucket asked for in another region answered 301 PermanentRedirect (s3_regions.py);
  * EC2 launches from `resolve:ssm:` parameters (ec2_launch.py); security group rules listed
    with their owner and without empty tags (ec2_rules.py);
  * private loopback endpoints for the gateway: /_labrunner/health and /_labrunner/whois;
  * trust in the gateway only: every request but /_labrunner/health must carry the per-start
    secret (LAB_ENGINE_SECRET, given in the environment by `lab sandbox start`) in the
    X-Labrunner-Secret header, so nobody can skip the gateway's checks (signature expiry,
    inactive keys, the API-only surface) by talking to this port; and moto's own control API
    (/moto-api: state dump, reset) and fake instance metadata are never served;
  * AWS-shaped unique ids (AIDA…), UUID request ids and whole-second IAM dates (aws_ids.py);
  * role sessions tied to the role they were issued for, not its name (role_sessions.py);
  * an HTTP/1.1 keep-alive server (httpserver.py) instead of werkzeug's development server,
    which closes every connection.
Prints `ready http://HOST:PORT` on stdout once it serves.
"""

from __future__ import annotations

import argparse
import hmac
import io
import json
import os
import signal
import sys
import threading
import time
from typing import Any, Callable
from urllib.parse import parse_qs

_T0 = time.perf_counter()  # startup phases are logged, for bench/sandbox-coldstart.ts

# Read and removed before anything else can see it (moto, botocore, a child process).
SECRET = os.environ.pop("LAB_ENGINE_SECRET", "").encode()
SECRET_KEY = "HTTP_X_LABRUNNER_SECRET"
# moto's dispatcher routes these to its own apps, not to an AWS service (werkzeug_app.py).
CONTROL_APPS = {"moto_api", "instance_metadata"}

# moto reads these when its modules are imported, so set them first.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # authenticate + authorise every request
# RunInstances refuses unknown AMIs, instance types and key pairs, as EC2 does (moto's own
# validations, off by default; ec2_launch.py resolves `resolve:ssm:` image ids first).
os.environ["MOTO_ENABLE_AMI_VALIDATION"] = "true"
os.environ["MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION"] = "true"
os.environ["MOTO_ENABLE_KEYPAIR_VALIDATION"] = "true"
os.environ.pop("MOTO_ACCOUNT_ID", None)  # the account comes from the access key
# The learner's AWS_* variables (a profile that does not exist here, say) must not leak
# into botocore inside moto.
for _name in [n for n in os.environ if n.startswith("AWS_")]:
    del os.environ[_name]

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aws_ids  # noqa: E402
import httpserver  # noqa: E402
import snapshots  # noqa: E402
import iam_shared_policies  # noqa: E402
import s3_auth  # noqa: E402
import s3_buckets  # noqa: E402
import s3_regions  # noqa: E402
import ec2_launch  # noqa: E402
import ec2_rules  # noqa: E402
import trust  # noqa: E402
import cross_account_trust  # noqa: E402
import iam_conflicts  # noqa: E402
import iam_policy_conflicts  # noqa: E402
import iam_messages  # noqa: E402
import not_found_texts  # noqa: E402
import trust_principals  # noqa: E402
import sts_key_owner  # noqa: E402
import ec2_lifecycle  # noqa: E402
import ec2_sg_dependencies  # noqa: E402
import ec2_ids  # noqa: E402
import ec2_rule_texts  # noqa: E402
import sts_assume_role  # noqa: E402
import s3_policy_status  # noqa: E402
import s3_bucket_names  # noqa: E402
import s3_own_bucket  # noqa: E402
import s3_public_read  # noqa: E402
import s3_cross_account  # noqa: E402
import role_sessions  # noqa: E402
import identities  # noqa: E402
import accounts  # noqa: E402
import account_ops  # noqa: E402
import engine_gaps  # noqa: E402
import lazy_import  # noqa: E402
import statedir  # noqa: E402

EXIT_PORT_BUSY = 3
EXIT_BAD_STATE = 4
READ_PREFIXES = ("Get", "List", "Describe", "Lookup", "Head")
EAGER = ("iam", "sts")  # loaded before serving


class RWLock:
    """Many readers or one writer. A mutation and its snapshot run alone, so a snapshot
    never pickles a dict another request is changing, and the snapshot on disk always
    includes every write that was acknowledged before it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    def acquire_read(self) -> None:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self) -> None:
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._writer = True
            while self._readers:
                self._cond.wait()

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()


def log(msg: str) -> None:
    sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} engine: {msg}\n")
    sys.stderr.flush()


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back, so moto still sees it."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def operation_of(environ: dict[str, Any], body: bytes) -> str | None:
    """The AWS operation name: X-Amz-Target (JSON protocols) or Action (query protocol)."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    return action[0] if action else None


# Named like reads, but they create credentials (temporary keys live in IAM's backend).
WRITES_NAMED_LIKE_READS = {"GetSessionToken", "GetFederationToken"}


def is_mutation(environ: dict[str, Any], op: str | None) -> bool:
    if op is not None:
        return op in WRITES_NAMED_LIKE_READS or not op.startswith(READ_PREFIXES)
    # REST protocols (S3, Lambda, …): the method says it.
    return environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD", "OPTIONS")


def services_to_save(service: str) -> list[str]:
    # STS keeps temporary keys in IAM's access_keys; save both.
    return ["iam", "sts"] if service == "sts" else [service]


def _fast_account_lookup() -> None:
    """moto resolves a request's account by looking the access key up in the IAM backend of
    every partition (aws, aws-cn, aws-us-gov, …), creating the missing ones on the way, and
    each new one parses ~1,500 AWS managed policies: 1.4 s on the first request. A key can
    only live in a backend that exists, so look only there. Same answer, no side effects."""
    import moto.iam.models as iam_models

    backends = iam_models.iam_backends

    def get_account_id_from(access_key: str) -> str:
        for account_id, account in list(backends.items()):
            for partition_backend in list(dict.values(account)):
                if access_key in partition_backend.access_keys:
                    return account_id
        return iam_models.DEFAULT_ACCOUNT_ID

    iam_models.get_account_id_from = get_account_id_from


def _warm_up(moto_app: Any, services: tuple[str, ...]) -> None:
    """Load what a service's first signed call would otherwise pay for: moto's policy
    evaluator and the service's Flask app (sts/iam ~0.3 s; ec2 ~1 s of imports plus the
    default VPC set-up, which labs hit early)."""
    try:
        import moto.iam.access_control  # noqa: F401

        for service in services:
            auth = f"AWS4-HMAC-SHA256 Credential=AKIA/20200101/us-east-1/{service}/aws4_request, x"
            moto_app.get_application({"PATH_INFO": "/", "HTTP_AUTHORIZATION": auth})
            if service == "ec2":
                from moto.ec2.models import ec2_backends

                ec2_backends[identities.ACCOUNT_ID]["us-east-1"]
    except Exception as e:  # noqa: BLE001 - only an optimisation
        log(f"warm-up of {services} skipped: {e}")


def _install_ec2() -> None:
    """Every patch that imports moto.ec2 goes here, not in Engine.__init__: an engine start
    that imports EC2 costs ~1.5 s more CPU (test/sandbox/engine-lazy-ec2.test.ts fails)."""
    ec2_launch.install()  # resolve:ssm: image ids (ec2_launch.py)
    ec2_rules.install()  # rules as AWS lists them: GroupOwnerId, no empty Tags (ec2_rules.py)
    not_found_texts.install_ec2()  # a missing key pair, worded as AWS words it
    ec2_lifecycle.install()  # stop/start/terminate/reboot by the instance's state
    ec2_sg_dependencies.install()  # DependencyViolation for a group still in use
    ec2_ids.install()  # InvalidInstanceID.Malformed, ids (not Python sets) in messages
    ec2_rule_texts.install()  # a duplicate rule named, a malformed CIDR, in EC2's words
    log("ec2: moto.ec2 imported, EC2 patches applied")


class Engine:
    def __init__(self, state_dir: str) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.state_dir = state_dir
        _fast_account_lookup()
        iam_shared_policies.install()  # one copy of AWS managed policy texts for every account
        s3_auth.install()  # S3 signatures and denials as AWS checks them (s3_auth.py)
        s3_buckets.install()  # Block Public Access on by default and enforced (s3_buckets.py)
        s3_regions.install()  # a bucket asked for in another region: 301 (s3_regions.py)
        aws_ids.patch()  # AIDA… ids, UUID request ids, whole-second IAM dates (aws_ids.py)
        trust.install()  # account principals in role trust policies (trust.py)
        cross_account_trust.install()  # AssumeRole: the role's own account's trust policy decides
        iam_conflicts.install()  # DeleteUser/DeleteGroup refuse while things hang off (iam_conflicts.py)
        role_sessions.install()  # a session keeps its role's id; a deleted role's has no rights
        # AWS's state rules moto lacks, one file each (issue 18)
        iam_policy_conflicts.install()  # DeletePolicy refuses while attached / with versions
        iam_messages.install()  # EntityAlreadyExists / NoSuchEntity texts as IAM words them
        not_found_texts.install()  # a missing role, worded as AWS words it
        trust_principals.install()  # MalformedPolicyDocument for an invalid trust principal
        sts_key_owner.install()  # GetAccessKeyInfo: the key's owner, or the account in its id
        s3_own_bucket.install()  # CreateBucket on an own bucket never replaces it, after restarts
        s3_bucket_names.install()  # InvalidBucketName for a name S3's rules forbid
        sts_assume_role.install()  # AssumeRole: a missing role is AccessDenied; too long a session
        s3_policy_status.install()  # GetBucketPolicyStatus: NoSuchBucketPolicy, IsPublic
        s3_public_read.install()  # anonymous requests judged by bucket policy and BPA
        s3_cross_account.install()  # another account's bucket: only through its bucket policy
        # EC2's patches wait for moto.ec2's first import (~1.5 s of CPU, lazy_import.py).
        lazy_import.after_import("moto.ec2", _install_ec2)
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.lock = RWLock()
        self.account_id = identities.ACCOUNT_ID
        self.touched: set[str] = set()
        # Group commit (commit()): services changed since the last snapshot, a counter of
        # acknowledged-to-be mutations, and the last one a snapshot on disk holds.
        self.dirty: set[str] = set()
        self.generation = 0
        self.saved_generation = 0
        self._commit_lock = threading.Lock()
        self.queued = 0  # mutations waiting for or holding the write lock
        self._applied = threading.Condition()
        self._later: threading.Thread | None = None
        # Snapshots not loaded yet. IAM and STS load before serving (identities, the first
        # call); the rest (EC2: ~1 s of imports) load just before a request needs them, or in
        # the background after the first call. A pending service is never saved.
        self.pending: set[str] = set()
        self._load_lock = threading.Lock()
        self.folder = statedir.StateFolder(state_dir)

    def save(self, service: str) -> None:
        stats = snapshots.save(self.state_dir, service)
        log(
            f"snapshot {service}: {int(stats['bytes'])} bytes, pickle {stats['pickle_ms']:.1f} ms, "
            f"write {stats['write_ms']:.1f} ms"
        )

    def start(self) -> None:
        t0 = time.perf_counter()
        loaded = []
        for service in snapshots.saved_services(self.state_dir):
            if service in EAGER:
                snapshots.load(self.state_dir, service)
                loaded.append(service)
            else:
                self.pending.add(service)
        t1 = time.perf_counter()
        identities.ensure(self.state_dir, lambda: self.save("iam"))
        _warm_up(self.moto, ("sts", "iam"))  # what the first call (any lab's) needs
        t2 = time.perf_counter()
        self.touched.update(loaded)
        log(
            f"startup: imports {(t0 - _T0) * 1000:.0f} ms, snapshots {loaded or 'none'} "
            f"(later: {sorted(self.pending) or 'none'}) "
            f"{(t1 - t0) * 1000:.0f} ms, identities + sts/iam warm-up {(t2 - t1) * 1000:.0f} ms"
        )

    def save_all(self) -> None:
        lost = self.folder.lost()
        if lost:  # never write this engine's state into a folder that is not its own
            log(f"not saving on exit: the state folder {self.folder.path} {lost}")
            return
        self.lock.acquire_write()
        try:
            for service in sorted(self.touched):
                self.save(service)
        finally:
            self.lock.release_write()

    # -- WSGI -------------------------------------------------------------------------

    def load_pending(self) -> None:
        with self._load_lock:
            if not self.pending:
                return
            t0 = time.perf_counter()
            for service in sorted(self.pending):
                try:
                    snapshots.load(self.state_dir, service)
                except snapshots.SnapshotError as e:
                    log(f"ERROR {e}")
                    raise
            log(f"loaded snapshots {sorted(self.pending)} in {(time.perf_counter() - t0) * 1000:.0f} ms")
            self.touched.update(self.pending)
            self.pending.clear()

    def _background(self) -> None:
        try:
            self.load_pending()
        except Exception as e:  # noqa: BLE001 - the next request that needs it retries and fails loudly
            log(f"background snapshot load failed: {e}")
        if os.environ.get("LAB_ENGINE_WARM_EC2", "1") == "1":
            _warm_up(self.moto, ("ec2",))

    def warm_later(self) -> None:
        """Once the first call is answered (so it is not slowed), load the remaining snapshots
        and warm EC2 while the learner types the next command."""
        if self._later is None:
            self._later = threading.Thread(target=self._background, daemon=True)
            self._later.start()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == "/_labrunner/health":  # liveness only: no secret in it, probes need no secret
            # ...but only under a loopback name: a page that rebinds its own name to 127.0.0.1
            # could otherwise read the account id and pid (docs/security.md).
            if not _loopback_host(environ.get("HTTP_HOST", "")):
                return _json(start_response, 403, {"error": "only the sandbox gateway may call the engine"})
            return self.private(environ, start_response, path)
        given = environ.pop(SECRET_KEY, "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, SECRET):
            return _json(start_response, 403, {"error": "only the sandbox gateway may call the engine"})
        if path.startswith("/_labrunner/"):
            return self.private(environ, start_response, path)
        try:
            return self.handle(environ, start_response)
        finally:
            self.warm_later()

    def handle(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        try:
            return self.dispatch(environ, start_response)
        except NotImplementedError as e:
            return engine_gaps.answer(start_response, e, log)
        except Exception as e:  # noqa: BLE001 - a bug of moto's: logged, answered at once (engine_gaps.py)
            what = f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}"
            return engine_gaps.crashed(start_response, e, what, log)

    def dispatch(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        app = self.moto.get_application(environ)
        service = getattr(app, "service", None)
        if service in CONTROL_APPS:
            # Whatever spelling reached here (the gateway refuses them first): never served.
            return _json(start_response, 404, {"error": "not found"})
        if self.pending and service not in EAGER:
            # Any other service may read EC2's (or another's) state: load them all first.
            self.load_pending()
        body = _read_body(environ)
        op = operation_of(environ, body)
        if not is_mutation(environ, op):
            self.lock.acquire_read()
            try:
                return list(app(environ, start_response))
            finally:
                self.lock.release_read()
        return self.mutate(environ, start_response, app)

    def mutate(self, environ: dict[str, Any], start_response: Callable[..., Any], app: Any) -> Any:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: Any, exc_info: Any = None) -> Any:
            captured["status"] = status
            return start_response(status, headers, exc_info)

        lost = self.folder.lost() or self.folder.unwritable()
        if lost:
            log(f"ERROR write refused: the state folder {self.folder.path} {lost}")
            return self.folder.refuse(lost, start_response)
        saves: list[str] = []
        with self._applied:
            self.queued += 1
        self.lock.acquire_write()
        try:
            # Consume the body inside the lock: moto does its work while we iterate.
            chunks = list(app(environ, capture))
            if captured.get("status", "500").startswith("2"):
                service = getattr(app, "service", None)
                if service and service != "moto_api":
                    saves = services_to_save(service)
                    self.touched.update(saves)
                    self.dirty.update(saves)
                    self.generation += 1
                    mine = self.generation
        finally:
            self.lock.release_write()
            with self._applied:
                self.queued -= 1
                self._applied.notify_all()
        if saves:
            failed = self.commit(mine)
            if failed:
                # The change is in moto's memory only and would be gone after a crash: the
                # client must not hear 200 (issue 16). The answer is not sent yet, so it can
                # still become the 503.
                why, exc_info = failed
                return self.folder.refuse(why, start_response, exc_info)
        return chunks

    def commit(self, generation: int) -> tuple[str, Any] | None:
        """Return once a snapshot holding mutation `generation` is on disk (None), or why not.

        Group commit (issue 21, a class's engine): one snapshot covers every mutation made
        before it, so writers that queued while a snapshot was written share the next one instead
        of writing one each — with 100 learners writing at once, the engine did one pickle of
        every account per write. The snapshot still runs alone (the write lock), and nobody
        hears 200 before their change is on disk."""
        with self._commit_lock:
            if self.saved_generation >= generation:
                return None
            # Writers already queued for the lock apply first and ride on this snapshot
            # (bounded: under a steady stream the snapshot does not wait for a lull).
            with self._applied:
                self._applied.wait_for(lambda: self.queued == 0, timeout=0.05)
            self.lock.acquire_write()
            try:
                upto, names, self.dirty = self.generation, self.dirty, set()
                for name in sorted(names):
                    try:
                        self.save(name)
                    except Exception as e:  # noqa: BLE001
                        self.dirty |= names  # the next writer tries again
                        log(f"ERROR snapshot of {name} failed, its state will not survive a restart: {e!r}")
                        return f"cannot be written to ({getattr(e, 'strerror', None) or e})", sys.exc_info()
                self.saved_generation = upto
                return None
            finally:
                self.lock.release_write()

    def private(self, environ: dict[str, Any], start_response: Callable[..., Any], path: str) -> Any:
        """Loopback-only endpoints for the gateway (it refuses /_labrunner/* from outside)."""
        if path == "/_labrunner/health":
            lost = self.folder.lost()
            if lost:  # alive, but unable to save: `lab sandbox start` restarts it
                why = f"The sandbox's state folder {self.folder.path} {lost} while the sandbox ran."
                return _json(start_response, 503, {"ok": False, "stateLost": why, "pid": os.getpid()})
            return _json(
                start_response,
                200,
                {
                    "ok": True,
                    "accountId": self.account_id,
                    "pid": os.getpid(),
                    # The runner's own user, which the gateway leaves out of list-users.
                    "serviceUsers": [identities.USERS["runner"], account_ops.VERIFIER],
                },
            )
        if path == "/_labrunner/whois":
            key_id = (parse_qs(environ.get("QUERY_STRING", "")).get("accessKeyId") or [""])[0]
            self.lock.acquire_read()
            try:
                found = identities.whois(key_id) if key_id else None
            finally:
                self.lock.release_read()
            return _json(start_response, 200 if found else 404, found or {})
        if path == "/_labrunner/accounts" and environ.get("REQUEST_METHOD") == "POST":
            # A class that hosts the sandbox: one more learner account (accounts.py).
            q = parse_qs(environ.get("QUERY_STRING", ""))
            try:  # a class over several engines: this engine's shard (sandbox/gateway/shards.ts)
                shard, of = int((q.get("shard") or ["0"])[0]), int((q.get("of") or ["1"])[0])
                assert 0 <= shard < of
            except (ValueError, AssertionError):
                return _json(start_response, 400, {"error": "shard must be 0 <= shard < of"})
            self.lock.acquire_write()
            try:
                self.touched.add("iam")
                made = accounts.create(lambda: self.save("iam"), shard, of)
            finally:
                self.lock.release_write()
            return _json(start_response, 201, made)
        if path.startswith("/_labrunner/accounts/"):
            return self.account_op(environ, start_response, path.split("/")[3:])
        if path == "/_labrunner/bucket":
            # Which account holds a bucket name (S3 names are global across a class's engines).
            name = (parse_qs(environ.get("QUERY_STRING", "")).get("name") or [""])[0]
            if self.pending:
                self.load_pending()  # S3's snapshot may not be loaded yet after a restart
            self.lock.acquire_read()
            try:
                bucket = s3_public_read._bucket(name) if name else None
            finally:
                self.lock.release_read()
            return _json(start_response, 200 if bucket else 404, {"accountId": bucket.account_id} if bucket else {})
        return _json(start_response, 404, {"error": "unknown private endpoint"})

    def account_op(self, environ: dict[str, Any], start_response: Callable[..., Any], parts: list[str]) -> Any:
        """The class server's operations on one learner account (account_ops.py)."""
        method = environ.get("REQUEST_METHOD", "GET")
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[0]) != 12:
            return _json(start_response, 404, {"error": "unknown private endpoint"})
        account, op = parts
        self.load_pending()  # a wipe must also reach state not loaded yet
        if (op, method) == ("inventory", "GET"):
            self.lock.acquire_read()
            try:
                return _json(start_response, 200, account_ops.inventory(account))
            finally:
                self.lock.release_read()
        ops = {
            ("keys", "POST"): lambda: (["iam"], account_ops.issue_keys(account)),
            ("verifier", "POST"): lambda: (["iam"], account_ops.verifier_key(account)),
            ("verifier", "DELETE"): lambda: (["iam"], account_ops.drop_verifier(account) or {"dropped": True}),
            ("wipe", "POST"): lambda: ((w := account_ops.wipe(account)), {"wiped": w}),
        }
        op_fn = ops.get((op, method))
        if op_fn is None:
            return _json(start_response, 404, {"error": "unknown private endpoint"})
        # Ending a class wipes every account: `?defer=1` leaves the snapshots to the next call
        # without it (one snapshot per service instead of one per account and service).
        defer = (parse_qs(environ.get("QUERY_STRING", "")).get("defer") or [""])[0] == "1"
        self.lock.acquire_write()
        try:
            services, answer = op_fn()
            pending = getattr(self, "_deferred_saves", set()) | set(services)
            self._deferred_saves = pending if defer else set()
            for name in [] if defer else sorted(pending):
                self.touched.add(name)
                self.save(name)
        finally:
            self.lock.release_write()
        return _json(start_response, 200 if answer else 404, answer or {"error": "no such account"})


_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "[::1]"}


def _loopback_host(host: str) -> bool:
    """Whether a Host header names this machine's loopback (with or without a port)."""
    name = host if host.endswith("]") else host.rsplit(":", 1)[0]
    return name.lower() in _LOOPBACK_NAMES


def _json(start_response: Callable[..., Any], code: int, payload: dict[str, Any]) -> list[bytes]:
    data = json.dumps(payload).encode()
    reason = {200: "OK", 201: "Created", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable"}.get(code, "Error")
    start_response(
        f"{code} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="labrunner sandbox engine (moto)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state-dir", required=True)
    args = parser.parse_args(argv)
    if len(SECRET) < 16:
        sys.stderr.write(
            "engine: LAB_ENGINE_SECRET is not set (16+ characters): the engine serves only the "
            "sandbox gateway, which `lab sandbox start` gives the same secret.\n"
        )
        return 2

    os.makedirs(os.path.join(args.state_dir, "snapshots"), mode=0o700, exist_ok=True)
    os.chmod(args.state_dir, 0o700)

    holder: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return holder["engine"](environ, start_response)

    # Bind before the slow imports: a busy port fails in milliseconds, with a clear message.
    try:
        # Keep-alive, unlike werkzeug's development server (see httpserver.py); quiet per request.
        server = httpserver.make_server(args.host, args.port, app, log)
    except OSError as e:
        sys.stderr.write(
            f"engine: cannot listen on {args.host}:{args.port}: {e.strerror or e}. "
            "Another process is using this port.\n"
        )
        return EXIT_PORT_BUSY

    engine = Engine(args.state_dir)
    try:
        engine.start()
    except snapshots.SnapshotError as e:
        sys.stderr.write(f"engine: {e}\n")
        return EXIT_BAD_STATE
    holder["engine"] = engine

    def stop(signum: int, frame: Any) -> None:
        # Every mutation is already on disk; this only refreshes last-used data and exits.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"ready http://{args.host}:{server.server_port}", flush=True)
    log(f"serving on {args.host}:{server.server_port}, state in {args.state_dir}")
    server.serve_forever()
    engine.save_all()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
