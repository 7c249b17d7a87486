"""Where stored files live: the local file system (the embedded default) or an S3-compatible
object store (the office's S3, MinIO or SeaweedFS), chosen by config/settings.py from
QINGLING_S3_*; every web and worker node then shares the same files.

Nothing outside this module and accounts.files knows which one it is: files are written and
read through Django's storage API (`FieldFile.save`/`open`, never a path), and served only by
views that check the owning object's area first (accounts.files.serve_stored_file).

On S3 every object is private (no ACL is ever sent; the bucket needs no public policy):
the app reads it with its own key and either streams it to the browser or, with
QINGLING_S3_SIGNED_REDIRECT, redirects to a URL signed for QINGLING_S3_SIGNED_SECONDS.
"""

import threading

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import storages
from django.utils.functional import LazyObject
from storages.backends.s3 import S3Storage

from .refusals import Refused

_shared_connections = threading.local()

# /healthz asks the store at most this long (connect and answer each), once, no retries.
HEALTH_TIMEOUT_S = 2


class StorageUnavailable(OSError):
    """The object store did not answer a read (down, unreachable, refused our key): not "no
    such file" — the file page answers 503 with a message instead of 404 or 500."""


class StoreDown(Refused):
    """The object store did not take a file: the change that carried it is refused (its
    transaction rolls back), a 503 in the API, the message on the page."""

    status_code = 503

    def __init__(self):
        super().__init__("文件存储暂时无法访问，文件未能保存，请稍后重试。")


class ConfiguredStorage(LazyObject):
    """`storages[alias]` looked up at every use, never kept: a FileField's storage callable
    runs once at import, but the storage must follow STORAGES as it stands (the tests give
    each test its own place, on disk or in the bucket)."""

    def __init__(self, alias):
        self.__dict__["alias"] = alias

    @property
    def _wrapped(self):
        return storages[self.__dict__["alias"]]

    def __reduce__(self):
        return (ConfiguredStorage, (self.__dict__["alias"],))

    def __deepcopy__(self, memo):
        return ConfiguredStorage(self.__dict__["alias"])


class ObjectStorage(S3Storage):
    """django-storages' S3 backend with the project's rules: never overwrite (a name taken
    gets a suffix, as on disk), never send an ACL, and a store that does not answer raised
    as StorageUnavailable (a read) or StoreDown (a write)."""

    default_acl = None
    file_overwrite = False

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults.update(default_acl=None, file_overwrite=False)
        return defaults

    @property
    def connection(self):
        """boto3's S3 resource, one per thread for each store and key, shared by every
        storage instance (media and exports; a test's own prefix): building one reads
        boto3's service models, a tenth of a second of CPU each time."""
        key = (
            self.endpoint_url,
            self.access_key,
            self.secret_key,
            self.security_token,
            self.session_profile,
            self.region_name,
            self.use_ssl,
            str(self.verify),
            id(self.client_config),
        )
        resources = _shared_connections.__dict__.setdefault("resources", {})
        if key not in resources:
            resources[key] = super().connection
        return resources[key]

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except FileNotFoundError:
            raise
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"object store: {error}") from error

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except (BotoCoreError, ClientError) as error:
            raise StoreDown() from error

    def get_available_name(self, name, max_length=None):
        try:
            return super().get_available_name(name, max_length)
        except (BotoCoreError, ClientError) as error:
            raise StoreDown() from error

    def probe_client(self):
        """An S3 client with the store's endpoint and key but short timeouts and no retries,
        for /healthz (the file client waits 30 s for an answer and retries). One per thread."""
        key = ("probe", self.endpoint_url, self.access_key, self.secret_key, self.region_name)
        clients = _shared_connections.__dict__.setdefault("probes", {})
        if key not in clients:
            config = self.client_config.merge(
                Config(
                    connect_timeout=HEALTH_TIMEOUT_S,
                    read_timeout=HEALTH_TIMEOUT_S,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                )
            )
            clients[key] = self._create_session().client(
                "s3",
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                endpoint_url=self.endpoint_url,
                config=config,
                verify=self.verify,
            )
        return clients[key]

    def answers(self):
        """Whether the store answers for the bucket (HEAD bucket) within HEALTH_TIMEOUT_S."""
        try:
            self.probe_client().head_bucket(Bucket=self.bucket_name)
        except (BotoCoreError, ClientError):
            return False
        return True

    def open_stream(self, name):
        """(a file-like that reads the object as it arrives, its size in bytes): a
        download starts at once and holds no copy, however large the file."""
        handle = self.open(name, "rb")  # HEAD: FileNotFoundError when the object is gone
        try:
            body = handle.obj.get()["Body"]
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(name) from error
            raise StorageUnavailable(f"object store: {error}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(f"object store: {error}") from error
        return body, handle.obj.content_length

    def signed_url(self, name, *, expire, content_type, content_disposition):
        """A GET URL for the object, valid `expire` seconds, whose answer carries the
        type and disposition the app chose (not what the store guesses); None when the
        object is gone."""
        try:
            if not self.exists(name):
                return None
            return self.url(
                name,
                parameters={
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": content_disposition,
                },
                expire=expire,
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"object store: {error}") from error

    def delete_everything(self):
        """Remove every object under this storage's location (a test's own prefix)."""
        prefix = self.location.rstrip("/") + "/" if self.location else ""
        if not prefix:
            raise ValueError("refusing to empty a storage with no location")
        self.bucket.objects.filter(Prefix=prefix).delete()


def is_object_storage(storage):
    return isinstance(storage, S3Storage)
